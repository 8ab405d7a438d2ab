import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisClient, isCluster, unlinkKeys, type RedisBatching, type RedisClient } from '../../src/store/redisClient.js';
import { RedisTurnLock } from '../../src/store/RedisTurnLock.js';
import { keysUnder, ON_CLUSTER, REDIS_URL } from '../support/redis.js';

// REDIS_BATCHING=writes (issue 13): a connection's commands of one turn of the event loop leave in
// one system call. Counted where the socket hands data to the system: Writable's _write/_writev.

const open: RedisClient[] = [];
afterEach(async () => {
  for (const client of open.splice(0)) await client.quit().catch(() => client.disconnect());
});

async function connect(batching: RedisBatching): Promise<RedisClient> {
  const client = createRedisClient(REDIS_URL, { cluster: ON_CLUSTER, batching, maxRetriesPerRequest: 1 });
  open.push(client);
  await client.connect();
  // Connected, and the 'connect' event handled (a cluster: on every primary, one of which will own the test's slot).
  await Promise.all((isCluster(client) ? client.nodes('master') : [client]).map((connection) => connection.ping()));
  return client;
}

/** Counts the socket writes of every connection the client has now (a cluster: each primary). */
function countWrites(client: RedisClient): { count(): number } {
  let writes = 0;
  const connections: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  for (const connection of connections) {
    const stream = connection.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    for (const name of ['_write', '_writev'] as const) {
      const original = stream[name];
      stream[name] = function (this: unknown, ...args: unknown[]) {
        writes += 1;
        return original.apply(this, args);
      };
    }
  }
  return { count: () => writes };
}

/** Twenty SETs and twenty GETs given in one turn of the event loop, in one slot (a cluster sends them to one node). */
async function fortyCommands(client: RedisClient): Promise<{ writes: number; values: Array<string | null> }> {
  const tag = `ruta-test:batching:{${randomUUID()}}:`;
  const counter = countWrites(client);
  const sets = Array.from({ length: 20 }, (_, i) => client.set(`${tag}${i}`, `value ${i}`, 'PX', 10_000));
  const gets = Array.from({ length: 20 }, (_, i) => client.get(`${tag}${i}`));
  await Promise.all(sets);
  const values = await Promise.all(gets);
  return { writes: counter.count(), values };
}

describe('REDIS_BATCHING', () => {
  it('writes: the commands of one turn of the event loop leave in one write, in order, each with its own reply', async () => {
    const { writes, values } = await fortyCommands(await connect('writes'));
    expect(writes).toBe(1);
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `value ${i}`));
  });

  it('off: one write per command (what the batching saves)', async () => {
    const { writes, values } = await fortyCommands(await connect('off'));
    expect(writes).toBe(40);
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `value ${i}`));
  });

  it('writes: commands given in later turns of the event loop leave in writes of their own, not held for longer', async () => {
    const client = await connect('writes');
    const counter = countWrites(client);
    const key = `ruta-test:batching:{${randomUUID()}}`;
    const first = client.set(key, '1', 'PX', 10_000);
    await new Promise((resolve) => setImmediate(resolve));
    const second = client.incr(key);
    expect(await Promise.all([first, second])).toEqual(['OK', 2]);
    expect(counter.count()).toBe(2);
  });

  it('writes: a message\'s arrival in its sender\'s line is not held: it leaves at once, with what was held before it', async () => {
    const client = await connect('writes');
    const prefix = `ruta-test:batching:${randomUUID()}:`;
    const lock = new RedisTurnLock(client, prefix);
    const counter = countWrites(client);
    const before = client.set(`${prefix}{turn/a}:before`, '1', 'PX', 10_000);
    const place = lock.arrive('turn/a', { id: '0123456789abcdef', ttlSeconds: 60 });
    expect(counter.count()).toBe(1); // before this turn of the event loop ends
    const after = client.set(`${prefix}{turn/a}:after`, '1', 'PX', 10_000);
    const placed = await place;
    expect(placed).not.toBe('duplicate');
    expect(await Promise.all([before, after])).toEqual(['OK', 'OK']);
    if (placed !== 'duplicate') await placed.abandon();
    await unlinkKeys(client, await keysUnder(client, prefix));
  });

  it('writes: a connection that reconnects batches on its new socket too', async () => {
    const client = await connect('writes');
    if (isCluster(client)) return; // a cluster's reconnection makes new node connections, each batched as it is made (+node)
    const reconnected = new Promise((resolve) => client.once('ready', resolve));
    client.disconnect(true);
    await reconnected;
    const { writes, values } = await fortyCommands(client);
    expect(writes).toBe(1);
    expect(values).toHaveLength(20);
  });
});
