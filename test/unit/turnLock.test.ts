import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_MARK_SECONDS, RedisTurnLock } from '../../src/store/RedisTurnLock.js';
import { MemoryTurnLock, SEEN_PER_LINE, sleep, type TurnLock } from '../../src/store/TurnLock.js';
import { isCluster, type RedisClient } from '../../src/store/redisClient.js';
import { connectTestRedis, keysUnder, testRedis } from '../support/redis.js';

let env: Awaited<ReturnType<typeof testRedis>>;
let second: RedisClient;
beforeAll(async () => {
  env = await testRedis('lock');
  second = await connectTestRedis();
});
afterAll(async () => {
  await second.quit();
  await env.cleanup();
});

/**
 * Starts `n` turns 10 ms apart on alternating locks; records overlap, completion order and each
 * turn's ticket. Each turn holds the lock 25 ms, so a queue forms. Arrival order is the order of
 * the tickets: two connections (as two processes) cannot promise that the turn started first
 * reaches Redis first (a busy event loop fires both timers in one tick, and Redis reads two
 * sockets ready at once in its own order), so the test asks that turns run in ticket order, and
 * that the tickets are 1..n.
 */
async function race(locks: TurnLock[], n: number, key: string) {
  let inside = 0;
  let maxInside = 0;
  const order: number[] = [];
  const tickets: number[] = [];
  const runs = Array.from({ length: n }, async (_, i) => {
    await sleep(i * 10);
    const place = await locks[i % locks.length]!.arrive(key);
    if (place === 'duplicate') throw new Error('no mark was given');
    tickets[i] = place.ticket;
    return place.run(5000, async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(25);
      order.push(i);
      inside -= 1;
    });
  });
  const results = await Promise.all(runs);
  const byTicket = [...tickets.keys()].sort((a, b) => tickets[a]! - tickets[b]!);
  return { maxInside, order, results, tickets, byTicket };
}

/**
 * No keys left under a prefix once the last release has landed. A release is sent, not awaited,
 * when a turn ends; on a cluster client with auto-pipelining it waits for the next tick while a
 * SCAN goes to the node at once, so the check is retried (up to 2 s) rather than read once.
 */
const noKeysOnceReleased = (prefix: string) => vi.waitFor(async () => expect(await keysUnder(env.redis, prefix)).toEqual([]), { timeout: 2000, interval: 20 });

describe.each([
  ['RedisTurnLock (two connections, as two processes)', () => [new RedisTurnLock(env.redis, env.prefix), new RedisTurnLock(second, env.prefix)]],
  ['MemoryTurnLock', () => [new MemoryTurnLock()]],
])('%s', (_name, make) => {
  it('runs the turns of one key one at a time, in arrival order', async () => {
    const { maxInside, order, results, tickets, byTicket } = await race(make(), 12, `k-${Math.random()}`);
    expect(maxInside).toBe(1);
    expect([...tickets].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(order).toEqual(byTicket);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('lets different keys run at the same time', async () => {
    const [lock] = make();
    let inside = 0;
    let max = 0;
    await Promise.all(
      ['a', 'b', 'c'].map((k) =>
        lock!.run(`${k}-${Math.random()}`, 1000, async () => {
          inside++;
          max = Math.max(max, inside);
          await sleep(20);
          inside--;
        }),
      ),
    );
    expect(max).toBe(3);
  });

  it('gives up after the wait, and the queue keeps moving', async () => {
    const [lock] = make();
    const key = `t-${Math.random()}`;
    const slow = lock!.run(key, 1000, () => sleep(150));
    await sleep(5);
    const impatient = await lock!.run(key, 30, async () => 'never');
    expect(impatient).toEqual({ ok: false, reason: 'timeout' });
    await slow;
    expect(await lock!.run(key, 1000, async () => 'next')).toEqual({ ok: true, value: 'next' });
  });
});

/**
 * The commands a script ran on keys under `prefix` while `run` ran (Redis's MONITOR, which shows a
 * script's calls as from 'lua'; other tests' keys are left out). Undefined on a cluster, where
 * each node has its own monitor.
 */
async function scriptCommands(prefix: string, run: () => Promise<void>): Promise<string[] | undefined> {
  if (isCluster(env.redis)) {
    await run();
    return undefined;
  }
  const monitor = await env.redis.monitor();
  const seen: string[] = [];
  let markerSeen = false;
  const marker = `${prefix}monitor-marker`;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args[1] === marker) markerSeen = true;
    else if (source.includes('lua') && args.slice(1).some((a) => a.startsWith(prefix))) seen.push(args[0]!.toLowerCase());
  });
  try {
    await run();
    // Everything before the marker has been shown once the marker is.
    await env.redis.exists(marker);
    await vi.waitFor(() => expect(markerSeen).toBe(true), { timeout: 2000, interval: 10 });
    return seen;
  } finally {
    monitor.disconnect();
  }
}

describe('RedisTurnLock', () => {
  it('skips a holder that died (lease expired) and leaves no keys behind', async () => {
    const prefix = `${env.prefix}dead:`;
    const lock = new RedisTurnLock(env.redis, prefix, { leaseMs: 100, grantMs: 50 });
    // A crashed process: it held the lock (ticket 1, a lease of 100 ms) and stopped renewing it.
    const base = `${prefix}lock:{k}:`;
    await env.redis.multi().set(`${base}next`, 1, 'PX', 60_000).set(`${base}serving`, 1, 'PX', 60_000).set(`${base}lease`, 1, 'PX', 100).exec();
    const started = Date.now();
    const result = await lock.run('k', 2000, async () => 'after');
    expect(result).toEqual({ ok: true, value: 'after' });
    expect(Date.now() - started).toBeLessThan(1000);
    await noKeysOnceReleased(`${prefix}lock:{k}:`);
  });

  it.each([
    // The lease is renewed while the turn runs: four leases long.
    ['a turn longer than its lease (the lease is renewed)', 'renew', { leaseMs: 150 }, 600],
    // First in line, it runs on its grant (no ACQUIRE) for three grants: renewed before the grant runs out.
    ['a turn that runs on its grant past the grant, with a longer lease', 'grant', { leaseMs: 1500, grantMs: 300 }, 900],
  ] as const)('keeps %s exclusive while it runs', async (_what, name, options, holdMs) => {
    const [a, b] = [new RedisTurnLock(env.redis, `${env.prefix}${name}:`, options), new RedisTurnLock(second, `${env.prefix}${name}:`, options)];
    const events: string[] = [];
    const long = a.run('k', 3000, async () => {
      events.push('long start');
      await sleep(holdMs);
      events.push('long end');
    });
    await sleep(20);
    const next = await b.run('k', 3000, async () => events.push('next'));
    await long;
    expect(next.ok).toBe(true);
    expect(events).toEqual(['long start', 'long end', 'next']);
  });

  it('runs a turn first in line on two script calls (arrive, release), and still serialises the turns behind it', async () => {
    // Every script call counted, on a client otherwise the tests' own (issue 13: each sequential call is a wait).
    const calls: string[] = [];
    const counted = new Proxy(env.redis, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'evalsha' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(args[0]).slice(0, 8));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const lock = new RedisTurnLock(counted, `${env.prefix}calls:`);
    expect(await lock.run('k', 1000, async () => 'alone')).toEqual({ ok: true, value: 'alone' });
    expect(calls).toHaveLength(2);
    // The release was sent before run() resolved: the line is free for the next turn at once.
    calls.length = 0;
    const order: string[] = [];
    const first = lock.run('k', 2000, async () => {
      await sleep(60);
      order.push('first');
    });
    const second = lock.run('k', 2000, async () => void order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    // The second waited: arrive, at least one poll that found the line busy, then its own poll that got it.
    expect(calls.length).toBeGreaterThanOrEqual(6);
    await noKeysOnceReleased(`${env.prefix}calls:lock:`);
  });

  it('starts a new line clean of what a dead one left behind, granted at once, on five commands', async () => {
    const prefix = `${env.prefix}fresh:`;
    const base = `${prefix}lock:{k}:`;
    // A line whose ticket counter expired a moment before the rest: serving, a live lease and a dead ticket remain.
    await env.redis.multi().set(`${base}serving`, 7, 'PX', 60_000).set(`${base}lease`, 7, 'PX', 60_000).sadd(`${base}gone`, 8).exec();
    const lock = new RedisTurnLock(env.redis, prefix, { grantMs: 3000 });
    let place: Awaited<ReturnType<RedisTurnLock['arrive']>> | undefined;
    const commands = await scriptCommands(base, async () => {
      place = await lock.arrive('k');
    });
    if (place === undefined || place === 'duplicate') throw new Error('no seen key was given');
    // Ticket 1, granted on arrival: not kept waiting behind the dead line's lease.
    expect(place.ticket).toBe(1);
    expect(await env.redis.mget(`${base}next`, `${base}serving`, `${base}lease`)).toEqual(['1', '1', '1']);
    expect(await env.redis.exists(`${base}gone`)).toBe(0);
    expect(await env.redis.pttl(`${base}lease`)).toBeGreaterThan(2000);
    expect(await env.redis.pttl(`${base}lease`)).toBeLessThanOrEqual(3000);
    expect(await env.redis.pttl(`${base}serving`)).toBeGreaterThan(3000);
    // INCR, PEXPIRE, DEL of the dead tickets, SET serving, SET lease: nothing read back.
    if (commands) expect(commands).toEqual(['incr', 'pexpire', 'del', 'set', 'set']);
    // Its release, the line then empty: the counters read in one call, no ticket after it (so no
    // dead one to look for), every key gone.
    const arrived = place;
    const released = await scriptCommands(base, async () => {
      expect(await arrived.run(1000, async () => 'first')).toEqual({ ok: true, value: 'first' });
      await noKeysOnceReleased(base);
    });
    if (released) expect(released).toEqual(['mget', 'del']);
  });

  it('does not skip the first ticket of a line before it has polled (it is granted on arrival)', async () => {
    const [a, b] = [new RedisTurnLock(env.redis, `${env.prefix}first:`), new RedisTurnLock(second, `${env.prefix}first:`)];
    const first = await a.arrive('k');
    const later = await b.arrive('k');
    if (first === 'duplicate' || later === 'duplicate') throw new Error('no seen key was given');
    expect(later.ticket).toBe(first.ticket + 1);
    const order: number[] = [];
    // The later ticket polls for a while before the first one even starts waiting.
    const laterRun = later.run(3000, async () => order.push(later.ticket));
    await sleep(150);
    const firstRun = first.run(3000, async () => order.push(first.ticket));
    expect((await firstRun).ok && (await laterRun).ok).toBe(true);
    expect(order).toEqual([first.ticket, later.ticket]);
  });
});

describe.each([
  ['RedisTurnLock', (now: () => number) => new RedisTurnLock(env.redis, `${env.prefix}marks:`, { now })],
  ['MemoryTurnLock', (now: () => number) => new MemoryTurnLock(now)],
])('%s de-duplication marks', (name, make) => {
  it('gives a message seen before no place, until its mark expires on the injected clock or is forgotten', async () => {
    const clock = { ms: Date.parse('2026-11-20T15:00:00Z') };
    const lock = make(() => clock.ms);
    const line = `turn/${name}-${Math.random()}`;
    const arrive = async (id: string) => {
      const place = await lock.arrive(line, { id, ttlSeconds: 60 });
      if (place !== 'duplicate') await place.abandon();
      return place === 'duplicate' ? 'duplicate' : 'new';
    };
    expect(await arrive('aaaa000011112222')).toBe('new');
    expect(await arrive('aaaa000011112222')).toBe('duplicate');
    expect(await arrive('bbbb000011112222')).toBe('new');
    // Another sender's line may hold the same id.
    const other = await lock.arrive(`${line}-other`, { id: 'aaaa000011112222', ttlSeconds: 60 });
    expect(other).not.toBe('duplicate');
    if (other !== 'duplicate') await other.abandon();
    await lock.forget(line, 'bbbb000011112222');
    expect(await arrive('bbbb000011112222')).toBe('new');
    clock.ms += 61_000;
    expect(await arrive('aaaa000011112222')).toBe('new');
  });
});

/** A message arrives on a line with a mark kept an hour: 'duplicate', or 'new' (its place given up at once). */
async function arriveOnce(lock: TurnLock, line: string, id: string): Promise<'duplicate' | 'new'> {
  const place = await lock.arrive(line, { id, ttlSeconds: 3600 });
  if (place === 'duplicate') return 'duplicate';
  await place.abandon();
  return 'new';
}

describe('RedisTurnLock de-duplication in Redis', () => {
  it('keeps a sender\'s marks in one string of 8-byte records beside its line, expiring with the newest, trimmed of expired marks', async () => {
    const clock = { ms: Date.parse('2026-11-20T15:00:00Z') };
    const prefix = `${env.prefix}marks-redis:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    for (let i = 0; i < 20; i++) {
      const place = await lock.arrive('turn/pid123', { id: `${i}`.padStart(16, '0'), ttlSeconds: 3600 });
      if (place === 'duplicate') throw new Error('not a duplicate');
      await place.run(1000, async () => undefined);
      clock.ms += 10 * 60_000;
    }
    const keys = await keysUnder(env.redis, prefix);
    const marks = keys.filter((k) => k.includes('marks/') || k.includes('seen/'));
    expect(marks).toEqual([`${prefix}marks/{turn/pid123}`]);
    const kept = await env.redis.getBuffer(marks[0]!);
    // Marks older than an hour (on the injected clock) were trimmed as later messages arrived.
    expect(kept!.length).toBe(6 * 8);
    const ttl = await env.redis.pttl(marks[0]!);
    expect(ttl).toBeGreaterThan(3500_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);
    // Each record is the id folded to 6 bytes (its last two bytes XORed into its first two), then
    // the minute its mark expires (modulo 65536): the oldest kept arrived at 17:20 (the fifteenth,
    // ten minutes apart) and is kept an hour.
    expect(kept!.subarray(0, 6)).toEqual(Buffer.from('001400000000', 'hex'));
    expect(kept!.readUInt16BE(6)).toBe((Date.parse('2026-11-20T18:20:00Z') / 60_000) % 65536);
    expect(kept!.subarray(40, 46)).toEqual(Buffer.from('001900000000', 'hex'));
    // A journey's 21 marks take 296 bytes, 128 fewer than the sorted set of 6-byte marks the
    // release before kept (for a key of the production prefix's length).
    const ids = Array.from({ length: 21 }, () => randomBytes(8).toString('hex'));
    for (const id of ids) {
      const place = await lock.arrive('turn/journey', { id, ttlSeconds: 172_800 });
      if (place === 'duplicate') throw new Error('not a duplicate');
      await place.abandon();
    }
    for (const id of ids) expect(await arriveOnce(lock, 'turn/journey', id)).toBe('duplicate');
    const sorted = `${prefix}seen/{turn/journe6}`;
    // The same 21 marks as the release before kept them: each record's 6-byte mark, its expiry in seconds as the score.
    const records = (await env.redis.getBuffer(`${prefix}marks/{turn/journey}`))!;
    const expires = Math.ceil(clock.ms / 1000) + 172_800;
    await env.redis.zadd(sorted, ...Array.from({ length: records.length / 8 }, (_, n) => [expires, records.subarray(n * 8, n * 8 + 6)]).flat());
    expect(await env.redis.zcard(sorted)).toBe(21);
    const usage = async (key: string) => Number(await env.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    expect(await usage(`${prefix}marks/{turn/journey}`)).toBeLessThanOrEqual((await usage(sorted)) - 128);
  });

  it('keeps a record\'s expiry apart from the minute\'s wrap-around, and a line its newest 256 marks', async () => {
    // A mark written six minutes before the two-byte minute comes round expires after it, and is
    // kept until then: not taken for expired (nor for alive ever after).
    const start = Date.parse('2026-11-20T15:00:00Z') / 60_000;
    const clock = { ms: (start - (start % 65536) + 65530) * 60_000 };
    const prefix = `${env.prefix}marks-wrap:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    expect(await arriveOnce(lock, 'turn/wrap', 'aaaa000011112222')).toBe('new');
    clock.ms += 30 * 60_000;
    expect(await arriveOnce(lock, 'turn/wrap', 'aaaa000011112222')).toBe('duplicate');
    clock.ms += 29 * 60_000;
    expect(await arriveOnce(lock, 'turn/wrap', 'aaaa000011112222')).toBe('duplicate');
    clock.ms += 2 * 60_000;
    expect(await arriveOnce(lock, 'turn/wrap', 'aaaa000011112222')).toBe('new');
    // A record whose minute lies twice MAX_MARK_SECONDS behind (the oldest a record can be when
    // read: kept expired behind a live one, then the line quiet until its marks expire) is expired
    // ('bbbb000011112222' folds to 999900001111).
    clock.ms += 20 * 24 * 3600_000;
    const behind = (Math.floor(clock.ms / 60_000) - (2 * MAX_MARK_SECONDS) / 60) % 65536;
    await env.redis.set(`${prefix}marks/{turn/wrap}`, Buffer.concat([Buffer.from('999900001111', 'hex'), Buffer.from([behind >> 8, behind & 255])]));
    expect(await arriveOnce(lock, 'turn/wrap', 'bbbb000011112222')).toBe('new');
    // More than 256 marks: the oldest go first.
    for (let i = 0; i < 300; i++) expect(await arriveOnce(lock, 'turn/many', `${i}`.padStart(16, '0'))).toBe('new');
    expect((await env.redis.getBuffer(`${prefix}marks/{turn/many}`))!.length).toBe(256 * 8);
    expect(await arriveOnce(lock, 'turn/many', `${299}`.padStart(16, '0'))).toBe('duplicate');
    expect(await arriveOnce(lock, 'turn/many', `${44}`.padStart(16, '0'))).toBe('duplicate');
    expect(await arriveOnce(lock, 'turn/many', `${43}`.padStart(16, '0'))).toBe('new');
    // A mark asked to last longer than the records can tell is kept MAX_MARK_SECONDS.
    const long = await lock.arrive('turn/long', { id: 'cccc000011112222', ttlSeconds: 60 * 24 * 3600 });
    if (long !== 'duplicate') await long.abandon();
    const pttl = await env.redis.pttl(`${prefix}marks/{turn/long}`);
    expect(pttl).toBeLessThanOrEqual(MAX_MARK_SECONDS * 1000);
    expect(pttl).toBeGreaterThan(MAX_MARK_SECONDS * 1000 - 10_000);
  });

  it('finds a mark only where a record starts and while that record is alive; drops the expired once the oldest has expired', async () => {
    const clock = { ms: Date.parse('2026-11-20T15:00:00Z') };
    const prefix = `${env.prefix}marks-find:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    const minute = (offset: number) => {
      const m = (Math.floor(clock.ms / 60_000) + offset) % 65536;
      return [m >> 8, m & 255];
    };
    const key = `${prefix}marks/{turn/find}`;
    const live = minute(60);
    // Two live records; the 6 bytes 556677..8877 straddle them, and the two bytes after those
    // bytes would read as a live minute too: a match there is not a mark.
    await env.redis.set(key, Buffer.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, ...live, 0x77, 0x88, ...live, 0x99, 0xaa, ...live]), 'PX', 3600_000);
    const straddling = Buffer.from([0x55, 0x66, ...live, 0x77, 0x88, 0, 0]).toString('hex');
    expect(await arriveOnce(lock, 'turn/find', straddling)).toBe('new');
    expect((await env.redis.getBuffer(key))!.length).toBe(24);
    // A record that expired behind a live one (a shorter lifetime) holds its mark no more, and
    // stays until the oldest expires.
    await env.redis.set(key, Buffer.from([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, ...minute(20), 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, ...minute(-5)]), 'PX', 3600_000);
    expect(await arriveOnce(lock, 'turn/find', 'abcdef0123450000')).toBe('new');
    expect(await arriveOnce(lock, 'turn/find', 'abcdef0123450000')).toBe('duplicate');
    expect((await env.redis.getBuffer(key))!.length).toBe(24);
    // Once the oldest has expired, every expired record goes (the hour-long mark just added stays).
    clock.ms += 30 * 60_000;
    expect(await arriveOnce(lock, 'turn/find', 'dddd000011112222')).toBe('new');
    const kept = (await env.redis.getBuffer(key))!;
    expect(kept.length).toBe(16);
    expect(kept.subarray(0, 6)).toEqual(Buffer.from('abcdef012345', 'hex'));
  });

  it('forgets one mark of a line and keeps the others with their expiry; ids that are not hex are hashed to 6 bytes', async () => {
    const clock = { ms: Date.parse('2026-11-20T15:00:00Z') };
    const prefix = `${env.prefix}marks-forget:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    for (const id of ['a1', 'a2', 'a3']) expect(await arriveOnce(lock, 'turn/f', id)).toBe('new');
    const key = `${prefix}marks/{turn/f}`;
    expect((await env.redis.getBuffer(key))!.length).toBe(24);
    await lock.forget('turn/f', 'a2');
    expect((await env.redis.getBuffer(key))!.length).toBe(16);
    expect(await env.redis.pttl(key)).toBeGreaterThan(3500_000);
    expect(await arriveOnce(lock, 'turn/f', 'a1')).toBe('duplicate');
    expect(await arriveOnce(lock, 'turn/f', 'a3')).toBe('duplicate');
    expect(await arriveOnce(lock, 'turn/f', 'a2')).toBe('new');
    await lock.forget('turn/f', 'a1');
    await lock.forget('turn/f', 'a2');
    await lock.forget('turn/f', 'a3');
    expect(await env.redis.exists(key)).toBe(0);
  });

  it('still recognises, forgets and trims the marks an earlier release wrote (hex ids, expiry in ms)', async () => {
    const clock = { ms: Date.parse('2026-11-20T15:00:00Z') };
    const prefix = `${env.prefix}marks-legacy:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    const seen = `${prefix}seen/{turn/pid9}`;
    await env.redis.zadd(seen, clock.ms + 3600_000, 'aaaa000011112222', clock.ms + 60_000, 'bbbb000011112222', clock.ms + 3600_000, 'cccc000011112222');
    const arrive = (id: string) => arriveOnce(lock, 'turn/pid9', id);
    expect(await arrive('aaaa000011112222')).toBe('duplicate');
    await lock.forget('turn/pid9', 'cccc000011112222');
    expect(await arrive('cccc000011112222')).toBe('new');
    expect(await arrive('cccc000011112222')).toBe('duplicate');
    clock.ms += 61_000;
    expect(await arrive('bbbb000011112222')).toBe('new');
    // The expired legacy mark went; the live one stays until its own time.
    expect(await env.redis.zscore(seen, 'bbbb000011112222')).toBeNull();
    expect(await env.redis.zscore(seen, 'aaaa000011112222')).not.toBeNull();
    clock.ms += 3600_000;
    expect(await arrive('aaaa000011112222')).toBe('new');
    expect(await env.redis.zscore(seen, 'aaaa000011112222')).toBeNull();
  });

  it('still recognises and forgets the marks the release before wrote (the id\'s 8 bytes, expiry in seconds)', async () => {
    const clock = { ms: Date.parse('2026-12-05T15:00:00Z') };
    const prefix = `${env.prefix}marks-8:`;
    const lock = new RedisTurnLock(env.redis, prefix, { now: () => clock.ms });
    const seen = `${prefix}seen/{turn/pid8}`;
    const expires = clock.ms / 1000 + 3600;
    await env.redis.zadd(seen, expires, Buffer.from('dddd000011112222', 'hex'), expires, Buffer.from('eeee000011112222', 'hex'));
    const arrive = (id: string) => arriveOnce(lock, 'turn/pid8', id);
    expect(await arrive('dddd000011112222')).toBe('duplicate');
    await lock.forget('turn/pid8', 'eeee000011112222');
    expect(await env.redis.zcard(seen)).toBe(1);
    expect(await arrive('eeee000011112222')).toBe('new');
    expect(await arrive('eeee000011112222')).toBe('duplicate');
    // Ids that differ only in their first digits stay apart (the fold keeps every digit).
    expect(await arrive('ffff000011112222')).toBe('new');
  });
});

describe('MemoryTurnLock de-duplication in memory (the quick start)', () => {
  const arriveAll = async (lock: MemoryTurnLock, line: string, ids: string[], ttlSeconds: number) => {
    for (const id of ids) {
      const place = await lock.arrive(line, { id, ttlSeconds });
      if (place === 'duplicate') throw new Error(`${id} taken for a duplicate`);
      await place.abandon();
    }
  };
  it('keeps at most 256 marks per sender, as Redis does, the newest', async () => {
    const lock = new MemoryTurnLock(() => 0);
    await arriveAll(lock, 'turn/p1', Array.from({ length: 300 }, (_, i) => `m${i}`), 3600);
    expect(lock.marks).toBe(SEEN_PER_LINE);
    expect(await lock.arrive('turn/p1', { id: 'm299', ttlSeconds: 3600 })).toBe('duplicate');
    const oldest = await lock.arrive('turn/p1', { id: 'm0', ttlSeconds: 3600 });
    expect(oldest).not.toBe('duplicate');
  });
  it('lets go of senders whose marks all expired, however many senders wrote (memory flat over a long run)', async () => {
    const clock = { ms: 0 };
    const lock = new MemoryTurnLock(() => clock.ms);
    // 5,000 senders, three messages each, a minute apart in batches: marks last 60 s.
    for (let batch = 0; batch < 10; batch++) {
      for (let s = 0; s < 500; s++) await arriveAll(lock, `turn/b${batch}-s${s}`, ['x1', 'x2', 'x3'], 60);
      clock.ms += 61_000;
    }
    // Only marks from roughly the last sweep interval remain, never all 15,000.
    expect(lock.marks).toBeLessThan(4_000);
  });
  it('keeps at most its bound of marks in all, forgetting the oldest first, whoever sent it', async () => {
    const lock = new MemoryTurnLock(() => 0, 4);
    await arriveAll(lock, 'turn/a', ['a1', 'a2'], 3600);
    await arriveAll(lock, 'turn/b', ['b1'], 3600);
    // a1 was forgotten and sent again: its new place is its own, and the old one must not drop it.
    await lock.forget('turn/a', 'a1');
    await arriveAll(lock, 'turn/a', ['a1'], 3600);
    await arriveAll(lock, 'turn/c', ['c1', 'c2'], 3600);
    expect(lock.marks).toBe(4);
    // The oldest two places (a1's first, a2) made room: a2 is new again, a1, b1, c1, c2 are not.
    for (const [key, id] of [['turn/a', 'a1'], ['turn/b', 'b1'], ['turn/c', 'c1'], ['turn/c', 'c2']] as const) expect(await lock.arrive(key, { id, ttlSeconds: 3600 })).toBe('duplicate');
    expect(await lock.arrive('turn/a', { id: 'a2', ttlSeconds: 3600 })).not.toBe('duplicate');
    expect(lock.marks).toBe(4);
  });
});
