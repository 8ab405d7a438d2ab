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
 * A client for REDIS_URL, not yet connected (`lazyConnect`). With `cluster`, the URL may list
 * several nodes, comma-separated; the first one's user, password and TLS apply to every node.
 */
export function createRedisClient(url: string, options: { cluster: boolean } & RedisOptions): RedisClient {
  const { cluster, ...redisOptions } = options;
  if (!cluster) return new Redis(url.trim(), { lazyConnect: true, ...redisOptions });
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
    ...(redisOptions.enableAutoPipelining !== undefined ? { enableAutoPipelining: redisOptions.enableAutoPipelining } : {}),
  };
  return new Cluster(nodes, clusterOptions);
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
