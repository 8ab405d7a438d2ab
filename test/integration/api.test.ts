import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import express from 'express';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../api/openapi.json' with { type: 'json' };
import { TABLES } from '../../src/analytics/tables.js';
import { runCli } from '../../src/tools/rutaCli.js';
import { bookByChat, BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { REDIS_ENV } from '../support/redis.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
let twilio: FakeTwilio;
let infotep: string;
let ina: string;

async function cli(args: string[]) {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env: { ...REDIS_ENV, REDIS_PREFIX: app.prefix } });
  return { code, out, err };
}

/** A fetch Response whose JSON body the assertions read freely. */
interface ApiResponse extends Response {
  json(): Promise<any>;
}
const api = (path: string, token: string | undefined, init: RequestInit = {}): Promise<ApiResponse> =>
  fetch(`${app.baseUrl}/api/v1${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers } });

let n = 0;
const phone = () => `+1809${String(8000000 + ++n)}`;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  app = await startTestApp('api', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url, JOB_BACKOFF_MS: '40' }, undefined, { now: () => NOW });
  const created = await cli(['token', 'create', '--institution', 'infotep']);
  expect(created.code).toBe(0);
  infotep = created.out.trim();
  ina = (await app.ruta.tokens.create('ina')).token;
});
afterAll(async () => {
  await app.close();
  await twilio.close();
});

describe('tokens', () => {
  it('prints a token once and stores only its hash; revoke makes it useless', async () => {
    expect(infotep).toMatch(/^ruta_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const stored = await app.ruta.store.keysContaining('apitoken');
    const values = await Promise.all(stored.map((k) => app.ruta.store.get(k).catch(() => null)));
    expect(JSON.stringify(values)).not.toContain(infotep.slice('ruta_'.length + 13));
    const hashes = values.flatMap((v) => (v && v.startsWith('{') ? [(JSON.parse(v) as { hash: string }).hash] : []));
    expect(hashes).toContainEqual(expect.stringMatching(/^[0-9a-f]{64}$/));

    const extra = (await cli(['token', 'create', '--institution', 'infotep'])).out.trim();
    expect((await api('/centres', extra)).status).toBe(200);
    const revoked = await cli(['token', 'revoke', extra.split('_')[1]!]);
    expect(revoked.code).toBe(0);
    expect((await api('/centres', extra)).status).toBe(401);
    expect((await cli(['token', 'create', '--institution', 'nowhere'])).code).toBe(2);
  });

  it('answers 401 without a valid token, and 404 for another institution\'s centre as for an unknown one', async () => {
    expect((await api('/bookings', undefined)).status).toBe(401);
    expect((await api('/bookings', 'ruta_000000000000_' + 'x'.repeat(43))).status).toBe(401);
    expect((await api('/bookings', 'Basic abc')).status).toBe(401);
    const res = await api('/bookings', undefined);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    for (const path of ['/centres/infotep-santo-domingo/availability', '/centres/infotep-santo-domingo/calendar.ics', '/bookings?centre=infotep-santo-domingo', '/bookings?centre=nowhere']) {
      const res = await api(path, ina);
      expect([path, res.status, await res.json()]).toEqual([path, 404, { error: 'not_found' }]);
    }
    expect((await api('/centres/ina-san-jose/availability', ina)).status).toBe(200);
    expect((await api('/centres/nowhere/availability', ina)).status).toBe(404);
  });

  it('serves its OpenAPI document without a token, naming every route', async () => {
    const res = await fetch(`${app.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as typeof openapi;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/openapi.json', '/bookings', '/bookings/{code}', '/requests', '/centres', '/centres/{centreId}', '/centres/{centreId}/availability', '/centres/{centreId}/calendar.ics', '/webhook', '/webhook/deliveries', '/facts', '/facts/{name}', '/coordinator/scope', '/coordinator/countries/{code}', '/analytics/{table}', '/analytics/events.ndjson'].sort(),
    );
    // The analytics tables it names are the ones served.
    const tables = (doc.paths['/analytics/{table}'].get.parameters[0]?.schema as { enum: string[] }).enum;
    expect(tables).toEqual([...TABLES, ...TABLES.map((t) => `${t}.csv`)]);
  });
});

describe('bookings through the API', () => {
  let a: { code: string; from: string };
  let b: { code: string; from: string };
  beforeAll(async () => {
    const fa = phone();
    a = { from: fa, code: (await bookByChat(app, fa, ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', 'Ana', '1'])).code };
    const fb = phone();
    b = { from: fb, code: (await bookByChat(app, fb, BOOK_MASON_ES('la romana'), 'whatsapp')).code };
  });

  it('lists them as JSON with code, centre, start with offset, first name, phone, standard, pre-screen and status', async () => {
    const ina_ = await (await api('/bookings', ina)).json();
    expect(ina_.bookings).toEqual([]);
    const res = await api('/bookings?from=2026-11-23&to=2026-11-23', infotep);
    expect(res.status).toBe(200);
    const body = await res.json();
    const mine = body.bookings.filter((x: { code: string }) => [a.code, b.code].includes(x.code));
    expect(mine).toHaveLength(2);
    expect(mine.find((x: { code: string }) => x.code === a.code)).toMatchObject({
      centre: 'infotep-santo-domingo', centreName: 'INFOTEP Santo Domingo', start: '2026-11-23T08:00:00-04:00', firstName: 'Ana', phone: a.from, channel: 'sms', status: 'confirmed',
      standard: { institution: 'infotep', code: null, occupation: 'mason', isco08: '7112', title: 'Albañil' }, prescreen: null,
    });
    expect(mine.find((x: { code: string }) => x.code === b.code)).toMatchObject({ phone: b.from, channel: 'whatsapp', firstName: null });
    expect((await api('/bookings?from=yesterday', infotep)).status).toBe(400);
  });

  it('gives spreadsheets CSV that a real CSV parser reads back', async () => {
    const res = await api('/bookings?from=2026-11-23&to=2026-11-23', infotep, { headers: { accept: 'text/csv' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows: Array<Record<string, string>> = parseCsv(await res.text(), { columns: true });
    const row = rows.find((r) => r.code === a.code)!;
    expect(row).toMatchObject({ centre: 'INFOTEP Santo Domingo', start: '2026-11-23T08:00:00-04:00', status: 'confirmed', first_name: 'Ana', phone: a.from, occupation: 'Albañil', isco08: '7112' });
  });

  it('gives calendar apps an iCalendar feed per centre that ical.js parses', async () => {
    const res = await api('/centres/infotep-santo-domingo/calendar.ics', infotep);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const raw = await res.text();
    expect(raw).not.toContain(a.from.slice(1));
    expect(raw).not.toMatch(/\bAna\b/); // no names either: calendars are synced to many devices
    const events = new ICAL.Component(ICAL.parse(raw)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const ev = events.find((e) => e.uid === `${a.code}@ruta`)!;
    expect(ev.startDate.toJSDate().toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(ev.endDate.toJSDate().toISOString()).toBe('2026-11-23T13:00:00.000Z');
    expect(ev.summary).toBe(`Albañil: ${a.code}`);
    expect(ev.description).toBe(`Ruta booking ${a.code}\nStandard: to be confirmed (Albañil)\nStatus: confirmed`);
  });

  it('marks attendance, cancels and moves; the worker is told each time; impossible changes are refused', async () => {
    const before = twilio.accepted.length;
    const moved = await api(`/bookings/${a.code}`, infotep, { method: 'PATCH', body: JSON.stringify({ start: '2026-11-25T10:00' }) });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ start: '2026-11-25T10:00:00-04:00', status: 'confirmed' });
    await eventually(() => twilio.accepted.length === before + 1);
    expect(twilio.accepted[before]!.form).toMatchObject({ To: a.from, Body: `Ruta: INFOTEP Santo Domingo cambio tu evaluacion al miércoles 25 de noviembre, 10:00 (codigo ${a.code}). Si no puedes ir, escribe CITA.` });

    const cancelled = await api(`/bookings/${b.code}`, infotep, { method: 'PATCH', body: JSON.stringify({ status: 'cancelled' }) });
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled_by_institution' });
    await eventually(() => twilio.accepted.some((m) => m.form.To === `whatsapp:${b.from}`));
    expect(twilio.accepted.find((m) => m.form.To === `whatsapp:${b.from}`)!.form.Body).toMatch(/^Ruta: INFOTEP Santo Domingo canceló tu evaluación/);
    const again = await api(`/bookings/${b.code}`, infotep, { method: 'PATCH', body: JSON.stringify({ status: 'attended' }) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'not_active' });

    // Staff may set any future time (a session outside the published hours), never a past one.
    expect((await api(`/bookings/${a.code}`, infotep, { method: 'PATCH', body: JSON.stringify({ start: '2026-11-19T10:00' }) })).status).toBe(409);
    expect((await api(`/bookings/${a.code}`, infotep, { method: 'PATCH', body: JSON.stringify({ status: 'lost' }) })).status).toBe(400);
    expect((await api(`/bookings/${a.code}`, ina, { method: 'PATCH', body: JSON.stringify({ status: 'attended' }) })).status).toBe(404);
    expect((await api('/bookings/AAAAAA', infotep)).status).toBe(404);
  });
});

describe('centres and availability', () => {
  it('reports bookings a new template no longer fits, keeps them, and offers only the new hours', async () => {
    const from = phone();
    const { code } = await bookByChat(app, from, ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', '0', '1']);
    const current = await (await api('/centres/infotep-santo-domingo/availability', infotep)).json();
    expect(current).toMatchObject({ timeZone: 'America/Santo_Domingo', availability: { slotMinutes: 60, capacity: 2 } });

    const afternoons = { slotMinutes: 90, capacity: 3, weekly: [{ day: 'mon', from: '13:00', to: '16:00' }, { day: 'wed', from: '13:00', to: '16:00' }], closedDates: ['2026-11-25'] };
    const res = await api('/centres/infotep-santo-domingo/availability', infotep, { method: 'PUT', body: JSON.stringify(afternoons) });
    expect(res.status).toBe(200);
    const saved = await res.json();
    expect(saved.conflicts).toContainEqual({ code, start: expect.stringMatching(/^2026-11-2\dT0[89]:00:00-04:00$/), reason: 'outside_hours' });
    expect((await app.ruta.bookings.get(code))?.status).toBe('confirmed');

    const [slots] = (await app.chat(phone(), ['Hola', '1', '3', '1', '1', '1', 'santo domingo'])).slice(-1).map(text);
    expect(slots).toMatch(/1\. lunes 23 de noviembre, 13:00\n2\. lunes 23 de noviembre, 14:30\n3\. lunes 30 de noviembre, 13:00/);

    const invalid = await api('/centres/infotep-santo-domingo/availability', infotep, { method: 'PUT', body: JSON.stringify({ ...afternoons, weekly: [{ day: 'mon', from: '13:00', to: '13:30' }] }) });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).issues[0].message).toMatch(/shorter than one slot/);
  });

  it('adds a centre that then becomes the nearest for workers near it', async () => {
    // A new id: "infotep-santiago" is a centre of data/centres.json (replacing it is onboarding, 200).
    const centre = {
      name: 'INFOTEP Santiago', city: 'Santiago de los Caballeros', address: 'Av. Estrella Sadhalá (test data)', location: { lat: 19.45, lon: -70.69, precision: 'address' }, timeZone: 'America/Santo_Domingo', assesses: ['mason', 'electrician'],
      onboarded: true,
      availability: { slotMinutes: 60, capacity: 1, weekly: [{ day: 'tue', from: '09:00', to: '11:00' }], closedDates: [] },
    };
    const res = await api('/centres/infotep-santiago-norte', infotep, { method: 'PUT', body: JSON.stringify(centre) });
    expect(res.status).toBe(201);
    expect((await api('/centres/infotep-santiago-norte', ina, { method: 'PUT', body: JSON.stringify(centre) })).status).toBe(400); // not INA's namespace
    expect((await api('/centres/bad-zone', infotep, { method: 'PUT', body: JSON.stringify({ ...centre, timeZone: 'GMT-4' }) })).status).toBe(400);
    const list = await (await api('/centres', infotep)).json();
    expect(list.centres.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['infotep-santo-domingo', 'infotep-santiago-norte']));

    const replies = (await app.chat(phone(), ['Hola', '1', '3', '1', '1', '1', 'santiago', '1'])).map(text);
    expect(replies[6]).toMatch(/Centros mas cercanos para Albañil:\n1\. INFOTEP Santiago, en tu ciudad\n2\. INFOTEP Santo Domingo, a 13\d km/);
    expect(replies[7]).toMatch(/Horarios libres en INFOTEP Santiago:\n1\. martes 24 de noviembre, 9:00/);
  });
});

describe('webhooks', () => {
  it('POSTs signed events, retries a failure with back-off and logs every attempt', async () => {
    const received: Array<{ body: string; signature: string; id: string }> = [];
    let failures = 1;
    const hook = express();
    hook.post('/hook', express.text({ type: '*/*' }), (req, res) => {
      if (failures-- > 0) return res.status(503).end();
      received.push({ body: req.body as string, signature: req.get('ruta-signature') ?? '', id: req.get('ruta-event-id') ?? '' });
      res.status(204).end();
    });
    const server: Server = await new Promise((resolve) => {
      const s = hook.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const registered = await api('/webhook', infotep, { method: 'PUT', body: JSON.stringify({ url }) });
      const { secret } = await registered.json();
      expect(secret).toMatch(/^whsec_/);
      expect(await (await api('/webhook', infotep)).json()).toMatchObject({ url });

      // Two INFOTEP centres now: the nearest (Santo Domingo) is chosen from the list.
      const { code } = await bookByChat(app, phone(), ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', '1', '0', '1']);
      await eventually(() => received.length === 1);
      const event = JSON.parse(received[0]!.body);
      expect(event).toMatchObject({ type: 'booking.created', by: 'worker', booking: { code, centre: 'infotep-santo-domingo', status: 'confirmed' } });
      expect(received[0]!.body).not.toMatch(/\+1809|phone|firstName/);
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(received[0]!.signature)!;
      expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${received[0]!.body}`).digest('hex'));
      expect(received[0]!.id).toBe(event.id);

      const log = (await (await api('/webhook/deliveries', infotep)).json()).deliveries;
      expect(log.slice(0, 2).map((d: { ok: boolean; status: number; attempt: number }) => [d.ok, d.status, d.attempt])).toEqual([
        [true, 204, 2],
        [false, 503, 1],
      ]);

      await api(`/bookings/${code}`, infotep, { method: 'PATCH', body: JSON.stringify({ status: 'cancelled' }) });
      await eventually(() => received.length === 2);
      expect(JSON.parse(received[1]!.body)).toMatchObject({ type: 'booking.cancelled', by: 'institution', booking: { code, status: 'cancelled_by_institution' } });
      expect((await api('/webhook', infotep, { method: 'PUT', body: JSON.stringify({ url: 'ftp://x' }) })).status).toBe(400);
    } finally {
      await api('/webhook', infotep, { method: 'DELETE' });
      await new Promise((r) => server.close(r));
    }
  });
});
