import { CELL_KINDS } from '../../src/analytics/cells.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bookByChat } from '../support/bookingJourney.js';
import { keysUnder } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Issue 12: the simulator's conversations "are marked as tests and kept out of analytics" — its
// turns, and the booking it makes (counted later from the console, outside the conversation), too.
const START = Date.parse('2026-11-20T15:00:00Z'); // Friday 11:00 in Santo Domingo
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('simanalytics', {}, undefined, { now: () => new Date(START) });
});
afterAll(async () => {
  await app.close();
});

it('a simulated number (+1809 0…) books, is confirmed and attended, and no analytics cell or event counts it', async () => {
  const { code } = await bookByChat(app, '+18090000042', ['Hola', '1', '1', '1', 'albañil', '1', '2', 'santo domingo', '1', '0', '1']);
  expect((await app.ruta.bookings.mark(code, 'attended')).ok).toBe(true);
  expect((await app.ruta.bookings.setOutcome(code, 'competent')).ok).toBe(true);
  const day = { from: '2026-11-20', to: '2026-11-20' };
  const counts = await app.ruta.analytics.store.counts(['2026-11-20'], 'x', CELL_KINDS, ['DO']);
  expect(counts).toEqual([{}]);
  expect((await app.ruta.analytics.reader.funnel(day)).every((r) => !r.workers.shown)).toBe(true);
  // The stream may keep the marked events for debugging, but none of them is unmarked.
  expect((await app.ruta.analytics.store.recent(100)).filter((e) => !e.test)).toEqual([]);
  // A real number on the same server is counted (the check above is not vacuous).
  await app.chat('+18095550042', ['Hola', '1']);
  expect(Object.keys((await app.ruta.analytics.store.counts(['2026-11-20'], 'x', CELL_KINDS, ['DO']))[0]!).length).toBeGreaterThan(0);
  expect((await keysUnder(app.redis, app.prefix)).some((k) => k.includes('{analytics}'))).toBe(true);
});
