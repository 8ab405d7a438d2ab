import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../support/consoleClient.js';
import { reportPeriod } from '../../src/tools/reportCommand.js';
import { REDIS_ENV } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Issue 12: `npx ruta report --country DO --since 30d` prints the funnel and the worst drop-off
// steps, from the same k-anonymous reader as the console, on the injected clock (never today's date).
const START = Date.parse('2026-11-20T15:00:00Z');
const clock = { now: START };
let app: TestApp;
let seq = 0;

beforeAll(async () => {
  app = await startTestApp('report', {}, undefined, { now: () => new Date(clock.now), newAid: () => `c0${(++seq).toString(16).padStart(14, '0')}` });
  // Six Dominican workers read the mason's route and go quiet there; one Mexican stops at the privacy question.
  for (let i = 0; i < 6; i++) await app.chat(`+1809555${String(2000 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'albañil', '1']);
  await app.chat('+5215555552999', ['Hola']);
  clock.now = START + 25 * 3600_000; // a day later: the sweep counts who went quiet
  await app.ruta.analytics.recorder.sweep();
});
afterAll(async () => {
  await app.close();
});

const cli = (args: string[], env: Record<string, string> = { ...REDIS_ENV, REDIS_PREFIX: app.prefix }) => cliInProcess(args, env, () => new Date(clock.now));

describe('ruta report', () => {
  it('prints the funnel with conversions and the worst drop-off step, numbers under k as <5', async () => {
    const { code, out } = await cli(['report', '--country', 'DO', '--since', '7d']);
    expect(code).toBe(0);
    expect(out).toContain('Ruta — DO, 2026-11-15 to 2026-11-21 (UTC)');
    expect(out).toMatch(/First contact\s+6\n/);
    expect(out).toMatch(/Privacy accepted\s+6\s+100%\n/);
    expect(out).toMatch(/Route explained\s+6\s+100%\n/);
    expect(out).toMatch(/Pre-screen completed\s+<5\n/);
    expect(out).toMatch(/Certified\s+<5\n/);
    expect(out).toMatch(/Worst drop-off steps[^\n]*\n\s+6\s+route\.next\n/);
    // The same numbers the reader gives the console and the API.
    const funnel = await app.ruta.analytics.reader.funnel({ from: '2026-11-15', to: '2026-11-21', country: ['DO'] });
    expect(funnel.slice(0, 3).map((r) => r.workers)).toEqual(Array(3).fill({ shown: true, value: 6 }));
  });

  it('without --country counts every country; the Mexican alone stays under k everywhere it is apart', async () => {
    const all = await cli(['report', '--since', '30d']);
    expect(all.out).toMatch(/First contact\s+7\n/);
    expect(all.out).toMatch(/and 1 step\(s\) with fewer than 5 workers/);
    const mx = await cli(['report', '--country', 'mx', '--since', '2026-11-01']);
    expect(mx.out).toMatch(/First contact\s+<5\n/);
  });

  it('refuses what it cannot answer, kindly: a bad --since, an unknown country, no Redis', async () => {
    expect(await cli(['report', '--since', 'last week'])).toMatchObject({ code: 2, err: expect.stringMatching(/--since takes 1d, 7d, 30d/) });
    expect(await cli(['report', '--country', 'FR'])).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown country FR/) });
    expect(await cli(['report'], {})).toMatchObject({ code: 2, err: expect.stringMatching(/set REDIS_URL/) });
  });

  it('reads --since as days ending today (UTC), or from a date', () => {
    const now = new Date('2026-11-21T02:00:00Z');
    expect(reportPeriod('1d', now)).toEqual({ from: '2026-11-21', to: '2026-11-21' });
    expect(reportPeriod('30d', now)).toEqual({ from: '2026-10-23', to: '2026-11-21' });
    expect(reportPeriod('2026-11-01', now)).toEqual({ from: '2026-11-01', to: '2026-11-21' });
    expect(reportPeriod('2026-12-01', now)).toBeUndefined(); // in the future
    expect(reportPeriod('0d', now)).toBeUndefined();
  });
});
