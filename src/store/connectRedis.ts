import { createRedisClient, isCluster, type RedisBatching, type RedisClient } from './redisClient.js';
import { errorCode, type Logger } from '../log.js';

/** Redis could not be reached at start within the time allowed. */
export class RedisUnavailableError extends Error {
  readonly code = 'redis_unavailable';
}

/** The URL (or a cluster's comma-separated URLs) without passwords, for messages. */
export function redactRedisUrl(url: string): string {
  return url
    .split(',')
    .map((part) => {
      try {
        const u = new URL(part.trim());
        if (u.password) u.password = '***';
        return u.toString();
      } catch {
        return 'redis://…';
      }
    })
    .join(',');
}

/**
 * Connects to Redis, retrying with back-off (0.25 s doubling to 4 s) until it answers PING or
 * `timeoutMs` has passed; then the connection keeps reconnecting on its own for the life of the
 * process. Throws RedisUnavailableError naming the server (never its password) and the last error.
 */
export async function connectRedis(url: string, timeoutMs: number, log: Logger, options: { cluster?: boolean; batching?: RedisBatching } = {}): Promise<RedisClient> {
  // connectTimeout is generous: a timer that fires while start-up work blocks the event loop would
  // report a connection that succeeded as timed out (and BullMQ's copies of it would give up).
  const redis = createRedisClient(url, { cluster: options.cluster ?? false, batching: options.batching ?? 'off', maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 10_000, retryStrategy: () => null });
  if (isCluster(redis)) redis.options.clusterRetryStrategy = () => null;
  let lastError = 'no answer';
  redis.on('error', (err: Error) => {
    lastError = errorCode(err);
  });
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 4_000)) {
    try {
      await redis.connect();
      if ((await redis.ping()) === 'PONG') break;
    } catch (err) {
      lastError = errorCode(err);
      redis.disconnect();
    }
    if (Date.now() + delay > deadline) {
      redis.disconnect();
      throw new RedisUnavailableError(`Redis at ${redactRedisUrl(url)} did not answer after ${attempt} attempts in ${Math.round(timeoutMs / 1000)} s (${lastError}). Start Redis or fix REDIS_URL; REDIS_START_TIMEOUT_MS sets how long to wait.`);
    }
    log.warn('redis_waiting', { attempt, code: lastError });
    await new Promise((r) => setTimeout(r, delay));
  }
  // From now on, reconnect forever (a Redis restart must not take Ruta down).
  const backOff = (times: number) => Math.min(times * 200, 2_000);
  // A cluster's node connections never reconnect on their own: the cluster reconnects them.
  if (isCluster(redis)) redis.options.clusterRetryStrategy = backOff;
  else redis.options.retryStrategy = backOff;
  return redis;
}
