import { createHash } from 'node:crypto';
import { isCluster, type RedisClient } from '../store/redisClient.js';
import { RedisScript } from '../store/redisScript.js';
import { errorCode, type Logger } from '../log.js';
import type { Store } from '../store/Store.js';
import { sameSlotTag } from '../store/slotTag.js';
import { lineOf, type Rider } from '../store/TurnLock.js';

/**
 * Flood limits, per sender and for everyone together (atomic in Redis and shared by every
 * process; in memory for the quick start). The defaults never bother a person: a whole journey is
 * about 21 turns over several minutes and 25–50 SMS segments.
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

export type Limit = 'burst' | 'minute' | 'segments' | 'global';

/** Why a turn was not run: which limit, and when the sender may write again. */
export type Admission = { ok: true } | { ok: false; limit: Limit; retryMs: number; notify: boolean };

/** The windows' lengths, in ms of the injected clock. */
export const WINDOW_MS = { burst: 10_000, minute: 60_000, day: 24 * 3600_000 } as const;
/** A minute's global counter is kept this long: a process whose clock is a little behind still finds it. */
const GLOBAL_KEPT_MS = 2 * WINDOW_MS.minute;
const DAY_SECONDS = WINDOW_MS.day / 1000;

/** A sender's three windows: a count and the start of its window (epoch ms of the injected clock). */
interface SenderWindows {
  b: number;
  bt: number;
  m: number;
  mt: number;
  s: number;
  st: number;
}

/** What counting one message against a sender's windows says: the first limit it is over, if any. */
export type SenderVerdict = { over?: Exclude<Limit, 'global'>; retryMs: number };

/**
 * A sender's count made by its message's arrival, in the turn lock's own script call (Redis):
 * `rider` goes to TurnLock.arrive, the place's answer to `verdict`, and that to admit.
 */
export interface ArrivalCount {
  /** The sender's windows (windowsKey): the reply's charge goes to them without naming them again. */
  key: string;
  rider: Rider;
  /**
   * The count's answer (the place's `rider`), for admit; undefined when the lock did not run it
   * (a lock without `riderLua`): admit then counts, with the charges the arrival did not carry.
   */
  verdict(reply: unknown): SenderVerdict | undefined;
  /** The arrival failed: the charges it carried are written later instead. */
  failed(): void;
}

/**
 * Counts one message against a sender's windows at `now` (fixed windows, each starting at the
 * first message after the last one ended). The order matters:
 * - a sender who spent the day's segments is refused, and nothing is counted;
 * - a message the burst limit refuses counts against nothing, so a sender who flooded is answered
 *   again once the 10 seconds have passed;
 * - a message the minute limit refuses still counts (and, in `admit`, counts against the global
 *   limit: no more than six bursts a minute per sender get that far).
 * The Lua script COUNT below is the same steps on the same fields; a test runs both side by side.
 * Returns the windows to keep (undefined when nothing changed) and the verdict.
 */
function countMessage(current: SenderWindows | undefined, now: number, settings: LimitSettings): { next?: SenderWindows; verdict: SenderVerdict } {
  const [b, bt] = openWindow(current?.b, current?.bt, WINDOW_MS.burst, now);
  const [m, mt] = openWindow(current?.m, current?.mt, WINDOW_MS.minute, now);
  const [s, st] = openWindow(current?.s, current?.st, WINDOW_MS.day, now);
  if (s >= settings.segmentsPerDay) return { verdict: { over: 'segments', retryMs: st + WINDOW_MS.day - now } };
  if (b >= settings.burst) return { verdict: { over: 'burst', retryMs: bt + WINDOW_MS.burst - now } };
  const next = { b: b + 1, bt, m: m + 1, mt, s, st };
  return { next, verdict: m >= settings.perMinute ? { over: 'minute', retryMs: mt + WINDOW_MS.minute - now } : { retryMs: 0 } };
}

/** Adds a reply's SMS segments to the sender's day (the Lua script CHARGE does the same). */
function chargeSegments(current: SenderWindows | undefined, now: number, segments: number): SenderWindows {
  const [s, st] = openWindow(current?.s, current?.st, WINDOW_MS.day, now);
  return { ...(current ?? { b: 0, bt: now, m: 0, mt: now }), s: s + segments, st };
}

/**
 * A window's count and start at `now`: as kept while it is open, else a new one from `now`. A
 * start further ahead than the window's length (a clock set back by more than that) begins a new
 * one too; a start a little ahead (two processes' clocks apart by some ms) does not.
 */
function openWindow(count: number | undefined, start: number | undefined, length: number, now: number): [number, number] {
  if (count === undefined || start === undefined || now >= start + length || start > now + length) return [0, now];
  return [count, start];
}

/** When a sender's windows can be forgotten: the last of them ends. */
function endOf(w: SenderWindows): number {
  return Math.max(w.bt + WINDOW_MS.burst, w.mt + WINDOW_MS.minute, w.st + WINDOW_MS.day);
}

const OPEN_WINDOW = `
local function open_window(count, start, length, now)
  count, start = tonumber(count), tonumber(start)
  if count == nil or start == nil or now >= start + length or start > now + length then return 0, now end
  return count, start
end
-- An integer as the text Redis stores: a Lua number given to redis.call is printed with '%.17g',
-- about ten times the work of '%d' (the same text for an integer; issue 13).
local function int(n) return string.format('%d', n) end
local function keep(key, b, bt, m, mt, s, st, now)
  redis.call('HSET', key, 'b', int(b), 'bt', int(bt), 'm', int(m), 'mt', int(mt), 's', int(s), 'st', int(st))
  redis.call('PEXPIRE', key, int(math.max(bt + ${WINDOW_MS.burst}, mt + ${WINDOW_MS.minute}, st + ${WINDOW_MS.day}) - now))
end
`;

/**
 * Charges not yet written, applied in order: each opens or continues the day's window at its own
 * moment, as chargeSegments does. `w` is the hash's six fields as HMGET gives them; `charges` is
 * "at:segments,at:segments" (see pendingCharges). Returns the fields (numbers, or false where a
 * field is missing and nothing was charged) and the last charge's moment.
 */
const APPLY_CHARGES = `
local function apply_charges(w, charges)
  local t, last = w, nil
  for at, segments in string.gmatch(charges, '(%-?%d+):(%d+)') do
    at = tonumber(at)
    local s, st = open_window(t[5], t[6], ${WINDOW_MS.day}, at)
    t = { tonumber(t[1]) or 0, tonumber(t[2]) or at, tonumber(t[3]) or 0, tonumber(t[4]) or at, s + tonumber(segments), st }
    last = at
  end
  return t, last
end
`;

/**
 * countMessage in one step, after the sender's charges this process has not written yet (the
 * segments of the replies before). `key`: the sender's windows (a hash: b, bt, m, mt, s, st);
 * `charges`: '' for none. Returns [limit or '', retry ms].
 */
const COUNT_SENDER = `
local function count_sender(key, now, burst, per_minute, segments_per_day, charges)
  local w, charged = apply_charges(redis.call('HMGET', key, 'b', 'bt', 'm', 'mt', 's', 'st'), charges)
  local b, bt = open_window(w[1], w[2], ${WINDOW_MS.burst}, now)
  local m, mt = open_window(w[3], w[4], ${WINDOW_MS.minute}, now)
  local s, st = open_window(w[5], w[6], ${WINDOW_MS.day}, now)
  local refused = nil
  if s >= tonumber(segments_per_day) then refused = {'segments', st + ${WINDOW_MS.day} - now}
  elseif b >= tonumber(burst) then refused = {'burst', bt + ${WINDOW_MS.burst} - now} end
  if refused then
    -- Nothing counted; the charges still are.
    if charged then keep(key, w[1], w[2], w[3], w[4], w[5], w[6], now) end
    return refused
  end
  keep(key, b + 1, bt, m + 1, mt, s, st, now)
  if m >= tonumber(per_minute) then return {'minute', mt + ${WINDOW_MS.minute} - now} end
  return {'', 0}
end
local function charge_sender(key, charges)
  local w, last = apply_charges(redis.call('HMGET', key, 'b', 'bt', 'm', 'mt', 's', 'st'), charges)
  if last then keep(key, w[1], w[2], w[3], w[4], w[5], w[6], last) end
end
`;

/** count_sender as a script of its own. KEYS: the sender's windows. ARGV: now (ms), burst, perMinute, segmentsPerDay, charges. */
const COUNT = new RedisScript(`${OPEN_WINDOW}${APPLY_CHARGES}${COUNT_SENDER}
return count_sender(KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5])
`);

/**
 * count_sender in a message's arrival (RedisTurnLock's `riderLua`): the same arguments as COUNT's,
 * from `argv[first]` on. A duplicate (`counted` false) counts nothing; the charges it carried are
 * written all the same.
 */
export const RIDER_LUA = `${OPEN_WINDOW}${APPLY_CHARGES}${COUNT_SENDER}
local function rider(key, argv, first, counted)
  if counted then return count_sender(key, tonumber(argv[first]), argv[first + 1], argv[first + 2], argv[first + 3], argv[first + 4]) end
  charge_sender(key, argv[first + 4])
  return false
end
`;

/**
 * chargeSegments for several senders in one step, each sender's charges in order. KEYS: the
 * senders' windows. ARGV: each one's charges ("at:segments,…").
 */
const CHARGE = new RedisScript(`${OPEN_WINDOW}${APPLY_CHARGES}${COUNT_SENDER}
for i, key in ipairs(KEYS) do charge_sender(key, ARGV[i]) end
`);

/**
 * Turns more this minute, for everyone together. KEYS: the minute's counter. ARGV: how long it is
 * kept (ms), how many turns. Returns everyone's turns so far.
 */
const COUNT_GLOBAL = new RedisScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`);

/** How often a process adds its turns to everyone's counter in Redis (see globalCounter). */
export const GLOBAL_SYNC_MS = 100;

/** Where the counters live: Redis, or this process's memory (the quick start). */
interface Counters {
  count(key: string, now: number): Promise<SenderVerdict>;
  /** The count to make in the arrival's script; undefined when it cannot be (memory; charges on their way). */
  onArrival?(key: string, now: number): ArrivalCount | undefined;
  /** The turns of everyone in the minute `minute` (epoch minutes), this one included. */
  countGlobal(minute: number): Promise<number>;
  charge(key: string, segments: number, now: number): Promise<void>;
  /** Everyone's turns counted so far sent where every process sees them (Redis: at once rather than within GLOBAL_SYNC_MS). */
  flush(): Promise<void>;
}

/**
 * Decides whether a sender's message gets a turn. Over a limit the sender gets one short notice
 * (`notify: true` once per window), then silence until the window passes; other senders are not
 * affected. Limits are keyed by a hash of the pseudonym, so erasing one's data does not reset them.
 * Every window is measured on the injected clock.
 *
 * A sender's three windows are one Redis hash, `limit:{<tag>}:<key>` (windowsKey), counted in the
 * script of the message's arrival (onArrival: no call of their own) or by one call of their own:
 * the reply's segments are written with the sender's next count or within GLOBAL_SYNC_MS
 * (pendingCharges); everyone's turns are counted in the process and added to the minute's counter
 * every GLOBAL_SYNC_MS (globalCounter).
 * rate-limiter-flexible, before, took five calls and sixteen Redis commands a turn, and its
 * counters measured Redis's time, not the injected clock (issue 13: the limits were a tenth of
 * the server's time per turn).
 */
export class SenderLimits {
  private readonly counters: Counters;

  constructor(
    private readonly settings: LimitSettings,
    private readonly deps: { redis: RedisClient | undefined; prefix: string; store: Store; now: () => Date; log: Logger },
  ) {
    this.counters = deps.redis ? redisCounters(deps.redis, `${deps.prefix}limit:`, settings, (event, err) => deps.log.warn(event, { code: errorCode(err) })) : memoryCounters(settings);
  }

  /**
   * The sender's count to make in its message's arrival (one script call a turn fewer; issue 13),
   * or undefined: in memory, or while this process writes charges (admit then counts after them).
   */
  onArrival(pid: string): ArrivalCount | undefined {
    // In memory there is no arrival's script: no key to make (a hash) on every turn.
    if (!this.counters.onArrival) return undefined;
    return this.counters.onArrival(this.windowsKey(pid), this.deps.now().getTime());
  }

  /** Counts the message against the limits (unless its arrival did: `counted`); says whether it may have a turn. */
  async admit(pid: string, counted?: SenderVerdict): Promise<Admission> {
    const now = this.deps.now().getTime();
    const over = await this.firstExceeded(counted ?? (await this.counters.count(this.windowsKey(pid), now)), now);
    if (!over) return { ok: true };
    // One notice per window: the first message over the limit is told, the rest get silence.
    const notify = await this.deps.store.setIfAbsent(`throttled/${limitKey(pid)}/${over.limit}`, '1', Math.max(1, Math.ceil(over.retryMs / 1000)));
    await this.deps.store.incr(`stats/throttled/${this.deps.now().toISOString().slice(0, 10)}`, 400 * DAY_SECONDS);
    this.deps.log.warn('sender_throttled', { limit: over.limit, notify });
    return { ok: false, ...over, notify };
  }

  /** Sends everyone's turns counted so far to Redis now (on shutdown; a test about to read Redis). */
  flush(): Promise<void> {
    return this.counters.flush();
  }

  /**
   * Records the SMS segments a reply cost the sender (checked by the next admit). `arrival`: the
   * count its message's arrival made, which named the sender's windows already (a hash a turn, not two).
   */
  async charge(pid: string, segments: number, arrival?: ArrivalCount): Promise<void> {
    if (segments <= 0) return;
    await this.counters.charge(arrival?.key ?? this.windowsKey(pid), segments, this.deps.now().getTime());
  }

  /**
   * The name of a sender's windows: a hash of the pseudonym (limitKey) and, on Redis, a tag of the
   * slot of the sender's line (sameSlotTag), so the arrival's script can count them on a cluster
   * too, while erasing the sender's data (every key naming the pseudonym) leaves them.
   */
  private windowsKey(pid: string): string {
    return this.deps.redis ? `{${sameSlotTag(lineOf(pid))}}:${limitKey(pid)}` : limitKey(pid);
  }

  private async firstExceeded(sender: SenderVerdict, now: number): Promise<{ limit: Limit; retryMs: number } | undefined> {
    if (sender.over === 'segments' || sender.over === 'burst') return { limit: sender.over, retryMs: sender.retryMs };
    const minute = Math.floor(now / WINDOW_MS.minute);
    const everyone = await this.counters.countGlobal(minute);
    if (sender.over === 'minute') return { limit: 'minute', retryMs: sender.retryMs };
    return everyone > this.settings.globalPerMinute ? { limit: 'global', retryMs: (minute + 1) * WINDOW_MS.minute - now } : undefined;
  }
}

function redisCounters(redis: RedisClient, prefix: string, settings: LimitSettings, failed: (event: 'limits_global_sync_failed' | 'limits_charge_failed', err: unknown) => void): Counters {
  const countArgs = (now: number, owed: string | undefined) => [now, settings.burst, settings.perMinute, settings.segmentsPerDay, owed ?? ''];
  const everyone = globalCounter(redis, prefix, (err) => failed('limits_global_sync_failed', err));
  const charges = pendingCharges(redis, (err) => failed('limits_charge_failed', err));
  return {
    flush: async () => {
      await Promise.all([everyone.flush(), charges.flush()]);
    },
    async count(key, now) {
      const full = prefix + key;
      // Charges on their way are written first (a script's first call on a node is answered
      // NOSCRIPT and sent again, after what was given behind it).
      if (charges.writing) await charges.writing;
      const owed = charges.take(full);
      try {
        return verdictOf(await COUNT.run(redis, [full], countArgs(now, owed)));
      } catch (err) {
        if (owed) charges.putBack(full, owed);
        throw err;
      }
    },
    onArrival(key, now) {
      // The arrival is sent at once and cannot wait for charges on their way: count after them instead.
      if (charges.writing) return undefined;
      const full = prefix + key;
      const owed = charges.take(full);
      const giveBack = () => {
        if (owed) charges.putBack(full, owed);
      };
      return {
        key,
        rider: { key: full, args: countArgs(now, owed) },
        verdict: (reply) => {
          if (reply !== undefined) return verdictOf(reply);
          giveBack();
          return undefined;
        },
        failed: giveBack,
      };
    },
    countGlobal: async (minute) => everyone.count(minute),
    async charge(key, segments, now) {
      charges.add(prefix + key, segments, now);
    },
  };
}

/** count_sender's answer, [limit or '', retry ms], as a verdict. */
function verdictOf(reply: unknown): SenderVerdict {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number') throw new Error('limits: unexpected reply from Redis');
  const [over, retryMs] = reply as [string, number];
  return over === '' ? { retryMs: 0 } : { over: over as SenderVerdict['over'], retryMs };
}

/**
 * The segments of replies sent, kept in the process until they are written: with the sender's
 * next message, if this process counts it (in the same script call: exact), or every
 * GLOBAL_SYNC_MS for all senders at once (one call; on a cluster one per sender, sent together).
 * A charge was a script call of its own after every reply, about 2 % of the server's throughput
 * under the bench's load (issue 13). What this costs: another process that counts the sender's
 * next message within GLOBAL_SYNC_MS does not see the last reply's segments, so a sender at the
 * day's budget may be answered once more; a process that dies loses its last GLOBAL_SYNC_MS of
 * charges. The budget is 300 segments a day by default: about six whole journeys.
 */
function pendingCharges(redis: RedisClient, failed: (err: unknown) => void) {
  /** Per sender's key, its charges in order: "at:segments,at:segments". */
  const pending = new Map<string, string>();
  const putBack = (key: string, owed: string) => {
    const newer = pending.get(key);
    pending.set(key, newer === undefined ? owed : `${owed},${newer}`);
    writes.soon();
  };
  const writes = syncEvery(GLOBAL_SYNC_MS, failed, async (report) => {
    if (pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    // One call for every sender; a cluster's senders lie in different slots: a call each.
    const calls = isCluster(redis) ? batch.map((entry) => [entry]) : [batch];
    await Promise.all(
      calls.map(async (group) => {
        try {
          await CHARGE.run(
            redis,
            group.map(([key]) => key),
            group.map(([, owed]) => owed),
          );
          report.succeeded();
        } catch (err) {
          for (const [key, owed] of group) putBack(key, owed);
          report.failed(err);
        }
      }),
    );
  });
  return {
    /** The write on its way, if any. */
    get writing() {
      return writes.running;
    },
    add(key: string, segments: number, now: number) {
      const charge = `${now}:${segments}`;
      const before = pending.get(key);
      pending.set(key, before === undefined ? charge : `${before},${charge}`);
      writes.soon();
    },
    /** The sender's charges not yet written, now taken to be written with its next count. */
    take(key: string): string | undefined {
      const owed = pending.get(key);
      if (owed !== undefined) pending.delete(key);
      return owed;
    },
    putBack,
    flush: writes.now,
  };
}

/**
 * A write to Redis made within `ms` of being asked for (`soon`), or at once (`now`: on close, or a
 * test about to read Redis); one at a time, in order. A failure is logged once, not again until a
 * write succeeds (one line, not ten a second, while Redis is away); what failed is asked for again.
 */
function syncEvery(
  ms: number,
  failed: (err: unknown) => void,
  sync: (report: { succeeded(): void; failed(err: unknown): void }) => Promise<void>,
): { soon(): void; now(): Promise<void>; readonly running: Promise<void> | undefined } {
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Writes asked for and not yet done. */
  let busy = 0;
  let failing = false;
  const report = {
    succeeded: () => {
      failing = false;
    },
    failed: (err: unknown) => {
      if (!failing) failed(err);
      failing = true;
    },
  };
  const now = () => {
    clearTimeout(timer);
    timer = undefined;
    busy++;
    return (chain = chain.then(() => sync(report)).finally(() => busy--));
  };
  return {
    soon: () => {
      timer ??= setTimeout(() => void now(), ms).unref();
    },
    now,
    get running() {
      return busy > 0 ? chain : undefined;
    },
  };
}

/**
 * Everyone's turns in a minute, as this process knows them: Redis's count at its last sync, plus
 * its own turns since. A process adds its turns to the minute's counter in Redis every
 * GLOBAL_SYNC_MS (one call for all of them) instead of a script call a turn, each of which cost
 * about 2 % of the server's throughput under the bench's load (issue 13: two more calls a turn
 * measured 1.046). One process counts exactly; with several, each sees the others' turns up to
 * GLOBAL_SYNC_MS late, so together they may let that much more through in the minute the limit
 * is reached. The limit is a circuit breaker against a flood (6,000 turns a minute by default,
 * about 10 per process in 100 ms). A sync that fails is tried again with the next; a process that
 * stops sends its turns first (`flush`, on close).
 */
function globalCounter(redis: RedisClient, prefix: string, failed: (err: unknown) => void): { count(minute: number): number; flush(): Promise<void> } {
  /** Per minute (this one and the two before, as memoryCounters): Redis's count at the last reply, this process's turns on their way and not yet sent. */
  const minutes = new Map<number, { known: number; sending: number; unsent: number }>();
  const syncs = syncEvery(GLOBAL_SYNC_MS, failed, async (report) => {
    for (const [minute, counted] of minutes) {
      if (counted.unsent === 0) continue;
      const by = counted.unsent;
      counted.sending += by;
      counted.unsent = 0;
      try {
        const total = Number(await COUNT_GLOBAL.run(redis, [`${prefix}g:${minute}`], [GLOBAL_KEPT_MS, by]));
        counted.known = Math.max(counted.known, total);
        report.succeeded();
      } catch (err) {
        counted.unsent += by;
        report.failed(err);
      } finally {
        counted.sending -= by;
      }
    }
    if ([...minutes.values()].some((c) => c.unsent > 0)) syncs.soon();
  });
  return {
    count(minute) {
      let counted = minutes.get(minute);
      if (!counted) {
        minutes.set(minute, (counted = { known: 0, sending: 0, unsent: 0 }));
        for (const m of minutes.keys()) if (m < minute - 2) minutes.delete(m);
      }
      counted.unsent++;
      syncs.soon();
      return counted.known + counted.sending + counted.unsent;
    },
    flush: syncs.now,
  };
}

/**
 * The same counters in this process. A sender's windows are dropped once they have all ended:
 * every so often (as many counts as half the senders held, at least 1,024), as MemoryStore does,
 * so the quick-start server does not grow with every sender it ever saw.
 */
function memoryCounters(settings: LimitSettings): Counters {
  const senders = new Map<string, SenderWindows>();
  /** Everyone's turns by minute: this one and the two before (as Redis keeps them, for clocks a little apart). */
  const global = new Map<number, number>();
  let writes = 0;
  const keep = (key: string, windows: SenderWindows, now: number) => {
    senders.set(key, windows);
    if (++writes < Math.max(1024, senders.size / 2)) return;
    writes = 0;
    for (const [k, w] of senders) if (endOf(w) <= now) senders.delete(k);
  };
  return {
    async count(key, now) {
      const { next, verdict } = countMessage(senders.get(key), now, settings);
      if (next) keep(key, next, now);
      return verdict;
    },
    async countGlobal(minute) {
      const turns = (global.get(minute) ?? 0) + 1;
      global.set(minute, turns);
      for (const m of global.keys()) if (m < minute - 2) global.delete(m);
      return turns;
    },
    async charge(key, segments, now) {
      keep(key, chargeSegments(senders.get(key), now, segments), now);
    },
    flush: async () => undefined,
  };
}

/**
 * The limits' key for a sender: not the pseudonym itself, so erase (which deletes every key holding
 * it) leaves the counters. 64 bits of a hash: two senders of ten million share counters with a
 * chance of about 3 in a million, and the key stays short in Redis (issue 13: bytes per worker).
 */
function limitKey(pid: string): string {
  return createHash('sha256').update(`limit:${pid}`).digest('hex').slice(0, 16);
}
