import { afterAll, beforeAll, expect, it } from 'vitest';
import { TABLES } from '../../src/analytics/tables.js';
import { coordinatorAccess, measureReads, probes } from '../../src/tools/bench/analyticsRead.js';
import { seedAnalytics, type SeedResult } from '../../src/tools/bench/analyticsSeed.js';
import { testRedis } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// `npm run bench:analytics` at a tiny scale, so it cannot rot: the seeding writes the events it
// says, over the 90 days before the server's clock (a frozen one here, never today's date), and
// every request it measures is answered for real by a coordinator's session or token.
const NOW = Date.parse('2026-11-20T15:00:00Z');
let own: Awaited<ReturnType<typeof testRedis>>;
let app: TestApp;
let seeded: SeedResult;

beforeAll(async () => {
  own = await testRedis('bench-read');
  seeded = await seedAnalytics(own.redis, own.prefix, { events: 2000, nowMs: NOW, seed: 7 });
  app = await startTestApp('bench-read', {}, { redis: own.redis, prefix: own.prefix }, { now: () => new Date(NOW) });
});
afterAll(async () => {
  await app.close();
  await own.cleanup();
});

it('seeds exactly the events asked for, through the real store, within the 90 days before the clock', async () => {
  // The last conversation may add one or two more (a turn and its milestones are written together).
  expect(seeded.events).toBeGreaterThanOrEqual(2000);
  expect(seeded.events).toBeLessThanOrEqual(2002);
  // An hour's events are one write: entries of up to 128 events each, far fewer entries than events.
  expect(await own.redis.xlen(`${own.prefix}{analytics}:ev`)).toBeLessThan(seeded.events / 2);
  expect(seeded.conversations).toBeGreaterThan(100);
  expect(Date.parse(seeded.firstHour)).toBeGreaterThanOrEqual(Date.parse('2026-08-23T00:00:00Z'));
  expect(Date.parse(seeded.lastHour)).toBeLessThanOrEqual(NOW);
  // Read back by the app's own reader: a funnel that narrows, several countries, languages and channels.
  const events = (await app.ruta.analytics.store.range(NOW - 90 * 86_400_000, NOW, 5000)).events;
  expect(events).toHaveLength(seeded.events);
  expect(new Set(events.map((e) => e.country)).size).toBeGreaterThanOrEqual(5);
  expect(new Set(events.map((e) => e.language))).toEqual(new Set(['es', 'en', 'ht']));
  expect(new Set(events.map((e) => e.channel))).toEqual(new Set(['sms', 'whatsapp']));
  const funnel = await app.ruta.analytics.reader.funnel({ from: '2026-08-23', to: '2026-11-20' });
  const workers = funnel.map((f) => (f.workers.shown ? f.workers.value : 0));
  expect(workers[0]).toBeGreaterThan(100);
  expect(workers[2]).toBeLessThan(workers[0]!);
  expect(workers[3]).toBeGreaterThan(0);
});

it('measures the dashboard and every API table as a coordinator, each answer checked', async () => {
  const access = await coordinatorAccess(app.baseUrl, own.redis, own.prefix, () => new Date(NOW));
  const list = probes(access, '2026-11-20');
  expect(list.map((p) => `${p.name} ${p.period} ${p.country}`)).toContain('dashboard 90 DO');
  const results = await measureReads(app.baseUrl, list, { requests: 2, warmup: 1 });
  // Four dashboards (30 and 90 days, all countries and DO) and every table of the API for 30 and 90 days.
  expect(results).toHaveLength(4 + 2 * TABLES.length);
  for (const r of results) {
    expect(r.errors, `${r.name} ${r.period} ${r.country}`).toBe(0);
    expect(r.p95).toBeGreaterThan(0);
    expect(r.bytes).toBeGreaterThan(50);
  }
  // A spent time budget stops a kind of request early, never before 20 answers; the count says so.
  const [capped] = await measureReads(app.baseUrl, [list.at(-1)!], { requests: 30, warmup: 0, budgetMs: 0 });
  expect(capped!.requests).toBe(20);
  // A request that fails is counted as an error, not as a fast answer.
  const [broken] = await measureReads(app.baseUrl, [{ ...list[0]!, headers: {} }], { requests: 1, warmup: 0 });
  expect(broken!.errors).toBe(1);
});
