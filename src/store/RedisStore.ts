import { ETAG_LENGTH, newEtag } from './etag.js';
import { countExisting, globEscape, isCluster, scanKeys, unlinkKeys, type RedisClient } from './redisClient.js';
import { RedisScript } from './redisScript.js';
import { LOCK_PREFIX, type ExpectedEtag, type PutResult, type Store, type VersionedValue } from './Store.js';

/**
 * A versioned value is one string: its eTag (ETAG_LENGTH characters) then the value. The eTag
 * check and the write are one atomic script. Until 2026-12-05 it was a hash { e: eTag, v: value },
 * which Redis keeps as a hash table once the value is longer than 64 bytes: a conversation cost
 * 544 bytes instead of about 350 (issue 13: Redis bytes per worker). Such a hash is still read,
 * and replaced by the string on its next write.
 */
const PUT_VERSIONED = new RedisScript(`
local current = false
local stored = redis.pcall('GET', KEYS[1])
if type(stored) == 'string' then
  current = string.sub(stored, 1, ${ETAG_LENGTH})
elseif type(stored) == 'table' and stored.err then
  current = redis.call('HGET', KEYS[1], 'e')
end
if ARGV[4] == 'absent' then
  if current then return 0 end
elseif ARGV[4] == 'match' then
  if current ~= ARGV[3] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ARGV[2], 'EX', ARGV[5])
return 1
`);

/** A stored versioned value (the string, or an earlier release's hash fields), or null. */
function versioned(stored: unknown): VersionedValue | null {
  if (typeof stored === 'string') return stored.length >= ETAG_LENGTH ? { etag: stored.slice(0, ETAG_LENGTH), value: stored.slice(ETAG_LENGTH) } : null;
  if (!Array.isArray(stored)) return null;
  const [etag, value] = stored as unknown[];
  return typeof etag === 'string' && typeof value === 'string' ? { etag, value } : null;
}

const isWrongType = (err: unknown) => err instanceof Error && err.message.startsWith('WRONGTYPE');

const INCR_WITH_TTL = new RedisScript(`
local n = redis.call('INCR', KEYS[1])
if ARGV[1] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
`);

/** Store on a real Redis server through ioredis. Every key gets `prefix`. */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;

  constructor(
    readonly redis: RedisClient,
    readonly prefix: string,
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  async getVersioned(keys: readonly string[]): Promise<Array<VersionedValue | null>> {
    if (keys.length === 0) return [];
    // One key (a turn's conversation): a GET, not a pipeline of one. ioredis's pipeline cost about
    // 7–9 µs of CPU against 2–3 for the GET (64 at once, warm) and is a few objects more that a
    // turn in flight keeps through a scavenge (issue 13).
    // A cluster pipelines only keys of one node: there, each key is asked on its own (still at once).
    if (keys.length === 1 || isCluster(this.redis)) return Promise.all(keys.map((key) => this.getOne(key)));
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.get(this.k(key));
    const results = (await pipeline.exec()) ?? [];
    const values = results.map(([err, reply]) => {
      if (err && !isWrongType(err)) throw err;
      return err ? undefined : versioned(reply);
    });
    return values.includes(undefined) ? Promise.all(values.map((v, i) => (v === undefined ? this.getOne(keys[i]!) : v))) : (values as Array<VersionedValue | null>);
  }

  /** One versioned value; a key an earlier release wrote as a hash answers GET with WRONGTYPE, and its fields are read instead. */
  private async getOne(key: string): Promise<VersionedValue | null> {
    try {
      return versioned(await this.redis.get(this.k(key)));
    } catch (err) {
      if (!isWrongType(err)) throw err;
      return versioned(await this.redis.hmget(this.k(key), 'e', 'v'));
    }
  }

  async putVersioned(key: string, value: string, ttlSeconds: number, expect: ExpectedEtag): Promise<PutResult> {
    const etag = newEtag();
    const mode = expect === undefined ? 'any' : expect === null ? 'absent' : 'match';
    const ok = await PUT_VERSIONED.run(this.redis, [this.k(key)], [etag, value, expect ?? '', mode, ttlSeconds]);
    return ok === 1 ? { ok: true, etag } : { ok: false, reason: 'etag_mismatch' };
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.k(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds === undefined) await this.redis.set(this.k(key), value);
    else await this.redis.set(this.k(key), value, 'EX', ttlSeconds);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }

  async incr(key: string, ttlSeconds?: number): Promise<number> {
    return Number(await INCR_WITH_TTL.run(this.redis, [this.k(key)], [ttlSeconds ?? '']));
  }

  async del(keys: readonly string[]): Promise<void> {
    await unlinkKeys(this.redis, keys.map((k) => this.k(k)));
  }

  async setField(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.multi().hset(this.k(key), field, value).expire(this.k(key), ttlSeconds).exec();
  }

  async fields(key: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.k(key));
  }

  async pushCapped(key: string, value: string, max: number, ttlSeconds: number): Promise<void> {
    await this.redis.multi().lpush(this.k(key), value).ltrim(this.k(key), 0, max - 1).expire(this.k(key), ttlSeconds).exec();
  }

  async list(key: string, limit?: number): Promise<string[]> {
    if (limit !== undefined && limit < 1) return [];
    return this.redis.lrange(this.k(key), 0, limit === undefined ? -1 : limit - 1);
  }

  async keysContaining(fragment: string): Promise<string[]> {
    const found = new Set<string>();
    for await (const batch of scanKeys(this.redis, `${globEscape(this.prefix)}*${globEscape(fragment)}*`)) {
      for (const full of batch) {
        const logical = full.slice(this.prefix.length);
        if (!logical.startsWith(LOCK_PREFIX)) found.add(logical);
      }
    }
    return [...found];
  }

  async exists(keys: readonly string[]): Promise<number> {
    return countExisting(this.redis, keys.map((k) => this.k(k)));
  }

  async move(from: string, to: string): Promise<boolean> {
    // DUMP/RESTORE rather than RENAME: the two keys may live in different slots of a cluster.
    const [[, dump], [, pttl]] = ((await this.redis.multi().dumpBuffer(this.k(from)).pttl(this.k(from)).exec()) ?? []) as [[unknown, Buffer | null], [unknown, number]];
    if (!dump) return false;
    try {
      await this.redis.restore(this.k(to), Math.max(0, Number(pttl)), dump);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('BUSYKEY'))) throw err;
      const [a, b] = await Promise.all([this.redis.type(this.k(from)), this.redis.type(this.k(to))]);
      if (a === 'set' && b === 'set') {
        const members = await this.redis.smembers(this.k(from));
        if (members.length > 0) await this.redis.sadd(this.k(to), ...members);
        if (Number(pttl) > (await this.redis.pttl(this.k(to)))) await this.redis.pexpire(this.k(to), Number(pttl));
      }
    }
    await this.redis.unlink(this.k(from));
    return true;
  }

  async eraseContaining(fragment: string): Promise<number> {
    const keys = await this.keysContaining(fragment);
    for (let i = 0; i < keys.length; i += 500) await this.del(keys.slice(i, i + 500));
    return keys.length;
  }

  /** True when Redis answers within `timeoutMs` (a readiness probe must not hang while it reconnects). */
  async ping(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.redis.ping().then((r) => r === 'PONG', () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
