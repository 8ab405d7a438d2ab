import type { RedisClient } from '../store/redisClient.js';
import { RedisScript } from '../store/redisScript.js';
import type { AnalyticsEvent } from './event.js';
import { dayTtlMs, type AnalyticsRetention, type AnalyticsStore } from './AnalyticsStore.js';
import { cellFilter, phraseWorkersId, workersId, type AggregateWrite, type CellKind, type LastSeen, type Level } from './cells.js';
import { packEntries, packEvent, unpackEntry } from './streamCodec.js';

/** The day hash of each level: exact cells, per country, overall (see cells.ts LEVELS). */
const LEVEL_HASH: Record<Level, string> = { x: 'n', c: 'nc', a: 'na' };

/** Where a day's cells of a kind are counted: `na:<day>:<kind>`, and per country below the overall level (`nc:<day>:<kind>:DO`). */
const dayHash = (level: Level, day: string, kind: string, country: string) => `${LEVEL_HASH[level]}:${day}:${kind}${level === 'a' ? '' : `:${country}`}`;

/** Workers added to a HyperLogLog by one PFADD of the write script. */
const PFADD_MAX = 1000;

/** A cell's kind, its fourth part ('DO|es|sms|understood|route.trade' → 'understood'), without splitting the whole cell. */
function kindOf(cell: string): string {
  let at = -1;
  for (let n = 0; n < 3; n++) at = cell.indexOf('|', at + 1);
  const end = cell.indexOf('|', at + 1);
  return cell.slice(at + 1, end < 0 ? undefined : end);
}

/**
 * One write, in one script: the batch's events appended to the stream as entries of up to
 * MAX_EVENTS_PER_ENTRY (streamCodec.ts), with ids from the injected clock, to the hour
 * (`<hour ms>-<seq>`; never a later hour's id before an earlier one) and every entry older than
 * the retention trimmed (MINID, exact: each is removed once, so the cost per append stays
 * constant); cell counts and distinct workers at each level; unmatched phrases; the conversation's
 * last step. Every key it touches is in KEYS (all under one hash tag) and gets its TTL.
 * ARGV, read in order: stream entries (count, stream key, hour ms, min id ms, ttl ms, entry…), counts
 * (count; key, field, by, ttl ms…), workers (count; key, ttl ms, its aids joined by ','…), phrases
 * (count; sorted set key, member, HyperLogLog key, aid, ttl ms…), last steps (count; quiet key, ttl
 * ms, then one argument a conversation: 'f <last key> <aid>' to forget it, or 's <last key> <aid>
 * <dims> <step> <at ms> <at ms in base 36> <expires ms in base 36>'). Keys are 1-based indexes into
 * KEYS. One command instead of a MULTI of about thirty: the service's own CPU is what a turn costs
 * (issue 13), and each command is parsed and answered. A turn's distinct worker and last step are
 * an argument or part of one, not one each per field: building the command took a third of what
 * recording a turn cost the server, most of it per argument (about twelve a turn before).
 */
const WRITE = new RedisScript(`
local i = 1
-- A sparse HyperLogLog the batch added to is written again as it is, once, after its last PFADD:
-- Redis doubles a sparse one's room as it grows and never gives it back, and a string written
-- anew takes only its length (a cell of 200 workers: 632 or 760 bytes instead of 1,016; issue
-- 13). Every PFADD asks for 3 bytes of room first, even one that counts no new worker (Redis's
-- hllSparseSet), and a compacted string has none: on Redis 7.0 such a PFADD doubled it at nearly
-- every length (505 bytes took 1,144 in the bench instead of 632). Its fifth byte says sparse (1) or dense (0: 12 KB, never
-- grows), whatever the server's hll-sparse-max-bytes. KEEPTTL: the TTL the batch gave it stays.
local added, addedOrder = {}, {}
local function pfadd(k, ...)
  redis.call('PFADD', k, ...)
  if not added[k] then added[k] = true; addedOrder[#addedOrder + 1] = k end
end
local function compact(k)
  if redis.call('GETRANGE', k, 4, 4) == '\\1' then redis.call('SET', k, redis.call('GET', k), 'KEEPTTL') end
end
local function nxt() local v = ARGV[i]; i = i + 1; return v end
-- A key's TTL is set once a batch, however many of its cells the batch counts (a day's hash
-- holds many): a hash's TTL is the same for all of them.
local expiring = {}
local function expire(k, ttl)
  if expiring[k] then return end
  expiring[k] = true
  redis.call('PEXPIRE', k, ttl)
end
local function key() return KEYS[tonumber(nxt())] end
local entries = tonumber(nxt())
if entries > 0 then
  local stream = key()
  local ms = tonumber(nxt())
  local minid = nxt()
  local ttl = nxt()
  local top = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)
  if top[1] then
    local last = tonumber(string.match(top[1][1], '^(%d+)'))
    if last > ms then ms = last end
  end
  for _ = 1, entries do
    redis.call('XADD', stream, 'MINID', minid, ms .. '-*', 'z', nxt())
  end
  redis.call('PEXPIRE', stream, ttl)
end
for _ = 1, tonumber(nxt()) do
  local k = key(); local field = nxt(); local by = nxt(); local ttl = nxt()
  redis.call('HINCRBY', k, field, by)
  expire(k, ttl)
end
for _ = 1, tonumber(nxt()) do
  local k = key(); local ttl = nxt(); local aids = {}
  for aid in string.gmatch(nxt(), '[^,]+') do aids[#aids + 1] = aid end
  pfadd(k, unpack(aids))
  expire(k, ttl)
end
for _ = 1, tonumber(nxt()) do
  local z = key(); local member = nxt(); local h = key(); local aid = nxt(); local ttl = nxt()
  redis.call('ZINCRBY', z, 1, member)
  expire(z, ttl)
  pfadd(h, aid)
  expire(h, ttl)
end
local lasts = tonumber(nxt())
if lasts > 0 then
  local quiet = key(); local ttl = nxt()
  for _ = 1, lasts do
    local one = nxt()
    local last, aid, dims, step, at, at36, x36 = string.match(one, '^s (%d+) (%S+) (%S+) (%S+) (%d+) (%w+) (%w+)$')
    if last then
      redis.call('SET', KEYS[tonumber(last)], dims .. '\\n' .. step .. '\\n' .. at36 .. '\\n' .. x36, 'PX', ttl)
      redis.call('ZADD', quiet, at, aid)
      expire(quiet, ttl)
    else
      last, aid = string.match(one, '^f (%d+) (%S+)$')
      if not last then return redis.error_reply('analytics: a last step the script cannot read') end
      redis.call('DEL', KEYS[tonumber(last)])
      redis.call('ZREM', quiet, aid)
    end
  end
end
for _, k in ipairs(addedOrder) do compact(k) end
return 1
`);

/**
 * Takes a conversation's last step if it is still quiet since before ARGV[2] (a message that came
 * meanwhile keeps it), once: of two sweeps, one gets it. The step is a string, its four fields one
 * a line; an earlier release (until 2026-12-06) kept them as a hash, returned as its fields.
 * KEYS: quiet, last:<aid>. ARGV: aid, before ms.
 */
const CLAIM = new RedisScript(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) >= tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
local last
if redis.call('TYPE', KEYS[2]).ok == 'hash' then last = redis.call('HGETALL', KEYS[2]) else last = redis.call('GET', KEYS[2]) end
redis.call('DEL', KEYS[2])
return last
`);

const DAY_MS = 24 * 3600_000;

/** Writes waiting for Redis reached their bound (Redis unreachable for long): this one is not kept. */
export class AnalyticsBacklogError extends Error {
  readonly code = 'analytics_backlog';
}

/** A cell's count in a batch: where it is counted (its day hash), by how much. */
type Count = { hash: string; cell: string; by: number; day: string };

/**
 * Writes merged as they are made, until their script call (RedisAnalyticsStore.write): each
 * event packed with its own hour left out (the entry's hour is the batch's, known only when it
 * is sent: an event of another hour gets its hour then, as packEvent would have written it),
 * counts of the same cell added up, each cell's workers in one set, a conversation's latest last
 * step. Keyed by the strings the writes already hold (day, level, cell), so a cell seen again
 * costs lookups, not a new key string to build and hash (most of a batch's cells repeat).
 */
class Batch {
  writes = 0;
  /** The latest write's time: the batch's hour and TTLs are counted from it. */
  nowMs = -Infinity;
  readonly events: Array<{ line: string; hourMs: number }> = [];
  readonly counts: Record<Level, Map<string, Map<string, Count>>> = { x: new Map(), c: new Map(), a: new Map() };
  readonly workers = new Map<string, Map<string, { set: string; day: string; aids: Set<string> }>>();
  readonly phrases: AggregateWrite['phrases'] = [];
  /** A conversation's last step: only its latest write in the batch counts (each replaces the one before). */
  readonly lasts = new Map<string, NonNullable<AggregateWrite['last']>>();
  /** Every write of the batch is answered with this, settled once the batch is stored or has failed. */
  readonly stored: Promise<void>;
  readonly settle: (err?: unknown) => void;

  constructor() {
    let settle!: (err?: unknown) => void;
    this.stored = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    this.settle = settle;
    // A failure reaches every writer that waits for it; none waiting is not an unhandled rejection.
    this.stored.catch(() => undefined);
  }

  add(w: AggregateWrite, nowMs: number): void {
    this.writes++;
    if (nowMs > this.nowMs) this.nowMs = nowMs;
    for (const e of w.events) {
      const hourMs = Date.parse(e.hour);
      this.events.push({ line: packEvent(e, hourMs), hourMs });
    }
    for (const { day, level, cell, by } of w.counts) {
      const byDay = this.counts[level];
      let cells = byDay.get(day);
      if (!cells) byDay.set(day, (cells = new Map()));
      const found = cells.get(cell);
      if (found) found.by += by;
      else cells.set(cell, { hash: dayHash(level, day, kindOf(cell), cell.slice(0, cell.indexOf('|'))), cell, by, day });
    }
    for (const { day, cell, aid } of w.workers) {
      let cells = this.workers.get(day);
      if (!cells) this.workers.set(day, (cells = new Map()));
      const found = cells.get(cell);
      if (found) found.aids.add(aid);
      else cells.set(cell, { set: workersId(day, cell), day, aids: new Set([aid]) });
    }
    for (const p of w.phrases) this.phrases.push(p);
    if (w.last) this.lasts.set(w.last.aid, w.last);
  }
}

/**
 * Analytics in Redis. Every key lives under one hash tag, `<prefix>{analytics}:`, so a write's
 * keys (stream, day counts, HyperLogLogs, last step) are in one slot of a Redis Cluster and go in
 * one MULTI — one round trip per write. The price: analytics occupy one slot (one node); its
 * footprint is bounded by the retention (see README, "Analytics").
 *
 * Keys (after the tag), each with a TTL:
 * - `ev` stream of events, ids `<hour ms>-<n>` (trimmed to ANALYTICS_EVENT_RETENTION_DAYS on each append);
 * - `n:<day>` hash cell → count; `u:<day>:<cell>` HyperLogLog of aids (ANALYTICS_AGGREGATE_RETENTION_DAYS after the day);
 * - `p:<day>` sorted set 'CC|lang|phrase' → times; `pu:<day>:CC|lang|<hash>` HyperLogLog of aids (same);
 * - `last:<aid>` a conversation's last step (dims, step, then its hour and its expiry in ms in base
 *   36, one a line: 136 bytes in Redis for 'menu.main', against 152 as the hash it was until
 *   2026-12-06, still read), `quiet` sorted set aid → hour of last message
 *   (until the drop-off sweep takes it, at most quiet time + ANALYTICS_LAST_SEEN slack).
 */
export class RedisAnalyticsStore implements AnalyticsStore {
  private readonly tag: string;

  private readonly buffering: { flushMs: number; maxBatch: number; maxQueued: number };

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly retention: AnalyticsRetention,
    buffering: { flushMs?: number; maxBatch?: number; maxQueued?: number } = {},
  ) {
    this.tag = `${prefix}{analytics}:`;
    this.buffering = { flushMs: buffering.flushMs ?? 100, maxBatch: buffering.maxBatch ?? 512, maxQueued: buffering.maxQueued ?? 50_000 };
  }

  private k(logical: string): string {
    return this.tag + logical;
  }

  /**
   * Writes are buffered: the first of a quiet spell starts a timer of `flushMs`, and everything
   * written until it fires (or until `maxBatch` writes wait) goes to Redis in one script call, with
   * counts of the same cell added up and each key's TTL set once. A turn never waits for Redis:
   * analytics cost it a merge into the batch, and Redis one call per batch instead of about thirty
   * commands per turn (issue 12: ≥ 0.9 of Ruta's throughput without analytics). Every write of a
   * batch gets the batch's promise, settled when the batch is stored (or fails). Reads through this
   * store flush first, so a process reads its own writes; `flush()` stores everything waiting (on
   * shutdown, before a test reads Redis itself). A crash loses at most the last `flushMs` of
   * statistics.
   *
   * A write is merged into its batch as it is made (Batch.add), not kept whole until the batch is
   * sent: what a turn leaves is its event, packed, and whatever cell or worker the batch had not
   * seen yet, and no promise of its own. Kept whole, each turn's write (its event, cells, workers,
   * last step, promise and callbacks) lived the 100 ms to the batch's call, through the young
   * collector's scavenges. Measured (issue 13): what a turn promotes to the old generation did not
   * change (2.0 KB, against 1.0 without analytics); the server's CPU a turn fell about 2 %, within
   * what a paired run can tell apart.
   */
  write(w: AggregateWrite, nowMs: number): Promise<void> {
    // Redis unreachable for long: the backlog is bounded, and what does not fit is refused (counted by the recorder).
    if (this.queued >= this.buffering.maxQueued) return Promise.reject(new AnalyticsBacklogError());
    const batch = (this.current ??= new Batch());
    batch.add(w, nowMs);
    this.queued++;
    if (batch.writes >= this.buffering.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.buffering.flushMs).unref();
    return batch.stored;
  }

  /** The batch writes go to now; undefined until the first write after a flush. */
  private current: Batch | undefined;
  /** Writes made and not yet settled (the backlog maxQueued bounds). */
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The batches on their way to RedisClient, one at a time (stream ids never go back). */
  private sending: Promise<void> = Promise.resolve();

  /** Stores every write made so far; never rejects (each write's own promise carries its failure). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // The writes made so far, and no more: those made while a batch is on its way go to the next
    // batch, with their own timer, so a busy server sends a batch every `flushMs`, not one each
    // time Redis answers (which made batches of about 12 ms of turns instead of 100; issue 12).
    const batch = this.current;
    this.current = undefined;
    if (batch) {
      this.sending = this.sending.then(async () => {
        try {
          await this.send(batch);
          batch.settle();
        } catch (err) {
          batch.settle(err);
        } finally {
          this.queued -= batch.writes;
        }
      });
    }
    return this.sending;
  }

  /** One script call for a batch's writes (made at about the same time: `nowMs` is the latest of them). */
  private async send(batch: Batch): Promise<void> {
    const { aggregateDays, eventDays, lastSeenMs } = this.retention;
    const nowMs = batch.nowMs;
    const keys: string[] = [];
    const index = new Map<string, number>();
    const key = (logical: string): number => {
      let at = index.get(logical);
      if (at === undefined) {
        at = keys.push(this.k(logical));
        index.set(logical, at);
      }
      return at;
    };
    const ttls = new Map<string, number>();
    const ttl = (day: string): number => {
      let t = ttls.get(day);
      if (t === undefined) ttls.set(day, (t = dayTtlMs(day, nowMs, aggregateDays)));
      return t;
    };
    const args: Array<string | number | Buffer> = [];
    const batchHourMs = Math.floor(nowMs / 3600_000) * 3600_000;
    if (batch.events.length > 0) {
      const entries = packEntries(batch.events.map(({ line, hourMs }) => (hourMs === batchHourMs ? line : `${hourMs / 3600_000}${line}`)), batchHourMs);
      args.push(entries.length, key('ev'), batchHourMs, batchHourMs - eventDays * DAY_MS, eventDays * DAY_MS, ...entries);
    } else args.push(0);
    const allCounts = Object.values(batch.counts).flatMap((byDay) => [...byDay.values()].flatMap((cells) => [...cells.values()]));
    args.push(allCounts.length);
    for (const c of allCounts) args.push(key(c.hash), c.cell, c.by, ttl(c.day));
    // At most PFADD_MAX workers per PFADD: Lua's unpack has a stack to fit them on.
    const adds: Array<string | number> = [];
    let addCount = 0;
    for (const { set, day, aids } of [...batch.workers.values()].flatMap((cells) => [...cells.values()])) {
      const all = [...aids];
      for (let i = 0; i < all.length; i += PFADD_MAX, addCount++) adds.push(key(set), ttl(day), all.slice(i, i + PFADD_MAX).join(','));
    }
    args.push(addCount, ...adds);
    args.push(batch.phrases.length);
    for (const { day, group, phrase, aid } of batch.phrases) args.push(key(`p:${day}`), `${group}|${phrase}`, key(phraseWorkersId(day, group, phrase)), aid, ttl(day));
    args.push(batch.lasts.size);
    if (batch.lasts.size > 0) args.push(key('quiet'), lastSeenMs);
    for (const last of batch.lasts.values()) {
      if ('forget' in last) args.push(`f ${key(`last:${last.aid}`)} ${last.aid}`);
      else args.push(`s ${key(`last:${last.aid}`)} ${last.aid} ${last.dims} ${last.step} ${last.atMs} ${last.atMs.toString(36)} ${last.expiresMs.toString(36)}`);
    }
    if (keys.length === 0) return;
    await WRITE.run(this.redis, keys, args);
  }

  /**
   * The day hashes of a level, one per kind and, below the overall level, per country
   * (`na:<day>:first_contact`, `nc:<day>:first_contact:DO`), so a table reads only the cells it
   * shows, of the countries asked. A day written before levels and kinds had their own hashes has
   * one hash of exact cells (`n:<day>`): when none of the hashes asked for exists that day, that
   * one is read and filtered — the reader sums exact cells all the same.
   */
  async counts(days: readonly string[], level: Level, kinds: readonly CellKind[], countries: readonly string[]): Promise<Array<Record<string, number>>> {
    await this.flush();
    const hashes = kinds.flatMap((kind) => (level === 'a' ? [{ kind, country: '' }] : countries.map((country) => ({ kind, country }))));
    if (days.length === 0 || hashes.length === 0) return days.map(() => ({}));
    const p = this.redis.pipeline();
    for (const day of days) for (const { kind, country } of hashes) p.hgetall(this.k(dayHash(level, day, kind, country)));
    const replies = (await p.exec()) ?? [];
    const perDay = days.map((_, d) => {
      const cells: Record<string, number> = {};
      for (let k = 0; k < hashes.length; k++) {
        const [err, raw] = replies[d * hashes.length + k] ?? [null, {}];
        if (err) throw err;
        for (const [cell, n] of Object.entries(raw as Record<string, string>)) cells[cell] = Number(n);
      }
      return cells;
    });
    const missing = days.flatMap((day, d) => (Object.keys(perDay[d]!).length === 0 ? [day] : []));
    if (missing.length === 0) return perDay;
    const old = this.redis.pipeline();
    for (const day of missing) old.hgetall(this.k(`n:${day}`));
    const keep = cellFilter(level, kinds, countries);
    const oldDays = ((await old.exec()) ?? []).map(([err, raw]) => {
      if (err) throw err;
      return Object.fromEntries(Object.entries(raw as Record<string, string>).filter(([cell]) => keep(cell)).map(([cell, n]) => [cell, Number(n)]));
    });
    return perDay.map((cells, d) => (Object.keys(cells).length > 0 ? cells : (oldDays[missing.indexOf(days[d]!)] ?? {})));
  }

  async distinct(groups: ReadonlyArray<readonly string[]>): Promise<number[]> {
    await this.flush();
    const p = this.redis.pipeline();
    const asked = groups.map((ids) => ids.length > 0);
    for (const ids of groups) if (ids.length > 0) p.pfcount(...ids.map((id) => this.k(id)));
    const results = asked.some(Boolean) ? ((await p.exec()) ?? []) : [];
    let i = 0;
    return asked.map((any) => {
      if (!any) return 0;
      const [err, n] = results[i++] ?? [null, 0];
      if (err) throw err;
      return Number(n);
    });
  }

  async phrases(days: readonly string[]): Promise<Array<Record<string, number>>> {
    await this.flush();
    if (days.length === 0) return [];
    const p = this.redis.pipeline();
    for (const day of days) p.zrange(this.k(`p:${day}`), 0, -1, 'WITHSCORES');
    return ((await p.exec()) ?? []).map(([err, flat]) => {
      if (err) throw err;
      const out: Record<string, number> = {};
      const list = flat as string[];
      for (let i = 0; i + 1 < list.length; i += 2) out[list[i]!] = Number(list[i + 1]);
      return out;
    });
  }

  async due(beforeMs: number, limit: number): Promise<string[]> {
    await this.flush();
    return this.redis.zrangebyscore(this.k('quiet'), '-inf', `(${beforeMs}`, 'LIMIT', 0, limit);
  }

  async claim(aid: string, beforeMs: number): Promise<LastSeen | undefined> {
    await this.flush();
    const last = (await CLAIM.run(this.redis, [this.k('quiet'), this.k(`last:${aid}`)], [aid, beforeMs])) as string | string[] | null;
    if (!last) return undefined;
    if (typeof last === 'string') {
      const [dims, step, at, expires] = last.split('\n');
      if (!dims || !step || !at || !expires) return undefined;
      return { aid, dims, step, atMs: Number.parseInt(at, 36), expiresMs: Number.parseInt(expires, 36) };
    }
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < last.length; i += 2) f[last[i]!] = last[i + 1]!;
    if (!f.d || !f.s) return undefined;
    return { aid, dims: f.d, step: f.s, atMs: Number(f.a), expiresMs: Number(f.x) };
  }

  /**
   * A cursor is the last entry read (`<id>`, exclusive) or, when a page ended inside an entry,
   * that entry and how many of its events were given (`<id>:<n>`). Entries are read a few at a time
   * (each holds at least one event), so a page decodes little more than it gives.
   */
  async range(fromMs: number, toMs: number, limit: number, after?: string): Promise<{ events: AnalyticsEvent[]; next?: string }> {
    await this.flush();
    const [afterId, given] = after?.split(':') ?? [];
    // Stream ids are `<hour ms>-<seq>`: the hours are the id range.
    let start = afterId === undefined ? String(fromMs) : given !== undefined ? afterId : `(${afterId}`;
    const events: AnalyticsEvent[] = [];
    for (;;) {
      const want = Math.min(Math.max(1, limit - events.length), 100);
      const entries = await this.redis.xrangeBuffer(this.k('ev'), start, String(toMs), 'COUNT', want);
      for (const [rawId, fields] of entries) {
        const id = rawId.toString();
        const all = unpackEntry(id, fields);
        // The entry a page ended inside: its events already given are skipped (if it is still there).
        const skip = id === afterId && given !== undefined ? Number(given) || 0 : 0;
        const room = limit - events.length;
        if (all.length - skip > room) {
          events.push(...all.slice(skip, skip + room));
          return { events, next: `${id}:${skip + room}` };
        }
        events.push(...all.slice(skip));
        start = `(${id}`;
      }
      if (entries.length < want) return { events };
      if (events.length >= limit) return { events, next: start.slice(1) };
    }
  }

  /** The newest `limit` events, newest first (an entry's events are in the order written). */
  async recent(limit: number): Promise<AnalyticsEvent[]> {
    await this.flush();
    const events: AnalyticsEvent[] = [];
    let end = '+';
    while (events.length < limit) {
      const want = Math.min(limit - events.length, 100);
      const entries = await this.redis.xrevrangeBuffer(this.k('ev'), end, '-', 'COUNT', want);
      for (const [rawId, fields] of entries) {
        const id = rawId.toString();
        events.push(...unpackEntry(id, fields).reverse());
        end = `(${id}`;
      }
      if (entries.length < want) break;
    }
    return events.slice(0, limit);
  }
}
