import { createHash } from 'node:crypto';
import type { RedisClient } from '../store/redisClient.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from './rateLimiters.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/Store.js';

/**
 * Flood limits, per sender and for everyone together (rate-limiter-flexible, atomic in Redis and
 * shared by every process; in memory for the quick start). The defaults never bother a person:
 * a whole journey is about 21 turns over several minutes and 25–50 SMS segments.
 *
 * @example { burst: 10, perMinute: 30, segmentsPerDay: 300, globalPerMinute: 6000 }
 */
export interface LimitSettings {
  /** Messages per sender in 10 seconds. */
  burst: number;
  /** Messages per sender in a minute. */
  perMinute: number;
  /** SMS segments of replies per sender in 24 hours. */
  segmentsPerDay: number;
  /** Turns of all senders together in a minute. */
  globalPerMinute: number;
}

/** Why a turn was not run: which limit, and when the sender may write again. */
export type Admission = { ok: true } | { ok: false; limit: 'burst' | 'minute' | 'segments' | 'global'; retryMs: number; notify: boolean };

const DAY_SECONDS = 24 * 3600;

/**
 * Decides whether a sender's message gets a turn. Over a limit the sender gets one short notice
 * (`notify: true` once per window), then silence until the window passes; other senders are not
 * affected. Limits are keyed by a hash of the pseudonym, so erasing one's data does not reset them.
 */
export class SenderLimits {
  private readonly burst: RateLimiterAbstract;
  private readonly minute: RateLimiterAbstract;
  private readonly segments: RateLimiterAbstract;
  private readonly global: RateLimiterAbstract;

  constructor(
    private readonly settings: LimitSettings,
    private readonly deps: { redis: RedisClient | undefined; prefix: string; store: Store; now: () => Date; log: Logger },
  ) {
    // Counters are `limit:<letter>:<key>`: a key of 29 characters with the default prefix fits
    // Redis's 32-byte allocation, and each of a worker's three counters takes 72 bytes instead of
    // 88 with the limit's name spelled out (issue 13: Redis bytes per worker).
    const make = (letter: string, points: number, duration: number): RateLimiterAbstract =>
      deps.redis
        ? new RateLimiterRedis({ storeClient: deps.redis, keyPrefix: `${deps.prefix}limit:${letter}`, points, duration })
        : new RateLimiterMemory({ keyPrefix: letter, points, duration });
    this.burst = make('b', settings.burst, 10);
    this.minute = make('m', settings.perMinute, 60);
    this.segments = make('s', settings.segmentsPerDay, DAY_SECONDS);
    this.global = make('g', settings.globalPerMinute, 60);
  }

  /** Counts the message against the limits; says whether it may have a turn. */
  async admit(pid: string): Promise<Admission> {
    const key = limitKey(pid);
    const over = await this.firstExceeded(key);
    if (!over) return { ok: true };
    // One notice per window: the first message over the limit is told, the rest get silence.
    const notify = await this.deps.store.setIfAbsent(`throttled/${key}/${over.limit}`, '1', Math.max(1, Math.ceil(over.retryMs / 1000)));
    await this.deps.store.incr(`stats/throttled/${this.deps.now().toISOString().slice(0, 10)}`, 400 * DAY_SECONDS);
    this.deps.log.warn('sender_throttled', { limit: over.limit, notify });
    return { ok: false, ...over, notify };
  }

  /** Records the SMS segments a reply cost the sender (checked by the next admit). */
  async charge(pid: string, segments: number): Promise<void> {
    if (segments <= 0) return;
    await this.segments.penalty(limitKey(pid), segments);
  }

  /**
   * Two round trips instead of four (each sequential Redis call is a wait of one event-loop turn
   * under load, issue 13): the day's segments with the burst, then the minute with the global.
   * A message the burst limit refuses counts against nothing else, so a sender who flooded is
   * answered again once the 10 seconds have passed; one the minute limit refuses still counts
   * against the global limit (no more than six bursts a minute per sender get that far).
   */
  private async firstExceeded(key: string): Promise<{ limit: 'burst' | 'minute' | 'segments' | 'global'; retryMs: number } | undefined> {
    const [spent, burst] = await Promise.all([this.segments.get(key), consumed(this.burst, key)]);
    if (spent && spent.consumedPoints >= this.settings.segmentsPerDay) return { limit: 'segments', retryMs: spent.msBeforeNext };
    if (burst) return { limit: 'burst', retryMs: burst.msBeforeNext };
    const [minute, global] = await Promise.all([consumed(this.minute, key), consumed(this.global, 'all')]);
    if (minute) return { limit: 'minute', retryMs: minute.msBeforeNext };
    return global ? { limit: 'global', retryMs: global.msBeforeNext } : undefined;
  }
}

/** Counts one point; the limiter's answer when that went over its limit, undefined when it did not. */
async function consumed(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}

/**
 * The limits' key for a sender: not the pseudonym itself, so erase (which deletes every key holding
 * it) leaves the counters. 64 bits of a hash: two senders of ten million share counters with a
 * chance of about 3 in a million, and each of a worker's three counters is 16 bytes smaller in
 * Redis than with 128 (issue 13: bytes per worker).
 */
function limitKey(pid: string): string {
  return createHash('sha256').update(`limit:${pid}`).digest('hex').slice(0, 16);
}
