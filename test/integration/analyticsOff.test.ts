import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConsoleClient, inviteByCli, PASSWORD, visibleText } from '../support/consoleClient.js';
import { keysUnder } from '../support/redis.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

// ANALYTICS=off (a deployment that must not keep analytics, and the benchmark's comparison): a
// turn stores no analytics key at all, and the coordinators' dashboard and API say analytics are
// off rather than showing tables of zeros. The same journey with analytics on is the control.
const JOURNEY = ['Hola', '1', '1', '1', 'albañil', '1', 'fumigador de plantas'];
let off: TestApp;
let on: TestApp;

beforeAll(async () => {
  off = await startTestApp('analytics-off', { ANALYTICS: 'off' });
  on = await startTestApp('analytics-on');
});
afterAll(async () => {
  await off.close();
  await on.close();
});

it('with ANALYTICS=off a journey stores no analytics keys (the same journey with analytics on does)', async () => {
  const replies = (await off.chat('+18095556001', JOURNEY)).map(text);
  expect(replies[5]).toMatch(/Albañil en Republica Dominicana/); // the conversation itself worked
  expect(off.ruta.analytics.enabled).toBe(false);
  expect(await keysUnder(off.redis, off.prefix)).not.toEqual([]);
  await off.ruta.analytics.recorder.flush(); // nothing waits either (writes wait at most ANALYTICS_FLUSH_MS)
  expect(await keysUnder(off.redis, `${off.prefix}{analytics}`)).toEqual([]);

  await on.chat('+18095556001', JOURNEY);
  await on.ruta.analytics.recorder.flush();
  expect((await keysUnder(on.redis, `${on.prefix}{analytics}`)).length).toBeGreaterThan(0);
});

it('the coordinators\' API and dashboard say analytics are off (404), after the usual coordinator checks', async () => {
  const token = (await off.ruta.tokens.createCoordinator('all')).token;
  const res = await fetch(`${off.baseUrl}/api/v1/analytics/funnel`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: 'analytics_off' });
  expect((await fetch(`${off.baseUrl}/api/v1/analytics/funnel`)).status).toBe(401);

  const coordinator = new ConsoleClient(off.baseUrl);
  expect((await coordinator.post(await inviteByCli(off, 'oit-off@ilo.example', 'infotep', 'coordinator'), { name: 'Persona', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
  const page = await coordinator.get('/console/analytics');
  expect(page.status).toBe(404);
  expect(visibleText(page.html)).toMatch(/estad(í|i)sticas est(á|a)n desactivadas/i);
  expect((await coordinator.get('/console/analytics/funnel.csv')).status).toBe(404);
});
