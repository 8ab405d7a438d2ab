import { globEscape, isCluster, scanKeys, type RedisClient } from '../store/redisClient.js';
import { RedisScript } from '../store/redisScript.js';
import { bookingSchema, holdsPlace, isActive, type Booking } from './booking.js';
import { effectId, parseEffectId, type BookingStore, type BookingTimes, type CreateResult, type PendingEffect, type StoredBooking, type UpdateResult } from './BookingStore.js';
import { BOOKINGS_TAG, bookingKeys as K, UNTAGGED_BOOKING_HEADS } from './keys.js';

/**
 * Expiries are durations computed from the injected clock (never instants: Redis would measure
 * an instant on its own real clock, and a frozen or skewed clock would make keys vanish at once).
 * extend: gives a key at least `ms` more to live, unless it already lives longer.
 */
const EXTEND = `
local function extend(key, ms)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 or ttl < ms then redis.call('PEXPIRE', key, ms) end
end
`;

/**
 * KEYS: booking, slot, active, byCentre, byInstitution, byWorker, effects, requestsByCentre, requestsByInstitution
 * ARGV: code, json, capacity, take (1: the booking takes a place in `slot`), startMs ('' without
 *       a slot), activeMs, keepMs, effect, nowMs, request (1: index it as a request, by nowMs)
 * The booking and the intent to run its side effects (reminders, webhooks) are written in one step.
 */
const CREATE = new RedisScript(`${EXTEND}
if redis.call('EXISTS', KEYS[1]) == 1 then return 'code_taken' end
local held = redis.call('GET', KEYS[3])
if held then return 'already:' .. held end
if ARGV[4] == '1' then
  if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
  redis.call('SADD', KEYS[2], ARGV[1])
  extend(KEYS[2], tonumber(ARGV[7]))
end
redis.call('HSET', KEYS[1], 'rev', 1, 'json', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
end
if ARGV[10] == '1' then
  redis.call('ZADD', KEYS[8], ARGV[9], ARGV[1])
  redis.call('ZADD', KEYS[9], ARGV[9], ARGV[1])
end
redis.call('SADD', KEYS[6], ARGV[1])
extend(KEYS[6], tonumber(ARGV[7]))
redis.call('ZADD', KEYS[7], ARGV[9], ARGV[8])
return 'ok'
`);

/**
 * KEYS: booking, newSlot, oldSlot, active, byCentre, byInstitution, effects, requestsByCentre, requestsByInstitution
 * ARGV: code, rev, json, capacity, take (1/0), release (1/0), startMs ('' without a slot),
 *       activeMs, keepMs, effect, nowMs, hold (1: keep the worker's per-standard hold, 0: drop it),
 *       request ('add', 'remove' or ''), requestedMs (when the request was made)
 * A booking that takes a new place takes it before letting the old one go, in the same step.
 */
const UPDATE = new RedisScript(`${EXTEND}
local rev = redis.call('HGET', KEYS[1], 'rev')
if not rev then return 'missing' end
if rev ~= ARGV[2] then return 'conflict' end
if ARGV[5] == '1' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 'full' end
  redis.call('SADD', KEYS[2], ARGV[1])
  extend(KEYS[2], tonumber(ARGV[9]))
end
if ARGV[6] == '1' then redis.call('SREM', KEYS[3], ARGV[1]) end
if ARGV[7] ~= '' then
  redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
  redis.call('ZADD', KEYS[6], ARGV[7], ARGV[1])
else
  redis.call('ZREM', KEYS[5], ARGV[1])
  redis.call('ZREM', KEYS[6], ARGV[1])
end
if ARGV[13] == 'add' then
  redis.call('ZADD', KEYS[8], ARGV[14], ARGV[1])
  redis.call('ZADD', KEYS[9], ARGV[14], ARGV[1])
elseif ARGV[13] == 'remove' then
  redis.call('ZREM', KEYS[8], ARGV[1])
  redis.call('ZREM', KEYS[9], ARGV[1])
end
if redis.call('GET', KEYS[4]) == ARGV[1] then
  if ARGV[12] == '1' then redis.call('PEXPIRE', KEYS[4], ARGV[8]) else redis.call('DEL', KEYS[4]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('HSET', KEYS[1], 'rev', tonumber(rev) + 1, 'json', ARGV[3])
redis.call('ZADD', KEYS[7], ARGV[11], ARGV[10])
return 'ok'
`);

/** KEYS: booking. ARGV: rev, json. */
const REWRITE = new RedisScript(`
local rev = redis.call('HGET', KEYS[1], 'rev')
if not rev then return 'missing' end
if rev ~= ARGV[1] then return 'conflict' end
redis.call('HSET', KEYS[1], 'rev', tonumber(rev) + 1, 'json', ARGV[2])
return 'ok'
`);

/** Bookings in Redis: one hash per booking, a set per slot, sorted indexes per centre and institution. */
export class RedisBookingStore implements BookingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** The injected clock (epoch ms): every expiry is a duration from it. */
    private readonly now: () => number,
  ) {}

  private k(key: string): string {
    return this.prefix + key;
  }

  /** Milliseconds from the injected clock's now until `at` (at least one second). */
  private msUntil(at: number): number {
    return Math.max(1000, Math.round(at - this.now()));
  }

  async create(b: Booking, capacity: number, times: BookingTimes): Promise<CreateResult> {
    const keys = [K.booking(b.code), slotKey(b), K.active(b), K.byCentre(b.centreId), K.byInstitution(b.institution), K.byWorker(b.pid), K.effects, K.requestsByCentre(b.centreId), K.requestsByInstitution(b.institution)];
    const reply = String(
      await CREATE.run(
        this.redis,
        keys.map((x) => this.k(x)),
        [
          b.code,
          JSON.stringify(b),
          capacity,
          holdsPlace(b) ? 1 : 0,
          b.slot ? Date.parse(b.slot.start) : '',
          this.msUntil(times.activeUntil),
          this.msUntil(times.keepUntil),
          effectId(b.code, b.history.length - 1),
          this.now(),
          b.status === 'requested' ? 1 : 0,
        ],
      ),
    );
    if (reply === 'ok') return { ok: true };
    if (reply.startsWith('already:')) return { ok: false, reason: 'already', code: reply.slice('already:'.length) };
    return { ok: false, reason: reply === 'full' ? 'full' : 'code_taken' };
  }

  async update(previous: StoredBooking, next: Booking, capacity: number, times: BookingTimes): Promise<UpdateResult> {
    const before = previous.booking;
    const plan = updatePlan(before, next);
    const keys = [K.booking(next.code), slotKey(next), slotKey(before), K.active(next), K.byCentre(next.centreId), K.byInstitution(next.institution), K.effects, K.requestsByCentre(next.centreId), K.requestsByInstitution(next.institution)];
    const reply = String(
      await UPDATE.run(this.redis, keys.map((x) => this.k(x)), [
        next.code,
        previous.rev,
        JSON.stringify(next),
        capacity,
        plan.take ? 1 : 0,
        plan.release ? 1 : 0,
        next.slot ? Date.parse(next.slot.start) : '',
        this.msUntil(times.activeUntil),
        this.msUntil(times.keepUntil),
        effectId(next.code, next.history.length - 1),
        this.now(),
        isActive(next) ? 1 : 0,
        plan.request,
        Date.parse(next.createdAt),
      ]),
    );
    return reply === 'ok' ? { ok: true } : { ok: false, reason: reply === 'full' ? 'full' : reply === 'missing' ? 'missing' : 'conflict' };
  }

  async rewrite(previous: StoredBooking, next: Booking): Promise<UpdateResult> {
    const reply = String(await REWRITE.run(this.redis, [this.k(K.booking(next.code))], [previous.rev, JSON.stringify(next)]));
    return reply === 'ok' ? { ok: true } : { ok: false, reason: reply === 'missing' ? 'missing' : 'conflict' };
  }

  async pendingEffects(writtenBefore: number): Promise<PendingEffect[]> {
    const members = await this.redis.zrangebyscore(this.k(K.effects), '-inf', writtenBefore, 'LIMIT', 0, 500);
    return members.flatMap((m) => parseEffectId(m) ?? []);
  }

  async effectsDone(code: string, index: number): Promise<void> {
    await this.redis.zrem(this.k(K.effects), effectId(code, index));
  }

  async get(code: string): Promise<StoredBooking | undefined> {
    const [rev, json] = await this.redis.hmget(this.k(K.booking(code)), 'rev', 'json');
    if (typeof rev !== 'string' || typeof json !== 'string') return undefined;
    const booking = parseBooking(json);
    return booking ? { booking, rev: Number(rev) } : undefined;
  }

  async byWorker(pid: string): Promise<Booking[]> {
    const codes = await this.redis.smembers(this.k(K.byWorker(pid)));
    return sortBySlot(await this.many(codes));
  }

  async byInstitution(institution: string, fromMs: number, toMs: number, centreId?: string): Promise<Booking[]> {
    const index = centreId ? K.byCentre(centreId) : K.byInstitution(institution);
    const codes = await this.redis.zrangebyscore(this.k(index), fromMs, `(${toMs}`);
    return sortBySlot((await this.many(codes)).filter((b) => b.institution === institution && b.slot !== null));
  }

  async requests(institution: string, centreId?: string): Promise<Booking[]> {
    const index = centreId ? K.requestsByCentre(centreId) : K.requestsByInstitution(institution);
    const codes = await this.redis.zrange(this.k(index), 0, 999);
    return (await this.many(codes)).filter((b) => b.institution === institution && b.status === 'requested').sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.code.localeCompare(b.code));
  }

  async taken(centreId: string, locals: readonly string[]): Promise<number[]> {
    if (locals.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const local of locals) pipeline.scard(this.k(K.slot(centreId, local)));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, n]) => {
      if (err) throw err;
      return Number(n);
    });
  }

  async remove(b: Booking): Promise<void> {
    await this.redis
      .multi()
      .srem(this.k(slotKey(b)), b.code)
      .zrem(this.k(K.byCentre(b.centreId)), b.code)
      .zrem(this.k(K.byInstitution(b.institution)), b.code)
      .zrem(this.k(K.requestsByCentre(b.centreId)), b.code)
      .zrem(this.k(K.requestsByInstitution(b.institution)), b.code)
      .srem(this.k(K.byWorker(b.pid)), b.code)
      .del(this.k(K.booking(b.code)), this.k(K.active(b)))
      .zrem(this.k(K.effects), ...b.history.map((_, i) => effectId(b.code, i)))
      .exec();
  }

  /**
   * Renames the booking keys an earlier release wrote without their hash tag (`booking/X` →
   * `{bookings}booking/X`, TTLs kept), once per store: a marker says it was done. Run at start,
   * before serving, with every process of the earlier release stopped (one still writing would
   * write where this release no longer reads). Only on a single Redis: a cluster never held the
   * untagged layout. Returns how many keys it renamed.
   */
  async adoptUntaggedKeys(): Promise<number> {
    if (isCluster(this.redis)) return 0;
    const marker = this.k(`${BOOKINGS_TAG}layout`);
    if ((await this.redis.get(marker)) === 'tagged') return 0;
    let renamed = 0;
    for await (const batch of scanKeys(this.redis, `${globEscape(this.prefix)}*`)) {
      for (const key of batch) {
        const logical = key.slice(this.prefix.length);
        if (!UNTAGGED_BOOKING_HEADS.some((head) => logical.startsWith(head))) continue;
        // RENAMENX: a key already under its new name (written since) is never overwritten.
        renamed += await this.redis.renamenx(key, this.k(BOOKINGS_TAG + logical)).catch(() => 0);
      }
    }
    // Not forever (every key has a TTL): when it lapses, the next start scans once more and finds nothing.
    await this.redis.set(marker, 'tagged', 'EX', 30 * 24 * 3600);
    return renamed;
  }

  private async many(codes: readonly string[]): Promise<Booking[]> {
    if (codes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const code of codes) pipeline.hget(this.k(K.booking(code)), 'json');
    const replies = (await pipeline.exec()) ?? [];
    // Expired records leave stale index entries behind: skipped here.
    return replies.flatMap(([err, json]) => (err || typeof json !== 'string' ? [] : (parseBooking(json) ?? [])));
  }
}

/** A stored booking, or undefined when it does not parse (it is then treated as absent). */
export function parseBooking(json: string): Booking | undefined {
  try {
    const parsed = bookingSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The slot set a booking's place is (or would be) in; a booking without a time names a set nothing is ever added to. */
const slotKey = (b: Booking): string => K.slot(b.centreId, b.slot?.local ?? 'none');

/**
 * What an update changes besides the record: whether it takes a place in its (new) slot, lets the
 * old place go, and enters or leaves the requests index.
 */
export function updatePlan(before: Booking, next: Booking): { take: boolean; release: boolean; request: 'add' | 'remove' | '' } {
  const sameSlot = before.slot !== null && next.slot !== null && before.slot.local === next.slot.local;
  const take = holdsPlace(next) && !(holdsPlace(before) && sameSlot);
  const release = holdsPlace(before) && !(holdsPlace(next) && sameSlot);
  const request = next.status === 'requested' && before.status !== 'requested' ? 'add' : before.status === 'requested' && next.status !== 'requested' ? 'remove' : '';
  return { take, release, request };
}

/** Time-ordered: by slot start (a request, without one, by when it was made), then creation, then code. */
export const sortBySlot = (bookings: Booking[]): Booking[] =>
  bookings.sort((a, b) => whenOf(a) - whenOf(b) || a.createdAt.localeCompare(b.createdAt) || a.code.localeCompare(b.code));
const whenOf = (b: Booking): number => (b.slot ? Date.parse(b.slot.start) : Date.parse(b.createdAt));
