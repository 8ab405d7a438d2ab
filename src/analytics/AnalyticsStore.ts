import type { AnalyticsEvent } from './event.js';
import type { AggregateWrite, CellKind, LastSeen, Level } from './cells.js';

/**
 * Where analytics live: Redis (RedisAnalyticsStore) or, for the quick start, memory
 * (MemoryAnalyticsStore, bounded). Reads cost in proportion to the cells asked for.
 */
export interface AnalyticsStore {
  /**
   * Adds a write (applied atomically with the writes batched with it); the promise settles when it
   * is stored. A store may buffer writes for a moment: its reads see its own writes all the same.
   */
  write(write: AggregateWrite, nowMs: number): Promise<void>;
  /** Stores every write made so far (shutdown; a test about to read the store's backend itself). Never rejects. */
  flush(): Promise<void>;
  /**
   * Each day's cell counts of some kinds at a level (cell → count); at the per-country and exact
   * levels, of these countries only.
   */
  counts(days: readonly string[], level: Level, kinds: readonly CellKind[], countries: readonly string[]): Promise<Array<Record<string, number>>>;
  /** Distinct workers of each group of worker sets (a union per group: workersId / phraseWorkersId). */
  distinct(groups: ReadonlyArray<readonly string[]>): Promise<number[]>;
  /** Each day's unmatched trade phrases ('DO|es|fumigador' → times written). */
  phrases(days: readonly string[]): Promise<Array<Record<string, number>>>;
  /** Conversations whose last message is older than `beforeMs` (at most `limit`). */
  due(beforeMs: number, limit: number): Promise<string[]>;
  /** Takes a conversation's last step if still quiet since `beforeMs` (once: concurrent sweeps never count it twice). */
  claim(aid: string, beforeMs: number): Promise<LastSeen | undefined>;
  /** The newest events of the stream, newest first. */
  recent(limit: number): Promise<AnalyticsEvent[]>;
  /**
   * Events of the hours from `fromMs` to `toMs` (inclusive), oldest first, at most `limit`, after
   * the cursor `after` (from the previous page's `next`); `next` is absent on the last page.
   */
  range(fromMs: number, toMs: number, limit: number, after?: string): Promise<{ events: AnalyticsEvent[]; next?: string }>;
}

/** How long each kind of analytics data is kept. */
export interface AnalyticsRetention {
  /** Stream events (each with its aid, so one conversation's events can be followed). */
  eventDays: number;
  /** Daily counts and distinct-worker sets (no identity). */
  aggregateDays: number;
  /** A conversation's last step waits this long for the sweep beyond the quiet time. */
  lastSeenMs: number;
}

const DAY_MS = 24 * 3600_000;

/** Milliseconds a day's aggregates still have to live: until `aggregateDays` after the day ends. */
export function dayTtlMs(day: string, nowMs: number, aggregateDays: number): number {
  return Math.max(1000, Date.parse(`${day}T00:00:00Z`) + (aggregateDays + 1) * DAY_MS - nowMs);
}
