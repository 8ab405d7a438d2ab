import { randomUUID } from 'node:crypto';
import { createRedisClient, scanKeys, unlinkKeys, type RedisClient } from '../../src/store/redisClient.js';
import { CLUSTER_URL } from './redisCluster.js';
import { QUEUE_NAME } from '../../src/jobs/BullJobQueue.js';
import { RedisStore } from '../../src/store/RedisStore.js';
import { unpackState } from '../../src/store/stateCodec.js';
import { batchText, unpackEntry } from '../../src/analytics/streamCodec.js';

/**
 * The `cluster` project (TEST_REDIS_CLUSTER=1) runs the same tests against the local three-node
 * Redis Cluster its global setup starts; every other project against one server.
 */
export const ON_CLUSTER = process.env.TEST_REDIS_CLUSTER === '1';
export const REDIS_URL = ON_CLUSTER ? CLUSTER_URL : (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');

/** The settings a Ruta process (a CLI, a child server) needs to reach the tests' Redis. */
export const REDIS_ENV: Record<string, string> = ON_CLUSTER ? { REDIS_URL, REDIS_CLUSTER: 'on' } : { REDIS_URL };

/** A new connection to the tests' Redis (server or cluster), connected; its writes batched as Ruta's own (REDIS_BATCHING's default). */
export async function connectTestRedis(options: { maxRetriesPerRequest?: number } = {}): Promise<RedisClient> {
  const redis = createRedisClient(REDIS_URL, { cluster: ON_CLUSTER, maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1, batching: 'writes' });
  await redis.connect();
  return redis;
}

/** A Redis connection and a key prefix no other test uses; `cleanup` deletes every key under it. */
export async function testRedis(label = 'test'): Promise<{ redis: RedisClient; prefix: string; cleanup(): Promise<void> }> {
  const redis = await connectTestRedis();
  const prefix = `ruta-test:${label}:${randomUUID()}:`;
  return {
    redis,
    prefix,
    cleanup: async () => {
      for await (const keys of scanKeys(redis, `${prefix}*`)) await unlinkKeys(redis, keys);
      await redis.quit();
    },
  };
}

/**
 * Keys BullMQ's worker writes in the background whatever the requests: its stalled-jobs check, and
 * its metadata when it starts, a second after the app (WORKER_START_DELAY_MS), which can fall
 * between two snapshots of a test (it did once, in CI). A job a request added still shows.
 */
export function isJobWorkerKey(key: string): boolean {
  return key.endsWith(':stalled-check') || key.endsWith(`:${QUEUE_NAME}:meta`);
}

/** Every key under a prefix (to assert what is, and is not, stored), on every node. */
export async function keysUnder(redis: RedisClient, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const keys of scanKeys(redis, `${prefix}*`)) for (const k of keys) found.add(k);
  return [...found];
}

/**
 * A stream's whole content as text, as a privacy check must read it: each entry's id and fields,
 * a batch of analytics events ('z', deflated) as the text it holds, not its compressed bytes, and
 * then the events it holds as JSON (aids in hex, as the rest of Ruta writes them).
 */
export async function streamText(redis: RedisClient, key: string): Promise<string> {
  const entries = await redis.xrangeBuffer(key, '-', '+');
  return entries
    .map(([id, fields]) => {
      const parts = [id.toString()];
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const name = fields[i]!.toString();
        parts.push(name, name === 'z' ? (batchText(fields[i + 1]!) ?? '<unreadable batch>') : fields[i + 1]!.toString());
      }
      parts.push(JSON.stringify(unpackEntry(id.toString(), fields)));
      return parts.join(' ');
    })
    .join('\n');
}

/** A conversation's state as RedisStore and BotStorage keep it, by its whole key: the JSON, or null. */
export async function stateJson(redis: RedisClient, key: string): Promise<string | null> {
  const [stored] = await new RedisStore(redis, '').getVersioned([key]);
  return stored ? unpackState(stored.value) : null;
}

/** Stores a conversation's state by its whole key, as RedisStore keeps it (plain JSON: read as it is). */
export async function putStateJson(redis: RedisClient, key: string, json: string): Promise<void> {
  const put = await new RedisStore(redis, '').putVersioned(key, json, 3600, undefined);
  if (!put.ok) throw new Error('state not stored');
}
