import type { Redis } from 'ioredis';
import { RedisScript } from './redisScript.js';
import { LOCK_PREFIX } from './Store.js';
import { sleep, type LockResult, type TurnLock } from './TurnLock.js';

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

/** ARGV: ticket ('' to draw one), lease_ms, grant_ms, ttl_ms. Returns {ticket, acquired}. */
const ACQUIRE = new RedisScript(`${SKIP_DEAD}
local ticket = tonumber(ARGV[1])
if not ticket then
  ticket = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
local serving = skip_dead(ticket, ARGV[3], ARGV[4])
if serving == ticket then
  redis.call('SET', KEYS[2], serving, 'PX', ARGV[4])
  redis.call('SET', KEYS[3], ticket, 'PX', ARGV[2])
  return {ticket, 1}
end
return {ticket, 0}
`);

/** ARGV: ticket, grant_ms, ttl_ms, mode ('release' or 'abandon'). */
const RELEASE = new RedisScript(`
local ticket = tonumber(ARGV[1])
local serving = tonumber(redis.call('GET', KEYS[2]) or '1')
if serving ~= ticket then
  if ARGV[4] == 'abandon' and serving < ticket then
    redis.call('SADD', KEYS[4], ticket)
    redis.call('PEXPIRE', KEYS[4], ARGV[3])
  end
  return 0
end
serving = serving + 1
while redis.call('SISMEMBER', KEYS[4], serving) == 1 do
  redis.call('SREM', KEYS[4], serving)
  serving = serving + 1
end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if serving > last then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
  return 1
end
redis.call('SET', KEYS[2], serving, 'PX', ARGV[3])
redis.call('SET', KEYS[3], serving, 'PX', ARGV[2])
return 1
`);

export interface RedisTurnLockOptions {
  /** How long a turn may hold the lock before others may skip it. */
  leaseMs?: number;
  /** How long the next waiter has to claim its turn once granted. */
  grantMs?: number;
  pollMs?: number;
}

/** FIFO per-sender lock across processes (see the comment above for the algorithm). */
export class RedisTurnLock implements TurnLock {
  private readonly leaseMs: number;
  private readonly grantMs: number;
  private readonly pollMs: number;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: RedisTurnLockOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.grantMs = options.grantMs ?? 3_000;
    this.pollMs = options.pollMs ?? 15;
    this.ttlMs = this.leaseMs * 4;
  }

  private keys(key: string): string[] {
    const base = `${this.prefix}${LOCK_PREFIX}${key}:`;
    return [base + 'next', base + 'serving', base + 'lease', base + 'gone'];
  }

  async run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
    const keys = this.keys(key);
    const deadline = Date.now() + waitMs;
    let ticketArg = '';
    let ticket = 0;
    for (;;) {
      const reply = await ACQUIRE.run(this.redis, keys, [ticketArg, this.leaseMs, this.grantMs, this.ttlMs]);
      const [drawn, acquired] = Array.isArray(reply) ? reply.map(Number) : [NaN, 0];
      if (!Number.isInteger(drawn)) throw new Error('turn lock: unexpected reply from Redis');
      ticket = drawn!;
      ticketArg = String(ticket);
      if (acquired === 1) break;
      if (Date.now() >= deadline) {
        await RELEASE.run(this.redis, keys, [ticket, this.grantMs, this.ttlMs, 'abandon']);
        return { ok: false, reason: 'timeout' };
      }
      await sleep(this.pollMs);
    }
    try {
      return { ok: true, value: await fn() };
    } finally {
      await RELEASE.run(this.redis, keys, [ticket, this.grantMs, this.ttlMs, 'release']);
    }
  }
}
