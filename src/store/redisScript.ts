import { createHash } from 'node:crypto';
import type { RedisClient } from './redisClient.js';

/**
 * A Lua script run with EVALSHA, loaded on first use (or after a server restart flushed the cache).
 *
 * @example const put = new RedisScript('return redis.call("GET", KEYS[1])'); await put.run(redis, ['k'], []);
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: RedisClient, keys: readonly string[], args: ReadonlyArray<string | number | Buffer>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return redis.eval(this.lua, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}
