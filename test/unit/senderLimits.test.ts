import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GLOBAL_SYNC_MS, RIDER_LUA, SenderLimits, WINDOW_MS, type Admission, type LimitSettings } from '../../src/channels/SenderLimits.js';
import { createLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { keysUnder, testRedis } from '../support/redis.js';
import calculateSlot from 'cluster-key-slot';
import { RedisTurnLock } from '../../src/store/RedisTurnLock.js';
import { lineOf } from '../../src/store/TurnLock.js';

// The flood limits on Redis (Lua scripts) and in memory (the same steps in TypeScript), on the
// injected clock: each case is run on both and must give the same answers; the side-by-side
// run below gives both the same thousands of random messages, charges and clock moves.

const SMALL: LimitSettings = { burst: 3, perMinute: 5, segmentsPerDay: 12, globalPerMinute: 8 };
const START = Date.parse('2026-03-01T09:00:00Z');

let db: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  db = await testRedis('limits');
});
afterAll(async () => {
  await db?.cleanup();
});

let made = 0;
/**
 * Limits on Redis or in memory, with their own clock (and their own store for the one-notice
 * marks). `arrival`: on Redis, each message counted in its arrival's script, as the webhook does
 * (a turn lock with the limits' rider; the place is given up at once); `redis`: by a call of its own.
 */
function limitsOn(where: 'redis' | 'arrival' | 'memory', settings = SMALL) {
  const clock = { ms: START };
  const prefix = `${db.prefix}${++made}:`;
  const limits = new SenderLimits(settings, { redis: where === 'memory' ? undefined : db.redis, prefix, store: new MemoryStore(() => clock.ms), now: () => new Date(clock.ms), log: createLogger('silent') });
  const lock = new RedisTurnLock(db.redis, prefix, { riderLua: RIDER_LUA, now: () => clock.ms });
  /** Messages counted in their arrival (not while charges were on their way: those are counted after them). */
  const rode = { messages: 0, counted: 0 };
  const admit = async (pid: string): Promise<Admission> => {
    if (where !== 'arrival') return limits.admit(pid);
    const count = limits.onArrival(pid);
    const place = await lock.arrive(lineOf(pid), undefined, count?.rider);
    if (place === 'duplicate') throw new Error('no mark, no duplicate');
    await place.abandon();
    rode.messages++;
    if (place.rider !== undefined) rode.counted++;
    return limits.admit(pid, count?.verdict(place.rider));
  };
  return { limits, clock, prefix, admit, lock, rode };
}

const brief = (a: Admission) => (a.ok ? 'ok' : `${a.limit}${a.notify ? '!' : ''} ${a.retryMs}`);

describe.each(['redis', 'arrival', 'memory'] as const)('flood limits, %s', (where) => {
  it('refuses the message after the burst, tells once, and counts nothing it refused', async () => {
    const { admit, limits, clock } = limitsOn(where);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(brief(await admit('p1')));
      clock.ms += 1000;
    }
    expect(answers).toEqual(['ok', 'ok', 'ok', 'burst! 7000', 'burst 6000', 'burst 5000']);
    // The window started at the first message; at its end the sender is answered again, and the
    // three refused messages did not count against the minute (5 a minute: 3, then 2 more).
    clock.ms = START + WINDOW_MS.burst;
    expect(brief(await admit('p1'))).toBe('ok');
    expect(brief(await admit('p1'))).toBe('ok');
    expect(brief(await admit('p1'))).toBe('minute! 50000');
    // Another sender is not affected.
    expect(brief(await admit('p2'))).toBe('ok');
  });

  it('refuses after the minute\'s messages, until the minute that began with the first has passed', async () => {
    const { admit, limits, clock } = limitsOn(where);
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) {
      answers.push(brief(await admit('p1')));
      clock.ms += 5000;
    }
    // Three in the first 10 s (at 0, 5 s and 10 s the burst window started again), five a minute.
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'minute! 35000', 'minute 30000']);
    clock.ms = START + WINDOW_MS.minute;
    expect(brief(await admit('p1'))).toBe('ok');
  });

  it('refuses everyone over the global limit until the minute of the clock ends', async () => {
    const { admit, limits, clock } = limitsOn(where, { ...SMALL, burst: 100, perMinute: 100 });
    clock.ms = START + 20_000;
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(brief(await admit(`p${i % 4}`)));
    expect(answers.slice(0, 8)).toEqual(Array(8).fill('ok'));
    expect(answers.slice(8)).toEqual(['global! 40000', 'global! 40000']);
    clock.ms = START + WINDOW_MS.minute;
    expect(brief(await admit('p1'))).toBe('ok');
  });

  it('stops a sender whose replies spent the day\'s segments, for the rest of that day only', async () => {
    const { admit, limits, clock } = limitsOn(where, { ...SMALL, burst: 100, perMinute: 100, globalPerMinute: 1000 });
    expect(brief(await admit('p1'))).toBe('ok');
    await limits.charge('p1', 7);
    clock.ms += 3600_000;
    expect(brief(await admit('p1'))).toBe('ok');
    await limits.charge('p1', 5);
    clock.ms += 3600_000;
    expect(brief(await admit('p1'))).toBe(`segments! ${WINDOW_MS.day - 2 * 3600_000}`);
    expect(brief(await admit('p1'))).toBe(`segments ${WINDOW_MS.day - 2 * 3600_000}`);
    clock.ms = START + WINDOW_MS.day;
    expect(brief(await admit('p1'))).toBe('ok');
  });

  it('keeps a window when another process\'s clock is a little behind, and starts one when a clock was set far back', async () => {
    const { admit, limits, clock } = limitsOn(where);
    for (let i = 0; i < 3; i++) await admit('p1');
    clock.ms -= 800;
    expect(brief(await admit('p1'))).toBe('burst! 10800');
    clock.ms = START - 3 * WINDOW_MS.day;
    expect(brief(await admit('p1'))).toBe('ok');
  });
});

describe('flood limits on Redis and in memory, side by side', () => {
  it('give the same answers to the same 3,000 random messages, charges and clock moves (Redis counting by a call of its own and in the arrival\'s script)', async () => {
    const redis = limitsOn('redis');
    const arrival = limitsOn('arrival');
    const memory = limitsOn('memory');
    // A small deterministic generator: the same run every time.
    let seed = 20261206;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const differences: string[] = [];
    const seen = new Set<string>();
    for (let step = 0; step < 3000; step++) {
      const pid = `p${Math.floor(random() * 4)}`;
      const roll = random();
      const move = roll < 0.6 ? Math.floor(random() * 3000) : roll < 0.9 ? Math.floor(random() * 40_000) : roll < 0.98 ? Math.floor(random() * 6 * 3600_000) : -Math.floor(random() * 2000);
      redis.clock.ms += move;
      arrival.clock.ms += move;
      memory.clock.ms += move;
      if (random() < 0.3) {
        const segments = 1 + Math.floor(random() * 4);
        await Promise.all([redis.limits.charge(pid, segments), arrival.limits.charge(pid, segments), memory.limits.charge(pid, segments)]);
        continue;
      }
      const [a, b, c] = [brief(await redis.admit(pid)), brief(await memory.admit(pid)), brief(await arrival.admit(pid))];
      seen.add(a.split(/[! ]/)[0]!);
      if (a !== b || c !== b) differences.push(`step ${step}: redis ${a}, in the arrival ${c}, memory ${b}`);
    }
    expect(differences).toEqual([]);
    // Nearly every message rode in its arrival (the rest came while charges were being written).
    expect(arrival.rode.counted).toBeGreaterThan(arrival.rode.messages * 0.9);
    // The run reached every answer, so each path was compared.
    expect([...seen].sort()).toEqual(['burst', 'global', 'minute', 'ok', 'segments']);
  });

  it(`counts everyone's turns in the process, adding them to Redis every ${GLOBAL_SYNC_MS} ms (no call a turn); two processes see each other's turns from their next sync`, async () => {
    const clock = { ms: START + 20_000 };
    const prefix = `${db.prefix}${++made}:`;
    const settings = { ...SMALL, burst: 100, perMinute: 100, globalPerMinute: 10 };
    const process = () => new SenderLimits(settings, { redis: db.redis, prefix, store: new MemoryStore(() => clock.ms), now: () => new Date(clock.ms), log: createLogger('silent') });
    const [a, b] = [process(), process()];
    const counter = `${prefix}limit:g:${Math.floor(clock.ms / WINDOW_MS.minute)}`;
    const synced = (n: number) => vi.waitFor(async () => expect(await db.redis.get(counter)).toBe(String(n)), { timeout: 2000, interval: 10 });
    const sent = vi.spyOn(db.redis, 'sendCommand');
    const answers = async (limits: SenderLimits, n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(brief(await limits.admit(`p${i}`)));
      return out;
    };
    expect(await answers(a, 5)).toEqual(Array(5).fill('ok'));
    // Five turns: five calls for the senders' windows, none for everyone's counter yet.
    expect(sent.mock.calls.filter(([c]) => c.name === 'evalsha' && c.args.some((arg) => String(arg) === counter))).toHaveLength(0);
    await synced(5);
    expect(sent.mock.calls.filter(([c]) => c.name === 'evalsha' && c.args.some((arg) => String(arg) === counter))).toHaveLength(1);
    sent.mockRestore();
    // B has not synced yet: it counts its own five, then learns of A's.
    expect(await answers(b, 5)).toEqual(Array(5).fill('ok'));
    // flush sends at once what the timer would send within GLOBAL_SYNC_MS (shutdown, tests).
    await b.flush();
    expect(await db.redis.get(counter)).toBe('10');
    expect(brief(await b.admit('p9'))).toBe('global! 40000');
    // A last heard 5 (its own): one more gets through until its next sync tells it of B's.
    expect(brief(await a.admit('p8'))).toBe('ok');
    await synced(12);
    expect(brief(await a.admit('p7'))).toBe('global! 40000');
  });

  it(`writes a reply's segments with the sender's next count in the same process (no call a charge), else within ${GLOBAL_SYNC_MS} ms for everyone at once`, async () => {
    const clock = { ms: START };
    const prefix = `${db.prefix}${++made}:`;
    const process = () => new SenderLimits(SMALL, { redis: db.redis, prefix, store: new MemoryStore(() => clock.ms), now: () => new Date(clock.ms), log: createLogger('silent') });
    const [a, b] = [process(), process()];
    const sent = vi.spyOn(db.redis, 'sendCommand');
    const scriptCalls = () => sent.mock.calls.filter(([c]) => c.name === 'evalsha' || c.name === 'eval').length;
    expect(brief(await a.admit('p1'))).toBe('ok');
    const afterCount = scriptCalls();
    await a.charge('p1', 7);
    await a.charge('p1', 5);
    // Two replies charged: no call yet.
    expect(scriptCalls()).toBe(afterCount);
    clock.ms += 1000;
    // The same process counts exactly: the twelve segments go with this count, in its one call.
    expect(brief(await a.admit('p1'))).toBe(`segments! ${WINDOW_MS.day - 1000}`);
    expect(scriptCalls()).toBe(afterCount + 1);
    sent.mockRestore();
    // Another process hears of a sender's charges once they are written: within GLOBAL_SYNC_MS, or at flush.
    expect(brief(await a.admit('p2'))).toBe('ok');
    await a.charge('p2', 12);
    expect(brief(await b.admit('p2'))).toBe('ok'); // B counted before A wrote: the one reply too many this allows
    await vi.waitFor(async () => expect(brief(await b.admit('p2'))).toMatch(/^segments/), { timeout: 2000, interval: 20 });
    await a.charge('p3', 12);
    await a.flush();
    expect(brief(await b.admit('p3'))).toBe(`segments! ${WINDOW_MS.day}`);
  });

  it('counts a message in its arrival\'s script (no call of its own), with the charges this process had not written; a duplicate\'s charges are written all the same', async () => {
    const { limits, clock, prefix, lock } = limitsOn('arrival');
    const other = new SenderLimits(SMALL, { redis: db.redis, prefix, store: new MemoryStore(() => clock.ms), now: () => new Date(clock.ms), log: createLogger('silent') });
    const sent = vi.spyOn(db.redis, 'sendCommand');
    const scriptCalls = () => sent.mock.calls.filter(([c]) => c.name === 'evalsha' || c.name === 'eval').length;
    const arrive = async (pid: string, id: string) => {
      const count = limits.onArrival(pid)!;
      const place = await lock.arrive(lineOf(pid), { id, ttlSeconds: 3600 }, count.rider);
      return { place, count };
    };
    const first = await arrive('p1', 'a'.repeat(16));
    if (first.place === 'duplicate') throw new Error('a new message');
    expect(scriptCalls()).toBe(1);
    expect(brief(await limits.admit('p1', first.count.verdict(first.place.rider)))).toBe('ok');
    // The place and the count in one call; everyone's turns are counted in the process.
    expect(scriptCalls()).toBe(1);
    await first.place.abandon();
    sent.mockRestore();
    await limits.charge('p1', 7);
    await limits.charge('p1', 5);
    clock.ms += 1000;
    const second = await arrive('p1', 'b'.repeat(16));
    if (second.place === 'duplicate') throw new Error('a new message');
    expect(brief(await limits.admit('p1', second.count.verdict(second.place.rider)))).toBe(`segments! ${WINDOW_MS.day - 1000}`);
    await second.place.abandon();
    // Twilio sends p2's message again after its reply was charged: no place, no count, but the charge it carried is written.
    const p2 = await arrive('p2', 'c'.repeat(16));
    if (p2.place === 'duplicate') throw new Error('a new message');
    await p2.place.abandon();
    await limits.charge('p2', 12);
    expect((await arrive('p2', 'c'.repeat(16))).place).toBe('duplicate');
    expect(brief(await other.admit('p2'))).toBe(`segments! ${WINDOW_MS.day}`);
    // While charges are on their way (written by a call of their own), a message is counted after them, not in its arrival.
    const writing = limits.flush();
    expect(limits.onArrival('p3')).toBeUndefined();
    await writing;
    expect(limits.onArrival('p3')).toBeDefined();
  });

  it('keeps a sender\'s windows in Redis only until the last of them ends, named without the pseudonym in the slot of its line', async () => {
    const { prefix, admit, clock } = limitsOn('arrival');
    await admit('p1');
    clock.ms += 1500;
    await admit('p1');
    const keys = await keysUnder(db.redis, `${prefix}limit:`);
    const sender = keys.filter((k) => /limit:\{[0-9a-z]{1,4}\}:[0-9a-f]{16}$/.test(k));
    expect(sender).toHaveLength(1);
    expect(sender[0]).not.toContain('p1');
    expect(calculateSlot(sender[0]!)).toBe(calculateSlot(`${prefix}lock:{${lineOf('p1')}}:next`));
    // The counts and the moments each window opened (ms on the injected clock), stored as integers' plain text.
    expect(await db.redis.hgetall(sender[0]!)).toEqual({ b: '2', bt: String(START), m: '2', mt: String(START), s: '0', st: String(START) });
    const ttl = await db.redis.pttl(sender[0]!);
    expect(ttl).toBeGreaterThan(WINDOW_MS.day - 60_000);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS.day);
  });
});
