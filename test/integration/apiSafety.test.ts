import type { Server } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { parse as parseCsv } from 'csv-parse/sync';
import express from 'express';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhooks } from '../../src/api/Webhooks.js';
import type { ResolveAll } from '../../src/net/addressPolicy.js';
import { bookByChat, BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/** Finding 11 of issue 9: the institution API under attack. */
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
let twilio: FakeTwilio;
let infotep: string;
let ina: string;

/** A fetch Response whose JSON body the assertions read freely. */
interface ApiResponse extends Response {
  json(): Promise<any>;
}
const api = (path: string, token: string | undefined, init: RequestInit = {}): Promise<ApiResponse> =>
  fetch(`${app.baseUrl}/api/v1${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });
/** Everything a caller can compare between two answers. */
const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.text() });

let n = 0;
const phone = () => `+1809${String(7000000 + ++n)}`;

const centre = (overrides: Record<string, unknown> = {}) => ({
  name: 'Centro de prueba', address: null, location: { lat: 10, lon: -84.1, precision: 'city' }, timeZone: 'America/Costa_Rica', assesses: ['electrician'],
  availability: { slotMinutes: 60, capacity: 1, weekly: [{ day: 'tue', from: '09:00', to: '11:00' }], closedDates: [] },
  ...overrides,
});

beforeAll(async () => {
  twilio = await startFakeTwilio();
  app = await startTestApp('api-safety', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url }, undefined, { now: () => NOW });
  infotep = (await app.ruta.tokens.create('infotep')).token;
  ina = (await app.ruta.tokens.create('ina')).token;
});
afterAll(async () => {
  await app.close();
  await twilio.close();
});

describe('booking codes', () => {
  it("answers 404 for another institution's booking code exactly as for an unknown code, on GET and PATCH", async () => {
    const { code } = await bookByChat(app, phone(), BOOK_MASON_ES());
    expect((await api(`/bookings/${code}`, infotep)).status).toBe(200);
    const unknown = code === 'KKKKKK' ? 'MMMMMM' : 'KKKKKK';
    expect(await answer(await api(`/bookings/${code}`, ina))).toEqual(await answer(await api(`/bookings/${unknown}`, ina)));
    expect(await answer(await api(`/bookings/${code.toLowerCase()}`, ina))).toMatchObject({ status: 404, body: '{"error":"not_found"}' });
    for (const body of [{ status: 'cancelled' }, { status: 'attended' }, { start: '2026-11-24T09:00' }]) {
      const foreign = await answer(await api(`/bookings/${code}`, ina, { method: 'PATCH', body: JSON.stringify(body) }));
      expect(foreign).toEqual(await answer(await api(`/bookings/${unknown}`, ina, { method: 'PATCH', body: JSON.stringify(body) })));
      expect(foreign).toMatchObject({ status: 404, body: '{"error":"not_found"}' });
    }
    expect((await app.ruta.bookings.get(code))?.status).toBe('confirmed');
  });
});

describe('authentication', () => {
  const parseFailures = () => app.logs.filter((l) => l.includes('entity.parse.failed') || l.includes('entity.too.large')).length;

  it('answers 401 to an anonymous request with a malformed or oversized body, without reading it', async () => {
    const before = parseFailures();
    for (const [method, path] of [['PATCH', '/bookings/KKKKKK'], ['PUT', '/centres/infotep-x'], ['PUT', '/webhook'], ['PUT', '/centres/infotep-santo-domingo/availability']] as const) {
      const malformed = await api(path, undefined, { method, body: '{"status": ' });
      expect([path, malformed.status]).toEqual([path, 401]);
      expect(malformed.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const large = await api(path, 'ruta_000000000000_' + 'x'.repeat(43), { method, body: JSON.stringify({ pad: 'x'.repeat(70_000) }) });
      expect([path, large.status]).toEqual([path, 401]);
    }
    expect(parseFailures()).toBe(before);

    // Behind a valid token the same bodies are read, and refused.
    expect((await api('/bookings/KKKKKK', infotep, { method: 'PATCH', body: '{"status": ' })).status).toBe(400);
    expect((await api('/bookings/KKKKKK', infotep, { method: 'PATCH', body: JSON.stringify({ pad: 'x'.repeat(70_000) }) })).status).toBe(413);
    expect(parseFailures()).toBe(before + 2);
  });
});

describe('centre ids', () => {
  it("refuses a new centre id outside the institution's prefix, so INFOTEP cannot take ina-heredia from INA", async () => {
    const taken = await api('/centres/ina-heredia', infotep, { method: 'PUT', body: JSON.stringify(centre()) });
    expect(taken.status).toBe(400);
    expect((await taken.json()).issues).toEqual([{ path: 'centreId', message: "a new centre id must start with 'infotep-' (e.g. infotep-santiago)" }]);
    expect((await api('/centres/infotep-', infotep, { method: 'PUT', body: JSON.stringify(centre()) })).status).toBe(400);
    expect((await api('/centres/infotepx-heredia', infotep, { method: 'PUT', body: JSON.stringify(centre()) })).status).toBe(400);

    const own = await api('/centres/ina-heredia', ina, { method: 'PUT', body: JSON.stringify(centre({ name: 'INA Heredia' })) });
    expect(own.status).toBe(201);
    expect((await api('/centres/ina-heredia/availability', ina)).status).toBe(200);
    expect((await api('/centres/ina-heredia', ina, { method: 'PUT', body: JSON.stringify(centre({ name: 'INA Heredia (sede central)' })) })).status).toBe(200);

    // Another's existing centre gets the same answer as an id never used: nothing to enumerate.
    expect(await answer(await api('/centres/ina-heredia', infotep, { method: 'PUT', body: JSON.stringify(centre()) }))).toEqual(
      await answer(await api('/centres/ina-nowhere', infotep, { method: 'PUT', body: JSON.stringify(centre()) })),
    );
    expect((await api('/centres/ina-heredia/availability', infotep)).status).toBe(404);
    expect((await api('/centres', ina)).status).toBe(200);
    expect((await (await api('/centres', infotep)).json()).centres.map((c: { id: string }) => c.id)).not.toContain('ina-heredia');

    // A centre INFOTEP created under INA's prefix before ids were checked: INFOTEP may still edit it; INA is told.
    const legacy = (await app.ruta.bookings.centres.get('infotep-santo-domingo'))!;
    await app.ruta.bookings.centres.save({ ...legacy, id: 'ina-legacy', name: 'Old INFOTEP centre' });
    expect((await api('/centres/ina-legacy', infotep, { method: 'PUT', body: JSON.stringify(centre({ timeZone: 'America/Santo_Domingo' })) })).status).toBe(200);
    const held = await api('/centres/ina-legacy', ina, { method: 'PUT', body: JSON.stringify(centre()) });
    expect([held.status, (await held.json()).error]).toEqual([409, 'centre_id_taken']);
  });
});

describe('centre names and addresses', () => {
  it.each([
    ['a formula name', { name: '=HYPERLINK("https://evil.example","Santo Domingo")' }],
    ['a name starting with +', { name: '+1809 llame ya' }],
    ['a name starting with -', { name: '-2+3' }],
    ['a name starting with @', { name: '@SUM(A1)' }],
    ['a name with a line break', { name: 'INFOTEP\nEscribe BORRAR para continuar' }],
    ['a name with a lone carriage return', { name: 'INFOTEP\rX' }],
    ['a name with a tab', { name: '\tINFOTEP' }],
    ['a name with a right-to-left override', { name: 'INFOTEP \u202eogaitnaS' }],
    ['a name with a C1 control', { name: 'INFOTEP\u0085' }],
    ['an 81-character name', { name: 'I'.repeat(81) }],
    ['a formula address', { address: '=cmd|" /C calc"!A0' }],
    ['an address with a line feed', { address: 'Calle 1\nBEGIN:VEVENT' }],
    ['a 201-character address', { address: 'a'.repeat(201) }],
  ])('refuses %s, and workers keep seeing the old name', async (_label, change) => {
    const current = (await (await api('/centres', infotep)).json()).centres.find((c: { id: string }) => c.id === 'infotep-santo-domingo');
    const res = await api('/centres/infotep-santo-domingo', infotep, { method: 'PUT', body: JSON.stringify({ ...current, id: undefined, institution: undefined, ...change }) });
    expect(res.status).toBe(400);
    expect((await res.json()).issues[0]).toMatchObject({ path: expect.stringMatching(/^(name|address)$/), message: expect.stringMatching(/control characters|formula|too big|<=|at most/i) });
    const slots = (await app.chat(phone(), ['Hola', '1', '3', '1', '1', '1', 'santo domingo'])).map(text).at(-1);
    expect(slots).toContain('INFOTEP Santo Domingo');
    expect(slots).not.toMatch(/=|\u202e/);
  });

  it('stores names and addresses trimmed', async () => {
    const res = await api('/centres/infotep-la-vega', infotep, { method: 'PUT', body: JSON.stringify(centre({ name: '  INFOTEP La Vega  ', address: ' Calle Duarte 1, La Vega ', timeZone: 'America/Santo_Domingo' })) });
    expect(res.status).toBe(201);
    expect((await res.json()).centre).toMatchObject({ name: 'INFOTEP La Vega', address: 'Calle Duarte 1, La Vega' });
  });
});

describe('first names', () => {
  it('books with a 200-character first name, stores it cut to 40, and lists the booking in JSON, CSV and iCal', async () => {
    const long = 'Anaïs'.repeat(40);
    const { code } = await bookByChat(app, phone(), ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', long, '1']);
    const stored = 'Anaïs'.repeat(8);
    expect((await app.ruta.bookings.get(code))?.firstName).toBe(stored);

    const json = await (await api('/bookings', infotep)).json();
    expect(json.bookings.find((b: { code: string }) => b.code === code)).toMatchObject({ firstName: stored, status: 'confirmed' });
    const rows: Array<Record<string, string>> = parseCsv(await (await api('/bookings', infotep, { headers: { accept: 'text/csv' } })).text(), { columns: true });
    expect(rows.find((r) => r.code === code)).toMatchObject({ first_name: stored });
    const ics = await (await api('/centres/infotep-santo-domingo/calendar.ics', infotep)).text();
    const uids = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid'));
    expect(uids).toContain(`${code}@ruta`);
    expect(ics).not.toContain('Anaïs');
  });
});

describe('institution webhooks', () => {
  /** Resolves made-up names without DNS: the only thing a test may call is this machine. */
  const fakeDns =
    (table: Record<string, string>): ResolveAll =>
    (hostname, _options, callback) =>
      table[hostname] ? callback(null, [{ address: table[hostname]!, family: 4 }]) : callback(Object.assign(new Error(hostname), { code: 'ENOTFOUND' }), []);
  const job = (institution: string, eventId: string) => ({ institution, eventId, body: JSON.stringify({ id: eventId, type: 'booking.created' }) });
  const webhooks = (allowHttp: boolean, lookup: ResolveAll, timeoutMs = 2000) => new Webhooks({ store: app.ruta.store, jobs: app.ruta.jobs, now: () => NOW, allowHttp, lookup, timeoutMs });
  const listen = <S extends Server | ReturnType<typeof createServer>>(server: S) =>
    new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const close = (server: Server | ReturnType<typeof createServer>) => new Promise((r) => server.close(r));

  it('refuses loopback, private and link-local URLs at registration in production, and allows them in development', async () => {
    const production = webhooks(false, fakeDns({}));
    for (const url of ['http://localhost:1/x', 'https://localhost:1/x', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://10.0.0.5/x', 'https://192.168.1.10/x', 'https://169.254.169.254/latest/meta-data', 'https://[fe80::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://2130706433/x'])
      expect([url, await production.register('sena', url)]).toEqual([url, { error: expect.stringMatching(/https|this machine|private/) }]);
    expect(await production.get('sena')).toBeUndefined();
    expect(await production.register('sena', 'https://hooks.sena.example/ruta')).toMatchObject({ url: 'https://hooks.sena.example/ruta' });
    expect(await webhooks(true, fakeDns({})).register('sena', 'http://localhost:1/x')).toMatchObject({ url: 'http://localhost:1/x' });
    await production.unregister('sena');
  });

  it('refuses at delivery a host that now resolves to this machine: logged, retried, and no connection made', async () => {
    let connections = 0;
    const sockets: Socket[] = [];
    const tcp = createServer((socket) => {
      connections++;
      sockets.push(socket);
    });
    const port = await listen(tcp);
    try {
      const production = webhooks(false, fakeDns({ 'hooks.conocer.test': '127.0.0.1' }));
      expect(await production.register('conocer', `https://hooks.conocer.test:${port}/ruta`)).toMatchObject({ secret: expect.stringMatching(/^whsec_/) });
      await expect(production.deliver(job('conocer', 'evt-rebound'), 1)).rejects.toThrow();
      expect(await production.log('conocer')).toEqual([{ eventId: 'evt-rebound', type: 'booking.created', attempt: 1, ok: false, status: null, error: 'address_not_allowed', at: NOW.toISOString() }]);
      expect(connections).toBe(0);

      // A URL stored under the development rules is not called in production either, and not retried.
      await webhooks(true, fakeDns({})).register('conocer', `http://127.0.0.1:${port}/ruta`);
      await production.deliver(job('conocer', 'evt-stored'), 1);
      expect((await production.log('conocer'))[0]).toMatchObject({ eventId: 'evt-stored', ok: false, status: null, error: 'url_not_allowed' });
      expect(connections).toBe(0);

      // Development connects to the same made-up name: the refusal above was the policy, not DNS.
      const development = webhooks(true, fakeDns({ 'hooks.conocer.test': '127.0.0.1' }), 300);
      await development.register('conocer', `http://hooks.conocer.test:${port}/ruta`);
      await expect(development.deliver(job('conocer', 'evt-dev'), 2)).rejects.toThrow();
      expect(connections).toBe(1);
      expect((await development.log('conocer'))[0]).toMatchObject({ eventId: 'evt-dev', attempt: 2, ok: false, status: null, error: 'timeout' });
      await development.unregister('conocer');
    } finally {
      for (const s of sockets) s.destroy();
      await close(tcp);
    }
  });

  it('delivers signed events to the resolved address in development, without following redirects', async () => {
    const received: Array<{ path: string; signature: string; id: string }> = [];
    const hook = express();
    hook.post(['/ruta', '/moved', '/elsewhere'], express.text({ type: '*/*' }), (req, res) => {
      received.push({ path: req.path, signature: req.get('ruta-signature') ?? '', id: req.get('ruta-event-id') ?? '' });
      if (req.path === '/moved') return res.redirect(307, '/elsewhere');
      res.status(204).end();
    });
    const server = hook.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const development = webhooks(true, fakeDns({ 'hooks.mtpe.test': '127.0.0.1' }));
      await development.register('mtpe', `http://hooks.mtpe.test:${port}/ruta`);
      await development.deliver(job('mtpe', 'evt-1'), 1);
      expect(received).toEqual([{ path: '/ruta', signature: expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/), id: 'evt-1' }]);
      expect((await development.log('mtpe'))[0]).toMatchObject({ eventId: 'evt-1', ok: true, status: 204 });

      await development.register('mtpe', `http://hooks.mtpe.test:${port}/moved`);
      await expect(development.deliver(job('mtpe', 'evt-2'), 1)).rejects.toThrow(/307/);
      expect(received.map((r) => r.path)).toEqual(['/ruta', '/moved']);
      expect((await development.log('mtpe'))[0]).toMatchObject({ eventId: 'evt-2', ok: false, status: 307 });
      await development.unregister('mtpe');
    } finally {
      await close(server);
    }
  });
});
