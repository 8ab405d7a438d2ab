import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { RedisBookingStore } from '../../src/booking/RedisBookingStore.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { childEnv, startChild, type ChildServer } from '../support/childServer.js';
import { testRedis } from '../support/redis.js';
import { SECRET, text } from '../support/testApp.js';

// Two real server processes (`node dist/src/main.js`), each with its own Redis connections, on one
// Redis. Twelve workers, half on each process, pick the same slot and confirm at the same moment:
// only the slot's capacity may be booked, and everyone else hears so and is offered what is free.
const CLOCK = '2026-11-20T15:00:00Z'; // Friday 11:00 in Santo Domingo: the first free slots are on Monday 23
// Every child's clock reads CLOCK at the same real instant: one calendar for both processes.
const OFFSET = String(Date.parse(CLOCK) - Date.now());
// The contested centre is INFOTEP's development sample in data/sample-centres.json ("infotep-santo-domingo"):
// 60-minute slots with room for 2 workers each. No centre is changed through the API here, so
// that capacity holds (the test checks the file still says so).
const CENTRE = 'infotep-santo-domingo';
const CAPACITY = 2;
const WORKERS = 12;

let a: ChildServer;
let b: ChildServer;
let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('booking-race');
  const vars = childEnv(env.prefix, { TEST_CLOCK_OFFSET_MS: OFFSET });
  [a, b] = await Promise.all([startChild(vars), startChild(vars)]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await env?.cleanup();
});

let n = 0;
const phone = () => `+1849${String(6_000_000 + ++n)}`;

describe('many workers racing for one slot, across two server processes', () => {
  it('books exactly its capacity; the others are told kindly and offered the slots still free', async () => {
    const centre = loadCentres(Catalog.load(), { samples: true }).find((c) => c.id === CENTRE);
    expect(centre?.institution).toBe('infotep');
    expect(centre?.availability?.capacity).toBe(CAPACITY);

    const workers = Array.from({ length: WORKERS }, () => phone());
    const serverOf = (i: number) => (i % 2 === 0 ? a : b);
    // Everyone is offered the same slots and chooses the 5th before anyone confirms.
    const offered = await Promise.all(workers.map((from, i) => serverOf(i).chat(from, ['Hola', '1', '3', '1', '1', '1', 'santo domingo']).then((r) => text(r[6]!))));
    const target = /5\. (.*)/.exec(offered[0]!)?.[1];
    // Both processes read the frozen calendar: the 5th slot offered is Wednesday 25 November, 8:00.
    expect(target).toBe('miércoles 25 de noviembre, 8:00');
    for (const t of offered) expect(t).toContain(`5. ${target}`);
    await Promise.all(workers.map((from, i) => serverOf(i).chat(from, ['5', '0'])));

    // All confirm at once, six on each process.
    const results = (await Promise.all(workers.map((from, i) => serverOf(i).send(from, '1')))).map(text);
    const winners = workers.flatMap((from, i) => (/Cita reservada/.test(results[i]!) ? [{ from, reply: results[i]! }] : []));
    const lost = results.filter((r) => /alguien acaba de tomar ese horario/.test(r));
    expect(winners).toHaveLength(CAPACITY);
    expect(lost).toHaveLength(WORKERS - CAPACITY);
    for (const r of lost) {
      expect(r).toMatch(/Estos siguen libres:[\s\S]*1\. /);
      expect(r).not.toContain(target);
    }

    // What Redis holds agrees: each winner's booking exists, for the target slot, under the winner's pseudonym…
    const store = new RedisBookingStore(env.redis, env.prefix, () => Date.parse(CLOCK));
    const won = await Promise.all(
      winners.map(async ({ from, reply }) => {
        expect(reply).toContain(target);
        const code = /Codigo: \*?([A-Z0-9]{6})/.exec(reply)?.[1];
        expect(code).toBeDefined();
        const stored = (await store.get(code!))?.booking;
        expect(stored).toMatchObject({ code, status: 'confirmed', centreId: CENTRE, pid: pseudonymize(SECRET, from) });
        return stored!;
      }),
    );
    const local = '2026-11-25T08:00';
    expect(won.map((w) => w.slot!.local)).toEqual(Array(CAPACITY).fill(local));
    // …the contested slot holds exactly its capacity, the winners' bookings and no other…
    expect(await store.taken(CENTRE, [local])).toEqual([CAPACITY]);
    const booked = (await store.byInstitution('infotep', Date.parse('2026-11-20T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z'))).filter((x) => x.status === 'confirmed');
    expect(booked.map((x) => x.code).sort()).toEqual(won.map((w) => w.code).sort());
    // …and no one who lost holds a booking anywhere.
    const losers = workers.filter((from) => !winners.some((w) => w.from === from));
    for (const from of losers) expect(await store.byWorker(pseudonymize(SECRET, from))).toEqual([]);
  });
});
