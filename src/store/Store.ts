/**
 * Ruta's low-level state store. Keys are logical (no prefix); implementations add their prefix.
 * Two implementations: RedisStore (production, tests) and MemoryStore (quick start only).
 *
 * @example
 *   await store.setIfAbsent('seen:SM123', '1', 3600) // true the first time, false after
 */
export interface VersionedValue {
  etag: string;
  value: string;
}

/** undefined: write whatever is there; null: only if the key is absent; string: only if the eTag matches. */
export type ExpectedEtag = string | null | undefined;

export type PutResult = { ok: true; etag: string } | { ok: false; reason: 'etag_mismatch' };

export interface Store {
  readonly kind: 'redis' | 'memory';
  getVersioned(keys: readonly string[]): Promise<Array<VersionedValue | null>>;
  putVersioned(key: string, value: string, ttlSeconds: number, expect: ExpectedEtag): Promise<PutResult>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Atomically sets the key when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Increments a counter (created at 0), refreshing its TTL when given. */
  incr(key: string, ttlSeconds?: number): Promise<number>;
  del(keys: readonly string[]): Promise<void>;
  /** Sets one field of a map (created when absent) and the map's TTL. */
  setField(key: string, field: string, value: string, ttlSeconds: number): Promise<void>;
  /** Every field of a map ({} when absent). */
  fields(key: string): Promise<Record<string, string>>;
  /** Adds to the front of a list kept to its `max` newest items, refreshing its TTL. */
  pushCapped(key: string, value: string, max: number, ttlSeconds: number): Promise<void>;
  /** A list's items, newest first (at most `limit` of them when given). */
  list(key: string, limit?: number): Promise<string[]>;
  /** Logical keys that contain the fragment (for erase and for tests). Turn-lock keys are not listed. */
  keysContaining(fragment: string): Promise<string[]>;
  /** How many of these keys exist. */
  exists(keys: readonly string[]): Promise<number>;
  /**
   * Renames a key, keeping its value, type and expiry; false when `from` is absent. When `to`
   * already exists, two sets are merged (a worker's booking index under both pseudonyms);
   * anything else keeps `to`. `from` is deleted either way.
   */
  move(from: string, to: string): Promise<boolean>;
  /** Deletes every key containing the fragment; returns how many. */
  eraseContaining(fragment: string): Promise<number>;
  /** True when the store answers (promptly). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Keys under this logical prefix belong to the turn lock and are managed by it alone. */
export const LOCK_PREFIX = 'lock:';
