import { newEtag } from './etag.js';
import { LOCK_PREFIX, type ExpectedEtag, type PutResult, type Store, type VersionedValue } from './Store.js';

interface Entry {
  value: string;
  etag?: string;
  expiresAt: number | undefined;
}

/** In-memory Store for the quick start and for running without Redis. Lost on restart; one process only. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  /** Writes since expired entries were last swept. */
  private writes = 0;

  /** `now`: the injected clock (epoch ms); expiries are measured on it. */
  constructor(private readonly now: () => number) {}

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * Every write; every so often (as many writes as half the entries, at least 1,024) the entries
   * that expired are dropped, as Redis does on its own. Without it a key written once and never
   * read again — a status callback's de-duplication, a flood counter — stayed for ever and the
   * quick-start server grew without end. The sweep's cost is spread over the writes that led to
   * it: constant per write.
   */
  private put(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (++this.writes < Math.max(1024, this.entries.size / 2)) return;
    this.writes = 0;
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt !== undefined && e.expiresAt <= now) this.entries.delete(k);
  }

  /** Entries held, expired or not (for tests and the memory figures). */
  get size(): number {
    return this.entries.size;
  }

  private expiry(ttlSeconds: number | undefined): number | undefined {
    return ttlSeconds === undefined ? undefined : this.now() + ttlSeconds * 1000;
  }

  async getVersioned(keys: readonly string[]): Promise<Array<VersionedValue | null>> {
    return keys.map((k) => {
      const e = this.live(k);
      return e?.etag !== undefined ? { etag: e.etag, value: e.value } : null;
    });
  }

  async putVersioned(key: string, value: string, ttlSeconds: number, expect: ExpectedEtag): Promise<PutResult> {
    const current = this.live(key)?.etag;
    if (expect === null && current !== undefined) return { ok: false, reason: 'etag_mismatch' };
    if (typeof expect === 'string' && current !== expect) return { ok: false, reason: 'etag_mismatch' };
    const etag = newEtag();
    this.put(key, { value, etag, expiresAt: this.expiry(ttlSeconds) });
    return { ok: true, etag };
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.put(key, { value, expiresAt: this.expiry(ttlSeconds) });
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.put(key, { value, expiresAt: this.expiry(ttlSeconds) });
    return true;
  }

  async incr(key: string, ttlSeconds?: number): Promise<number> {
    const next = Number(this.live(key)?.value ?? '0') + 1;
    this.put(key, { value: String(next), expiresAt: ttlSeconds === undefined ? this.live(key)?.expiresAt : this.expiry(ttlSeconds) });
    return next;
  }

  async del(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }

  async setField(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    const map = { ...(await this.fields(key)), [field]: value };
    this.put(key, { value: JSON.stringify(map), expiresAt: this.expiry(ttlSeconds) });
  }

  async fields(key: string): Promise<Record<string, string>> {
    const raw = this.live(key)?.value;
    return raw === undefined ? {} : (JSON.parse(raw) as Record<string, string>);
  }

  async pushCapped(key: string, value: string, max: number, ttlSeconds: number): Promise<void> {
    const items = [value, ...(await this.list(key))].slice(0, max);
    this.put(key, { value: JSON.stringify(items), expiresAt: this.expiry(ttlSeconds) });
  }

  async list(key: string, limit?: number): Promise<string[]> {
    const raw = this.live(key)?.value;
    const items = raw === undefined ? [] : (JSON.parse(raw) as string[]);
    return limit === undefined ? items : items.slice(0, limit);
  }

  async keysContaining(fragment: string): Promise<string[]> {
    return [...this.entries.keys()].filter((k) => k.includes(fragment) && !k.startsWith(LOCK_PREFIX) && this.live(k));
  }

  async exists(keys: readonly string[]): Promise<number> {
    return keys.filter((k) => this.live(k)).length;
  }

  async move(from: string, to: string): Promise<boolean> {
    const entry = this.live(from);
    if (!entry) return false;
    if (!this.live(to)) this.put(to, entry);
    this.entries.delete(from);
    return true;
  }

  async eraseContaining(fragment: string): Promise<number> {
    const keys = await this.keysContaining(fragment);
    await this.del(keys);
    return keys.length;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
