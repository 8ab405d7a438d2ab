import { Redis } from 'ioredis';
import { errorCode, type Logger } from '../log.js';

/** Redis could not be reached at start within the time allowed. */
export class RedisUnavailableError extends Error {
  readonly code = 'redis_unavailable';
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://…';
  }
}

/**
 * Connects to Redis, retrying with back-off (0.25 s doubling to 4 s) until it answers PING or
 * `timeoutMs` has passed; then the connection keeps reconnecting on its own for the life of the
 * process. Throws RedisUnavailableError naming the server (never its password) and the last error.
 */
export async function connectRedis(url: string, timeoutMs: number, log: Logger): Promise<Redis> {
  // connectTimeout is generous: a timer that fires while start-up work blocks the event loop would
  // report a connection that succeeded as timed out (and BullMQ's copies of it would give up).
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 10_000, retryStrategy: () => null });
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
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  return redis;
}
