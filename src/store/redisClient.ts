import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * One Redis server or a Redis Cluster: the same commands, routed by ioredis. What differs is
 * only where keys live: a cluster spreads them over its primaries by hash slot, so
 * - a script, a MULTI or a multi-key command must keep every key in one slot (Ruta's keys carry
 *   hash tags for that: `{bookings}`, `{analytics}`, a sender's `{turn/…}`);
 * - SCAN visits one node: `scanKeys` asks every primary;
 * - a command on several unrelated keys (UNLINK, EXISTS) goes key by key (`unlinkKeys`, `countExisting`).
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

/**
 * How a connection's commands go to Redis (REDIS_BATCHING):
 * - `writes` (the default): the commands it is given during one turn of the event loop leave in
 *   one system call at the end of that turn (`writeTogether`);
 * - `auto-pipelining`: ioredis's auto-pipelining — the same, except that a batch waits until the
 *   previous one is answered (so a lock needs a connection of its own, see app.ts);
 * - `off`: one write per command.
 */
export type RedisBatching = 'writes' | 'auto-pipelining' | 'off';

/**
 * A client for REDIS_URL, not yet connected (`lazyConnect`). With `cluster`, the URL may list
 * several nodes, comma-separated; the first one's user, password and TLS apply to every node.
 */
export function createRedisClient(url: string, options: { cluster: boolean; batching?: RedisBatching } & Omit<RedisOptions, 'enableAutoPipelining'>): RedisClient {
  const { cluster, batching = 'off', ...rest } = options;
  const redisOptions: RedisOptions = { ...rest, enableAutoPipelining: batching === 'auto-pipelining' };
  if (!cluster) {
    const one = new Redis(url.trim(), { lazyConnect: true, ...redisOptions });
    if (batching === 'writes') writeTogether(one);
    return one;
  }
  const urls = url.split(',').map((u) => new URL(u.trim()));
  const first = urls[0]!;
  const nodes = urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) }));
  const shared: RedisOptions = {
    ...redisOptions,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    redisOptions: shared,
    ...(redisOptions.maxRetriesPerRequest !== undefined ? { maxRetriesPerRequest: redisOptions.maxRetriesPerRequest } : {}),
    ...(redisOptions.enableOfflineQueue !== undefined ? { enableOfflineQueue: redisOptions.enableOfflineQueue } : {}),
    enableAutoPipelining: redisOptions.enableAutoPipelining,
  };
  const many = new Cluster(nodes, clusterOptions);
  // A cluster's commands go out on its nodes' connections, made as it learns of each node.
  if (batching === 'writes') many.on('+node', (node: Redis) => writeTogether(node));
  return many;
}

/**
 * Makes a connection hold its writes until the end of the current turn of the event loop (the
 * check phase, after every message read in that turn had its say), then send them in one system
 * call. Under load each write to Redis on loopback cost more CPU than building its command
 * (issue 13: a CPU profile had those writes at 11 % of the server's time). The
 * commands stay in the order they were given, on the same connection, so Redis runs them in that
 * order; unlike ioredis's auto-pipelining, no command waits for an earlier batch's replies.
 * Each socket the connection opens is held this way (a reconnection opens a new one).
 */
export function writeTogether(connection: Redis): void {
  connection.on('connect', () => {
    const stream = connection.stream;
    if (together.has(stream)) return;
    together.add(stream);
    const write = stream.write;
    stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
      if (!stream.writableCorked) {
        stream.cork();
        setImmediate(() => stream.uncork());
      }
      return write.apply(this, args);
    } as typeof write;
  });
}

const together = new WeakSet<object>();

/**
 * Sends what a connection holds now (with `writeTogether`), the command just given included,
 * instead of at the end of the event loop's turn: for a command whose moment matters, the turn
 * lock's arrival (a message's place in its sender's line). Held, order.test.ts counted 8 of 400
 * messages run after one that arrived 3 ms or more later; sent at once, 2 to 3 of 200 (the build
 * before: 0 and 2). Held at most 1 ms (checked at the next write) it was still 8 and 6 of 400 and
 * 13 of 800, against 0, 0 and 2 of 400 sent at once, in alternating runs: the loop's turn that
 * follows an arrival (a dialog running) can last several ms without a write, so the arrival is
 * sent now, whatever sharing a write with later commands would save (measured 1.034).
 */
export function sendNow(client: RedisClient): void {
  for (const connection of isCluster(client) ? client.nodes('master') : [client]) {
    const stream = connection.stream;
    if (stream && together.has(stream) && stream.writableCorked > 0) stream.uncork();
  }
}

/** Another connection to the same server or cluster with some options changed (BullMQ's blocking connections, the turn lock's own). */
export function duplicateClient(client: RedisClient, options: RedisOptions): RedisClient {
  if (!isCluster(client)) return client.duplicate(options);
  return client.duplicate(undefined, { ...client.options, redisOptions: { ...client.options.redisOptions, ...options }, ...options });
}

/** Every key matching a glob pattern, in batches, by SCAN on every primary (never KEYS: it blocks Redis for everyone). A key may come twice. */
export async function* scanKeys(client: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  for (const node of isCluster(client) ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (batch.length > 0) yield batch;
    } while (cursor !== '0');
  }
}

/** UNLINK of keys that may lie in different slots. */
export async function unlinkKeys(client: RedisClient, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (!isCluster(client)) await client.unlink(...keys);
  else await Promise.all(keys.map((k) => client.unlink(k)));
}

/** How many of these keys exist (they may lie in different slots). */
export async function countExisting(client: RedisClient, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  if (!isCluster(client)) return client.exists(...keys);
  return (await Promise.all(keys.map((k) => client.exists(k)))).reduce((a, b) => a + b, 0);
}

/** Glob-escapes a literal part of a SCAN pattern. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
