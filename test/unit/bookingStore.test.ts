import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/booking/booking.js';
import type { BookingStore } from '../../src/booking/BookingStore.js';
import { MemoryBookingStore } from '../../src/booking/MemoryBookingStore.js';
import { RedisBookingStore } from '../../src/booking/RedisBookingStore.js';
import { aBooking } from '../support/bookings.js';
import { connectTestRedis, keysUnder, ON_CLUSTER, testRedis } from '../support/redis.js';

let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('booking-store');
});
afterAll(async () => {
  await env.cleanup();
});

// The stores' clock is frozen on the day of the test bookings (aBooking: slots on 24 November 2026);
// expiries sent to Redis are durations from it, whatever the machine's date.
const NOW = Date.parse('2026-11-22T12:00:00Z');
const clock = () => NOW;
const DAY = 24 * 3600_000;
const times = { activeUntil: Date.parse('2026-11-24T10:00:00-04:00'), keepUntil: Date.parse('2026-11-24T10:00:00-04:00') + 90 * DAY };
let n = 0;
const implementations: Array<[string, () => BookingStore]> = [
  ['RedisBookingStore', () => new RedisBookingStore(env.redis, `${env.prefix}${++n}:`, clock)],
  ['MemoryBookingStore', () => new MemoryBookingStore(clock)],
];

describe.each(implementations)('%s', (_name, make) => {
  it('fills a slot up to its capacity and no further', async () => {
    const store = make();
    expect(await store.create(aBooking({ code: 'AAAAAA', pid: 'worker-one-0001' }), 2, times)).toEqual({ ok: true });
    expect(await store.create(aBooking({ code: 'CCCCCC', pid: 'worker-two-0002' }), 2, times)).toEqual({ ok: true });
    expect(await store.create(aBooking({ code: 'EEEEEE', pid: 'worker-three-03' }), 2, times)).toEqual({ ok: false, reason: 'full' });
    expect(await store.taken('infotep-santo-domingo', ['2026-11-24T09:00', '2026-11-24T10:00'])).toEqual([2, 0]);
  });

  it('gives a worker one active booking per standard, and never reuses a code', async () => {
    const store = make();
    await store.create(aBooking({ code: 'AAAAAA' }), 5, times);
    expect(await store.create(aBooking({ code: 'CCCCCC', slot: { local: '2026-11-25T09:00', start: '2026-11-25T09:00:00-04:00', end: '2026-11-25T10:00:00-04:00' } }), 5, times)).toEqual({
      ok: false,
      reason: 'already',
      code: 'AAAAAA',
    });
    // Another standard is fine.
    expect(await store.create(aBooking({ code: 'CCCCCC', occupation: 'electrician' }), 5, times)).toEqual({ ok: true });
    expect(await store.create(aBooking({ code: 'CCCCCC', pid: 'someone-else-01' }), 5, times)).toEqual({ ok: false, reason: 'code_taken' });
  });

  it('moves a booking only when the new slot has room, releasing the old place in the same step', async () => {
    const store = make();
    const mine = aBooking({ code: 'AAAAAA' });
    await store.create(mine, 1, times);
    const elsewhere = { local: '2026-11-24T10:00', start: '2026-11-24T10:00:00-04:00', end: '2026-11-24T11:00:00-04:00' };
    await store.create(aBooking({ code: 'CCCCCC', pid: 'other-worker-01', slot: elsewhere }), 1, times);

    const stored = (await store.get('AAAAAA'))!;
    expect(await store.update(stored, { ...mine, slot: elsewhere }, 1, times)).toEqual({ ok: false, reason: 'full' });
    expect(await store.taken('infotep-santo-domingo', ['2026-11-24T09:00'])).toEqual([1]);

    const later = { local: '2026-11-24T11:00', start: '2026-11-24T11:00:00-04:00', end: '2026-11-24T12:00:00-04:00' };
    expect(await store.update(stored, { ...mine, slot: later }, 1, times)).toEqual({ ok: true });
    expect(await store.taken('infotep-santo-domingo', ['2026-11-24T09:00', '2026-11-24T11:00'])).toEqual([0, 1]);
    expect((await store.get('AAAAAA'))?.rev).toBe(2);
    // A change made from a stale read is refused.
    expect(await store.update(stored, { ...mine, status: 'cancelled' }, 1, times)).toEqual({ ok: false, reason: 'conflict' });
  });

  it('gives the place and the per-standard hold back when a booking is cancelled', async () => {
    const store = make();
    const mine = aBooking({ code: 'AAAAAA' });
    await store.create(mine, 1, times);
    await store.update((await store.get('AAAAAA'))!, { ...mine, status: 'cancelled' }, 1, times);
    expect(await store.taken('infotep-santo-domingo', ['2026-11-24T09:00'])).toEqual([0]);
    expect(await store.create(aBooking({ code: 'CCCCCC' }), 1, times)).toEqual({ ok: true });
    expect((await store.byWorker(mine.pid)).map((b) => [b.code, b.status])).toEqual([
      ['AAAAAA', 'cancelled'],
      ['CCCCCC', 'confirmed'],
    ]);
  });

  it('lists an institution’s bookings by slot time and centre, and forgets removed ones', async () => {
    const store = make();
    const slot = (d: string) => ({ local: `2026-11-${d}T09:00`, start: `2026-11-${d}T09:00:00-04:00`, end: `2026-11-${d}T10:00:00-04:00` });
    await store.create(aBooking({ code: 'AAAAAA', pid: 'w-one-00000001', slot: slot('26') }), 5, times);
    await store.create(aBooking({ code: 'CCCCCC', pid: 'w-two-00000002', slot: slot('24') }), 5, times);
    await store.create(aBooking({ code: 'EEEEEE', pid: 'w-three-000003', slot: slot('25'), centreId: 'infotep-santiago' }), 5, times);
    await store.create(aBooking({ code: 'FFFFFF', pid: 'w-four-0000004', institution: 'ina', centreId: 'ina-san-jose' }), 5, times);
    const all = await store.byInstitution('infotep', Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'));
    expect(all.map((b) => b.code)).toEqual(['CCCCCC', 'EEEEEE', 'AAAAAA']);
    const window = await store.byInstitution('infotep', Date.parse('2026-11-25T00:00:00Z'), Date.parse('2026-11-26T14:00:00Z'), 'infotep-santo-domingo');
    expect(window.map((b) => b.code)).toEqual(['AAAAAA']);
    await store.remove(all[0]!);
    expect(await store.get('CCCCCC')).toBeUndefined();
    expect(await store.byWorker('w-two-00000002')).toEqual([]);
  });
});

describe('RedisBookingStore and the clock', () => {
  it('sends Redis durations from the injected clock, so bookings made under a frozen clock neither vanish nor outlive it', async () => {
    const prefix = `${env.prefix}clock:`;
    const store = new RedisBookingStore(env.redis, prefix, clock);
    const b = aBooking({ code: 'TTTTTT', pid: 'clock-worker-01' });
    expect(await store.create(b, 1, times)).toEqual({ ok: true });
    // The one-active-booking hold lives until the slot's end as measured on the injected clock
    // (about 2 days from NOW), whatever Redis's own clock says today.
    const holdMs = await env.redis.pttl(`${prefix}{bookings}active/clock-worker-01/infotep:mason`);
    expect(holdMs).toBeGreaterThan(times.activeUntil - NOW - 60_000);
    expect(holdMs).toBeLessThanOrEqual(times.activeUntil - NOW);
    const recordMs = await env.redis.pttl(`${prefix}{bookings}booking/TTTTTT`);
    expect(recordMs).toBeGreaterThan(times.keepUntil - NOW - 60_000);
    expect(recordMs).toBeLessThanOrEqual(times.keepUntil - NOW);
    expect(await store.create(aBooking({ code: 'WWWWWW', pid: 'clock-worker-01' }), 5, times)).toEqual({ ok: false, reason: 'already', code: 'TTTTTT' });
  });
});

describe('RedisBookingStore and the keys of earlier releases', () => {
  // Earlier releases named booking keys without the `{bookings}` hash tag. A cluster never held
  // them (Ruta did not run on one), so adoption is for a single Redis only.
  it.skipIf(ON_CLUSTER)('renames untagged booking keys once, keeping their TTLs, so bookings made before the upgrade are still found', async () => {
    const prefix = `${env.prefix}adopt:`;
    const before = new RedisBookingStore(env.redis, prefix, clock);
    const b = aBooking({ code: 'KKKKKK', pid: 'adopt-worker-01' });
    expect(await before.create(b, 1, times)).toEqual({ ok: true });
    // Put the keys back where the earlier release wrote them: `{bookings}booking/X` → `booking/X`.
    const tagged = await keysUnder(env.redis, `${prefix}{bookings}`);
    expect(tagged.length).toBeGreaterThanOrEqual(6);
    for (const key of tagged) await env.redis.rename(key, key.replace('{bookings}', ''));
    const untaggedTtl = await env.redis.pttl(`${prefix}booking/KKKKKK`);
    // Something of another store under the same prefix, and a booking key written since under its new name.
    await env.redis.set(`${prefix}state:conv/sms/adopt-worker-01`, 'x', 'EX', 60);
    await env.redis.set(`${prefix}{bookings}worker-bookings/adopt-worker-01`, 'written-since', 'EX', 60);

    const after = new RedisBookingStore(env.redis, prefix, clock);
    expect(await after.get('KKKKKK')).toBeUndefined();
    expect(await after.adoptUntaggedKeys()).toBe(tagged.length - 1);
    expect((await after.get('KKKKKK'))?.booking.pid).toBe('adopt-worker-01');
    expect(await after.taken('infotep-santo-domingo', ['2026-11-24T09:00'])).toEqual([1]);
    expect(await after.create(aBooking({ code: 'LLLLLL', pid: 'adopt-worker-02' }), 1, times)).toEqual({ ok: false, reason: 'full' });
    const ttl = await env.redis.pttl(`${prefix}{bookings}booking/KKKKKK`);
    expect(ttl).toBeGreaterThan(untaggedTtl - 60_000);
    expect(ttl).toBeLessThanOrEqual(untaggedTtl);
    // Never overwritten: the key written since keeps its value, the old one stays where it was.
    expect(await env.redis.get(`${prefix}{bookings}worker-bookings/adopt-worker-01`)).toBe('written-since');
    expect(await env.redis.exists(`${prefix}worker-bookings/adopt-worker-01`)).toBe(1);
    expect(await env.redis.get(`${prefix}state:conv/sms/adopt-worker-01`)).toBe('x');
    // Once: the marker (with a TTL, like every key) spares later starts the scan.
    expect(await env.redis.ttl(`${prefix}{bookings}layout`)).toBeGreaterThan(0);
    await env.redis.set(`${prefix}booking/ZZZZZZ`, 'late', 'EX', 60);
    expect(await after.adoptUntaggedKeys()).toBe(0);
    expect(await env.redis.exists(`${prefix}booking/ZZZZZZ`)).toBe(1);
  });
});

describe.each(implementations)('%s side effects', (_name, make) => {
  it('records a pending effect with every write, until it is marked done', async () => {
    const store = make();
    const b = aBooking({ code: 'PPPPPP', pid: 'effects-worker-1' });
    await store.create(b, 1, times);
    expect(await store.pendingEffects(NOW)).toEqual([{ code: 'PPPPPP', index: 0 }]);
    expect(await store.pendingEffects(NOW - 1)).toEqual([]);
    const next = { ...b, status: 'cancelled' as const, history: [...b.history, { at: '2026-11-22T12:00:00.000Z', action: 'cancelled' as const, by: 'worker' as const }] };
    expect(await store.update((await store.get('PPPPPP'))!, next, 1, times)).toEqual({ ok: true });
    expect(await store.pendingEffects(NOW)).toEqual([
      { code: 'PPPPPP', index: 0 },
      { code: 'PPPPPP', index: 1 },
    ]);
    await store.effectsDone('PPPPPP', 0);
    expect(await store.pendingEffects(NOW)).toEqual([{ code: 'PPPPPP', index: 1 }]);
    await store.remove(next);
    expect(await store.pendingEffects(NOW)).toEqual([]);
  });
});

describe('RedisBookingStore under concurrency', () => {
  it('books exactly the capacity when 40 workers on 8 connections race for one slot', async () => {
    const connections = await Promise.all(Array.from({ length: 8 }, () => connectTestRedis()));
    const prefix = `${env.prefix}race:`;
    try {
      const stores = connections.map((c) => new RedisBookingStore(c, prefix, clock));
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const b: Booking = aBooking({ code: `A${String.fromCharCode(65 + (i % 26))}${'CEFHK'[Math.floor(i / 26)]}AAA`, pid: `racer-${String(i).padStart(10, '0')}` });
          return stores[i % stores.length]!.create(b, 3, times);
        }),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.reason === 'full')).toHaveLength(37);
      expect(await stores[0]!.taken('infotep-santo-domingo', ['2026-11-24T09:00'])).toEqual([3]);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });

  it('never double-books when a worker’s move races another worker’s booking for the last place', async () => {
    const connections = await Promise.all(Array.from({ length: 2 }, () => connectTestRedis()));
    const prefix = `${env.prefix}race-move:`;
    try {
      const [a, b] = connections.map((c) => new RedisBookingStore(c, prefix, clock));
      const target = { local: '2026-11-24T10:00', start: '2026-11-24T10:00:00-04:00', end: '2026-11-24T11:00:00-04:00' };
      for (let round = 0; round < 20; round++) {
        const mover = aBooking({ code: `M${'ACEFHKMNPRTWXY3479'[round % 18]}${round < 18 ? 'A' : 'C'}AAA`, pid: `mover-${round}-00000` });
        const other = aBooking({ code: `N${'ACEFHKMNPRTWXY3479'[round % 18]}${round < 18 ? 'A' : 'C'}AAA`, pid: `other-${round}-00000`, slot: { ...target, local: `${target.local}` } });
        const slotLocal = `2026-11-${String(10 + round).padStart(2, '0')}T10:00`;
        const t = { ...target, local: slotLocal };
        await a!.create({ ...mover }, 1, times);
        const stored = (await a!.get(mover.code))!;
        const [moved, booked] = await Promise.all([a!.update(stored, { ...mover, slot: t }, 1, times), b!.create({ ...other, slot: t }, 1, times)]);
        expect([moved.ok, booked.ok].filter(Boolean)).toHaveLength(1);
        // The loser was told the slot is full, and the slot holds the winner and nobody else.
        expect(moved.ok ? booked : moved).toEqual({ ok: false, reason: 'full' });
        const holder = moved.ok ? mover.code : other.code;
        expect(await connections[0]!.smembers(`${prefix}{bookings}slot/infotep-santo-domingo/${slotLocal}`)).toEqual([holder]);
        // The mover is where the outcome says: the new slot if it won, still its old place if not.
        expect((await a!.get(mover.code))!.booking.slot!.local).toBe(moved.ok ? slotLocal : mover.slot!.local);
        expect((await b!.get(other.code))?.booking.code).toBe(booked.ok ? other.code : undefined);
        expect(await a!.taken('infotep-santo-domingo', [slotLocal, mover.slot!.local])).toEqual([1, moved.ok ? 0 : 1]);
      }
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
});
