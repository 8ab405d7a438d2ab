import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, inviteByCli, PASSWORD, visibleText } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Issue 12: the coordinators' dashboard in the console: the same numbers as the API, "<5" under k,
// only the coordinator's countries, CSV of every table; institution staff are refused.
const START = Date.parse('2026-11-20T15:00:00Z');
const clock = { now: START };
let app: TestApp;
let seq = 0;

beforeAll(async () => {
  app = await startTestApp('console-analytics', {}, undefined, { now: () => new Date(clock.now), newAid: () => `e0${(++seq).toString(16).padStart(14, '0')}` });
  for (let i = 0; i < 6; i++) await app.chat(`+1809555${String(4000 + i).padStart(4, '0')}`, ['Hola', '1', '1', '1', 'albañil', '1']);
  await app.chat('+5215555554999', ['Hola', '1']);
  clock.now = START + 25 * 3600_000;
  await app.ruta.analytics.recorder.sweep();
});
afterAll(async () => {
  await app.close();
});

async function person(email: string, role: 'coordinator' | 'staff', countries?: string): Promise<ConsoleClient> {
  const client = new ConsoleClient(app.baseUrl);
  expect((await client.post(await inviteByCli(app, email, 'infotep', role, [], countries), { name: 'Persona', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
  return client;
}

describe('the analytics dashboard', () => {
  it('shows the funnel, drop-off and cost for the coordinator\'s countries, with "<5" under k, and the same numbers as the API', async () => {
    const coordinator = await person('oit-do@ilo.example', 'coordinator', 'DO');
    const page = await coordinator.get('/console/analytics?from=2026-11-14&to=2026-11-21');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toMatch(/Primer contacto\s*6/);
    expect(text).toMatch(/Privacidad aceptada\s*6\s*100\s?%/);
    expect(text).toMatch(/Revisi(ó|o)n completada\s*<5/);
    // Steps are named as coordinators read them, not by their ids.
    expect(text).toMatch(/Cómo certificarse: ¿qué sigue\?\s*Dej(ó|o) de responder\s*6/);
    expect(text).not.toContain('route.next');
    expect(text).not.toMatch(/M(é|e)xico/); // outside the scope: not even offered as a filter
    const token = (await app.ruta.tokens.createCoordinator(['DO'])).token;
    const api = await (await fetch(`${app.baseUrl}/api/v1/analytics/funnel?from=2026-11-14&to=2026-11-21`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(api.rows.map((r: { workers: unknown }) => r.workers)).toEqual([6, 6, 6, '<5', '<5', '<5', '<5']);
    const csv = await coordinator.get('/console/analytics/funnel.csv?from=2026-11-14&to=2026-11-21');
    expect(csv.status).toBe(200);
    expect(csv.html).toContain('first_contact,6,');
    expect(csv.html).toContain('prescreen,<5,');
  });

  it('a country outside the scope is not shown (the coordinator\'s own countries instead, said kindly); staff are refused', async () => {
    const coordinator = await person('oit-do2@ilo.example', 'coordinator', 'DO');
    const page = await coordinator.get('/console/analytics?country=MX');
    expect(page.status).toBe(400);
    expect(visibleText(page.html)).toMatch(/fuera de su alcance/);
    expect((await coordinator.get('/console/analytics/funnel.csv?country=MX')).status).toBe(400);
    const staff = await person('staff@infotep.example', 'staff');
    expect((await staff.get('/console/analytics')).status).toBe(403);
  });
});
