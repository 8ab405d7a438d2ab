import { createHash } from 'node:crypto';
import { sendNow, type RedisClient } from './redisClient.js';
import { RedisScript } from './redisScript.js';
import { LOCK_PREFIX } from './Store.js';
import { sleep, type LockResult, type Place, type Rider, type SeenMark, type TurnLock } from './TurnLock.js';

// A ticket lock with leases, shared by every server process through Redis:
// each turn draws the next ticket; the ticket being served holds a lease. A waiter whose lease
// (or grant) ran out, or who gave up, is skipped, so a crashed process never blocks a sender
// for longer than one lease. KEYS: next, serving, lease, gone.

const SKIP_DEAD = `
local function skip_dead(ticket, grant_ms, ttl_ms)
  local serving = tonumber(redis.call('GET', KEYS[2]) or '1')
  while serving < ticket do
    if redis.call('SISMEMBER', KEYS[4], serving) == 1 then
      redis.call('SREM', KEYS[4], serving)
    elseif redis.call('EXISTS', KEYS[3]) == 1 then
      break
    end
    serving = serving + 1
    redis.call('SET', KEYS[2], serving, 'PX', ttl_ms)
    redis.call('SET', KEYS[3], serving, 'PX', grant_ms)
  end
  return serving
end
`;

/**
 * A message arrives: its de-duplication mark and its ticket in one step, before anything else.
 * The marks of a line are one string of 8-byte records, oldest first: the message's mark (6 bytes,
 * markOf), then the minute its mark expires, modulo 65536, in two bytes. Each arrival refuses a
 * mark it holds alive, drops the expired records once the oldest has expired, appends its own and
 * keeps the newest 256 (2,048 bytes); the string
 * expires with its newest mark. A record is alive while it expires in 1 to 32767 minutes; a minute
 * modulo 65536 is unambiguous because no record is read more than 32767 minutes after it expired
 * (see MAX_MARK_SECONDS).
 * A journey's 21 marks take 296 bytes of Redis, against 424 as the sorted set an earlier release
 * kept (member and score each cost more than the record; issue 13: Redis bytes per worker).
 * That sorted set (KEYS[6]) is still read, trimmed and forgotten until it expires (two days after
 * its line's last message under that release); nothing is added to it. Its members: the 6-byte
 * mark, the id's 8 bytes (until 2026-12-05), and before that the hex id with its expiry in ms
 * (always above 1e11, trimmed on its own clock).
 * KEYS: next, serving, lease, gone, marks, legacy marks, then the rider's key (if any). ARGV: ttl_ms,
 * seen_ttl_s ('' when no mark), grant_ms, now_ms, mark, the two forms earlier releases wrote ('' when
 * none), then the rider's arguments.
 * `riderLua` defines `rider(key, argv, first, counted)`: run with the message's place taken
 * (`counted` true) or for a duplicate (false); what it returns comes third in the reply.
 * Returns -1 when the message was seen before, else [ticket, 1 when granted at once (first in
 * line), the rider's answer].
 */
function arriveScript(riderLua: string): RedisScript {
  return new RedisScript(`${riderLua}
local function ride(counted)
  ${riderLua === '' ? '' : 'if KEYS[7] then return rider(KEYS[7], ARGV, 8, counted) end'}
  return false
end
if ARGV[2] ~= '' then
  local now_ms = tonumber(ARGV[4])
  local now_s = math.floor(now_ms / 1000)
  if redis.call('EXISTS', KEYS[6]) == 1 then
    redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now_s)
    redis.call('ZREMRANGEBYSCORE', KEYS[6], 100000000000, now_ms)
    for n = 5, 7 do
      if ARGV[n] ~= '' and redis.call('ZSCORE', KEYS[6], ARGV[n]) then ride(false) return -1 end
    end
  end
  local now_min = math.floor(now_ms / 60000)
  local function alive(marks, at)
    local left = (string.byte(marks, at + 6) * 256 + string.byte(marks, at + 7) - now_min) % 65536
    return left > 0 and left < 32768
  end
  local marks = redis.call('GET', KEYS[5]) or ''
  -- The mark looked for by string.find (in C), not record by record in Lua: a match counts where
  -- a record starts (its bytes may also straddle two records) and while that record is alive.
  local from = 1
  while true do
    local at = string.find(marks, ARGV[5], from, true)
    if not at then break end
    if at % 8 == 1 and alive(marks, at) then ride(false) return -1 end
    from = at + 1
  end
  -- Expired records are dropped when the oldest is: with one lifetime for every mark (as the
  -- webhook gives), the expired are always the oldest. One that expired behind a live one (a
  -- shorter lifetime) waits for it; it is never taken for alive, since it is younger than a live
  -- record.
  if #marks >= 8 and not alive(marks, 1) then
    local kept = {}
    for at = 1, #marks - 7, 8 do
      if alive(marks, at) then kept[#kept + 1] = string.sub(marks, at, at + 7) end
    end
    marks = table.concat(kept)
  end
  local seen_ms = tonumber(ARGV[2]) * 1000
  local ends = math.ceil((now_ms + seen_ms) / 60000) % 65536
  marks = marks .. ARGV[5] .. string.char(math.floor(ends / 256), ends % 256)
  if #marks > 2048 then marks = string.sub(marks, #marks - 2047) end
  -- Numbers given to redis.call as text ('%d'): Redis prints a Lua number with '%.17g', ten times the work.
  redis.call('SET', KEYS[5], marks, 'PX', string.format('%d', seen_ms))
end
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
-- First in line: granted at once, as a release grants the next ticket, so that a later ticket
-- polling before this one does cannot take its missing lease for a dead turn and skip it.
if ticket == 1 then
  -- A new line (most messages: a worker writes one at a time). Whatever a dead one left behind
  -- (its counters outlived by a moment) is cleared: serving and lease by being written over, the
  -- dead tickets by DEL; read back they would say 1 and none, so they are not read (each call
  -- from a script costs Redis more than the command itself; issue 13).
  redis.call('DEL', KEYS[4])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
  return {1, 1, ride(true)}
end
local serving = tonumber(redis.call('GET', KEYS[2]) or '1')
if serving == ticket and redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('SET', KEYS[2], ticket, 'PX', ARGV[1])
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[3])
  return {ticket, 1, ride(true)}
end
return {ticket, 0, ride(true)}
`);
}

/**
 * Forgets a mark: its record is cut out of the line's marks (the string keeps its expiry), and
 * its forms are removed from an earlier release's sorted set. KEYS: marks, legacy marks. ARGV:
 * mark, then the earlier forms ('' when none).
 */
const FORGET = new RedisScript(`
local marks = redis.call('GET', KEYS[1])
if marks then
  for at = 1, #marks - 7, 8 do
    if string.sub(marks, at, at + 5) == ARGV[1] then
      local rest = string.sub(marks, 1, at - 1) .. string.sub(marks, at + 8)
      if rest == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], rest, 'KEEPTTL') end
      break
    end
  end
end
for n = 1, #ARGV do
  if ARGV[n] ~= '' then redis.call('ZREM', KEYS[2], ARGV[n]) end
end
return 1
`);

/** ARGV: ticket, lease_ms, grant_ms, ttl_ms. Returns 1 when this ticket now holds the lock. */
const ACQUIRE = new RedisScript(`${SKIP_DEAD}
local ticket = tonumber(ARGV[1])
local serving = skip_dead(ticket, ARGV[3], ARGV[4])
if serving == ticket then
  redis.call('SET', KEYS[2], serving, 'PX', ARGV[4])
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
  return 1
end
return 0
`);

/** The holder's lease is renewed while its turn runs. ARGV: ticket, lease_ms, ttl_ms. */
const RENEW = new RedisScript(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[3], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

/** ARGV: ticket, grant_ms, ttl_ms, mode ('release' or 'abandon'). */
const RELEASE = new RedisScript(`
local ticket = tonumber(ARGV[1])
-- The ticket counter with the one served, in one call (each call from a script costs Redis more than the command).
local counters = redis.call('MGET', KEYS[1], KEYS[2])
local serving = tonumber(counters[2] or '1')
if serving ~= ticket then
  if ARGV[4] == 'abandon' and serving < ticket then
    redis.call('SADD', KEYS[4], ticket)
    redis.call('PEXPIRE', KEYS[4], ARGV[3])
  end
  return 0
end
serving = serving + 1
local last = tonumber(counters[1] or '0')
-- Dead tickets are skipped only while a ticket after this one was drawn: none is, most of the
-- time (a worker writes one message at a time), and there is then no dead ticket to look for.
while serving <= last and redis.call('SISMEMBER', KEYS[4], serving) == 1 do
  redis.call('SREM', KEYS[4], serving)
  serving = serving + 1
end
if serving > last then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return 1
end
redis.call('SET', KEYS[2], serving, 'PX', ARGV[3])
redis.call('SET', KEYS[3], serving, 'PX', ARGV[2])
return 1
`);

const HEX_ID = /^[0-9a-f]{16}$/i;

/**
 * The longest a mark is kept. A record's expiry is a minute modulo 65536, read as "alive" for up
 * to 32767 minutes ahead (22.75 days), so no record may be read 32768 minutes or more after it
 * expired. A record kept expired behind a live one (swept only once the oldest has expired)
 * arrived after that live one, at most this long before the line's last message; the line's
 * marks expire at most this long after that message. Twice this, 22 days, is under 22.75.
 * Marks are asked for two days (DEDUP_TTL_SECONDS).
 */
export const MAX_MARK_SECONDS = 11 * 24 * 3600;

/**
 * A mark as stored (6 bytes), then the members an earlier release wrote for the same id ('' when
 * none). A 16-hex-digit id (the tail of a MessageSid, random) is folded to 6 bytes: its last two
 * bytes XORed into its first two, so every digit counts; 48 bits, so a new message of a sender is
 * taken for one of its at most 256 marks with a chance under 1 in 10^12. Earlier releases kept it
 * as its 8 bytes and as it is. Any other id is hashed to 6 bytes (earlier releases kept it as it is).
 */
function markOf(id: string): [Buffer, Buffer | string, string] {
  if (!HEX_ID.test(id)) return [createHash('sha256').update(id).digest().subarray(0, 6), '', id];
  const whole = Buffer.from(id, 'hex');
  const folded = Buffer.from(whole.subarray(0, 6));
  folded[0]! ^= whole[6]!;
  folded[1]! ^= whole[7]!;
  return [folded, whole, id];
}

export interface RedisTurnLockOptions {
  /**
   * How long a turn holds the lock without renewing it; it is renewed every third of this while
   * the turn runs, so a process that dies frees its sender within about this time.
   */
  leaseMs?: number;
  /** How long the next waiter has to claim its turn once granted. */
  grantMs?: number;
  pollMs?: number;
  /** The injected clock (ms): when a de-duplication mark expires. */
  now?: () => number;
  /**
   * Lua defining `rider(key, argv, first, counted)`, run in the arrival's script when `arrive` is
   * given a Rider (see arriveScript): the sender's flood windows (SenderLimits.RIDER_LUA).
   */
  riderLua?: string;
}

/** FIFO per-sender lock across processes (see the comment above for the algorithm). */
export class RedisTurnLock implements TurnLock {
  private readonly leaseMs: number;
  private readonly grantMs: number;
  private readonly pollMs: number;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly nowMs: () => number;
  private readonly arriveLua: RedisScript;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    options: RedisTurnLockOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 3_000;
    this.grantMs = options.grantMs ?? Math.min(3_000, this.leaseMs);
    this.pollMs = options.pollMs ?? 15;
    this.nowMs = options.now ?? Date.now;
    this.arriveLua = arriveScript(options.riderLua ?? '');
    // Longer than any wait, so a line's counters outlive its waiters.
    this.ttlMs = Math.max(this.leaseMs * 4, 60_000);
    // A third of the lease, or of the grant when that is shorter: a turn that runs on its grant
    // (first in line, no ACQUIRE) renews before the grant runs out.
    this.renewEveryMs = Math.max(100, Math.floor(Math.min(this.leaseMs, this.grantMs) / 3));
  }

  /** The line's name in braces: a hash tag, so its counters and marks share a slot of a Redis Cluster (one script touches them all). */
  private keys(key: string): string[] {
    const base = `${this.prefix}${LOCK_PREFIX}{${key}}:`;
    return [base + 'next', base + 'serving', base + 'lease', base + 'gone'];
  }

  /**
   * A line's marks, and the sorted set an earlier release kept them in: outside the lock's keys,
   * so erasing a sender's data (which spares live locks) removes them.
   */
  private markKeys(key: string): [string, string] {
    return [`${this.prefix}marks/{${key}}`, `${this.prefix}seen/{${key}}`];
  }

  async arrive(key: string, seen?: SeenMark, rider?: Rider): Promise<Place | 'duplicate'> {
    const keys = this.keys(key);
    const scriptKeys = [...keys, ...this.markKeys(key)];
    const args: Array<string | number | Buffer> = seen ? [this.ttlMs, Math.min(seen.ttlSeconds, MAX_MARK_SECONDS), this.grantMs, this.nowMs(), ...markOf(seen.id)] : [this.ttlMs, '', this.grantMs, 0, '', '', ''];
    if (rider) {
      scriptKeys.push(rider.key);
      args.push(...rider.args);
    }
    const arrival = this.arriveLua.run(this.redis, scriptKeys, args);
    // Not held to the end of the event loop's turn: the message's place is taken as it arrives.
    sendNow(this.redis);
    const reply = await arrival;
    if (reply === -1) return 'duplicate';
    const [ticket, granted] = Array.isArray(reply) ? [Number(reply[0]), Number(reply[1])] : [];
    if (ticket === undefined || !Number.isInteger(ticket) || ticket < 1) throw new Error('turn lock: unexpected reply from Redis');
    // Redis answers a rider's false (not run) as null.
    const riderReply = rider && Array.isArray(reply) ? (reply[2] ?? undefined) : undefined;
    // Young: within the first third of the grant, so the first renewal (a third of it later) comes
    // while the grant still holds, with a third of it to spare. Elapsed real time, not the calendar.
    const grantedUntil = granted === 1 ? Date.now() + this.grantMs / 3 : 0;
    return {
      ticket,
      rider: riderReply,
      run: (waitMs, fn) => this.runAt(keys, ticket, waitMs, fn, grantedUntil),
      abandon: async () => {
        await RELEASE.run(this.redis, keys, [ticket, this.grantMs, this.ttlMs, 'abandon']);
      },
    };
  }

  async forget(key: string, id: string): Promise<void> {
    await FORGET.run(this.redis, this.markKeys(key), markOf(id));
  }

  async run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
    const place = await this.arrive(key);
    if (place === 'duplicate') throw new Error('unreachable: no seen key');
    return place.run(waitMs, fn);
  }

  /**
   * Waits for the ticket's turn and runs `fn`. A ticket granted on arrival (first in line) whose
   * grant is still young holds the lease already: no ACQUIRE. The release is sent as soon as `fn`
   * is done, not awaited: the turn's reply leaves a round trip sooner (issue 13: each sequential
   * Redis call is a wait of one event-loop turn under load), and the next turn of the same line
   * from this process goes on the same connection behind it; from another, its ACQUIRE waits for
   * it as before. A release that fails leaves a lease that expires on its own.
   */
  private async runAt<T>(keys: string[], ticket: number, waitMs: number, fn: () => Promise<T>, grantedUntil = 0): Promise<LockResult<T>> {
    const deadline = Date.now() + waitMs; // elapsed real time, not the calendar: a wait, not a date
    for (;;) {
      if (Date.now() < grantedUntil) break;
      const acquired = Number(await ACQUIRE.run(this.redis, keys, [ticket, this.leaseMs, this.grantMs, this.ttlMs]));
      if (acquired === 1) break;
      if (Date.now() >= deadline) {
        await RELEASE.run(this.redis, keys, [ticket, this.grantMs, this.ttlMs, 'abandon']);
        return { ok: false, reason: 'timeout' };
      }
      await sleep(this.pollMs);
    }
    const renewal = setInterval(() => {
      RENEW.run(this.redis, keys, [ticket, this.leaseMs, this.ttlMs]).catch(() => undefined);
    }, this.renewEveryMs);
    renewal.unref();
    try {
      return { ok: true, value: await fn() };
    } finally {
      clearInterval(renewal);
      RELEASE.run(this.redis, keys, [ticket, this.grantMs, this.ttlMs, 'release']).catch(() => undefined);
    }
  }
}
