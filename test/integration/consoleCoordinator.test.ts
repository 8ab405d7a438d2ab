import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess, ConsoleClient, newPerson, PASSWORD, visibleText } from '../support/consoleClient.js';
import { REDIS_ENV } from '../support/redis.js';
import { SAMPLE_CENTRES, startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The coordinator role: an account like staff's with a country scope, that sees no worker — in the
 * console (no appointment, request, booking, centre, export, people or audit page) and in the API
 * (a coordinator token is refused on the institution endpoints, an institution's on the
 * coordinator ones) — and only the countries of its scope.
 */

const clock = { now: () => new Date('2026-11-20T15:00:00Z') };
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('console-coordinator', {}, undefined, clock);
});
afterAll(async () => {
  await app?.close();
});

/** `ruta …` in-process, against the test's Redis prefix. */
async function cli(args: string[]) {
  const { code, out, err } = await cliInProcess(args, { ...REDIS_ENV, REDIS_PREFIX: app.prefix, PUBLIC_URL: app.config.PUBLIC_URL });
  return { code, out: out.trim(), err };
}

/** A coordinator invited with the CLI, joined and signed in. */
async function coordinatorByCli(email: string, countries?: string): Promise<ConsoleClient> {
  const invited = await cli(['user', 'invite', '--institution', 'infotep', '--role', 'coordinator', '--email', email, ...(countries ? ['--countries', countries] : [])]);
  expect(invited.code, invited.err).toBe(0);
  const client = new ConsoleClient(app.baseUrl);
  const joined = await client.post(new URL(invited.out).pathname, { name: 'Coordinación OIT', password: PASSWORD, confirm: PASSWORD });
  expect(joined.status).toBe(303);
  return client;
}

const WORKER_PAGES = ['/console/appointments', '/console/requests', '/console/centres', `/console/centres/${SAMPLE_CENTRES().find((c) => c.institution === 'infotep')!.id}`, '/console/facts', '/console/export', '/console/bookings/ABC234', '/console/users', '/console/audit'];

describe('a coordinator in the console', () => {
  it('sees their countries and the simulator, and is refused every page that shows workers or centres', async () => {
    const coordinator = await coordinatorByCli('oit@ilo.example', 'DO,CR');
    const home = visibleText((await coordinator.get('/console')).html);
    expect(home).toContain('Su papel: Coordinación');
    expect(home).toContain('Puede ver las cifras anónimas de: República Dominicana, Costa Rica.');
    expect(home).not.toContain('citas hoy');
    const nav = /<nav aria-label="Secciones"[\s\S]*?<\/nav>/.exec((await coordinator.get('/console')).html)![0];
    expect([...nav.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/console', '/console/analytics', '/console/simulator']);
    expect((await coordinator.get('/console/simulator')).status).toBe(200);
    for (const path of WORKER_PAGES) expect((await coordinator.get(path)).status, path).toBe(403);
    // Nor through a form: the export (workers' bookings) is refused before anything is read.
    expect((await coordinator.post('/console/export', { centre: '', from: '2026-11-01', to: '2026-12-01' }, '/console/simulator')).status).toBe(403);
  });

  it('is listed on the institution\'s users page with their countries; the admin can invite one for the institution\'s country only', async () => {
    const admin = await newPerson(app, clock.now, { email: 'admin@infotep.example', name: 'Admin', institution: 'infotep', role: 'admin' });
    const invited = await admin.post('/console/users/invite', { email: 'ministerio@trabajo.example', role: 'coordinator' });
    expect(invited.status).toBe(303);
    const page = visibleText((await admin.get('/console/users')).html);
    expect(page).toContain('Invitación creada');
    const link = /(https:\/\/ruta\.example\.org\/console\/invite\/[A-Za-z0-9_-]{43})/.exec(page)![1]!;
    const ministry = new ConsoleClient(app.baseUrl);
    expect((await ministry.post(new URL(link).pathname, { name: 'Ministerio', password: PASSWORD, confirm: PASSWORD })).status).toBe(303);
    expect(visibleText((await ministry.get('/console')).html)).toContain('Puede ver las cifras anónimas de: República Dominicana.');
    const users = visibleText((await admin.get('/console/users')).html);
    expect(users).toContain('Ministerio ministerio@trabajo.example Coordinación Cifras de: República Dominicana');
    // A coordinator with centres makes no sense: the form says so.
    const withCentre = await admin.post('/console/users/invite', { email: 'otro@trabajo.example', role: 'coordinator', centres: SAMPLE_CENTRES().find((c) => c.institution === 'infotep')!.id }, '/console/users');
    expect(withCentre.status).toBe(400);
    expect(visibleText(withCentre.html)).toContain('La coordinación no ve centros: no marque ninguno');
  });

  it('is refused by the CLI with centres or unknown countries', async () => {
    expect(await cli(['user', 'invite', '--institution', 'infotep', '--role', 'coordinator', '--email', 'x@ilo.example', '--centre', 'infotep-santiago'])).toMatchObject({ code: 2, err: expect.stringContaining('A coordinator sees no centre') });
    expect(await cli(['user', 'invite', '--institution', 'infotep', '--role', 'coordinator', '--email', 'x@ilo.example', '--countries', 'DO,XX'])).toMatchObject({ code: 2, err: expect.stringContaining('Unknown: XX') });
    const all = await coordinatorByCli('todos@ilo.example');
    expect(visibleText((await all.get('/console')).html)).toContain('Puede ver las cifras anónimas de todos los países de Ruta.');
  });

  it('leaves staff out of nothing they had, and in the simulator', async () => {
    const staff = await newPerson(app, clock.now, { email: 'staff@infotep.example', name: 'Staff', institution: 'infotep', role: 'staff' });
    for (const path of ['/console/appointments', '/console/requests', '/console/centres', '/console/facts', '/console/export', '/console/simulator']) expect((await staff.get(path)).status, path).toBe(200);
  });
});

describe('coordinator API tokens', () => {
  const api = (path: string, token: string) => fetch(`${app.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('open the coordinator endpoints within their countries, and no institution endpoint', async () => {
    const made = await cli(['token', 'create', '--coordinator', '--countries', 'DO']);
    expect(made.code, made.err).toBe(0);
    const token = made.out;
    expect(await (await api('/coordinator/scope', token)).json()).toEqual({ countries: ['DO'], all: false });
    expect((await api('/coordinator/countries/DO', token)).status).toBe(200);
    expect(await (await api('/coordinator/countries/do', token)).json()).toMatchObject({ code: 'DO', institutions: [{ id: 'infotep', acronym: 'INFOTEP' }] });
    // Outside the scope: as if it did not exist.
    expect((await api('/coordinator/countries/MX', token)).status).toBe(404);
    for (const path of ['/bookings', '/requests', '/centres', '/facts', '/webhook', '/bookings/ABC234']) {
      const res = await api(path, token);
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
    }
    const listed = await cli(['token', 'list', '--coordinator']);
    expect(Object.keys(JSON.parse(listed.out))).toHaveLength(1);
  });

  it('for every country open each of them; revoked, none', async () => {
    const made = await cli(['token', 'create', '--coordinator']);
    const token = made.out;
    expect(await (await api('/coordinator/scope', token)).json()).toMatchObject({ all: true, countries: expect.arrayContaining(['DO', 'MX', 'CR']) });
    expect((await api('/coordinator/countries/MX', token)).status).toBe(200);
    expect((await cli(['token', 'revoke', token])).code).toBe(0);
    expect((await api('/coordinator/scope', token)).status).toBe(401);
  });

  it('are the only ones the coordinator endpoints accept: an institution token is refused', async () => {
    const { token } = await app.ruta.tokens.create('infotep');
    expect((await api('/centres', token)).status).toBe(200);
    const res = await api('/coordinator/scope', token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'forbidden' });
    expect((await api('/coordinator/countries/DO', token)).status).toBe(403);
  });
});
