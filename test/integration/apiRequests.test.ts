import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import openapi from '../../api/openapi.json' with { type: 'json' };
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/**
 * Requests through the institution API, on the real directory (INFOTEP Regional Norte in Santiago
 * takes requests; it has no published hours): the queue, each answer a centre can give, the
 * refusals, what the worker is told — and every booking the API returns is checked against the
 * schema api/openapi.json publishes, so the document cannot drift from what the API sends.
 */
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
let twilio: FakeTwilio;
let infotep: string;
let ina: string;

const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema(openapi, 'openapi.json');
const validBooking = ajv.getSchema('openapi.json#/components/schemas/Booking')!;
/** Fails with the validator's words when a booking the API sent is not what the document says. */
function documented(booking: unknown): void {
  const ok = validBooking(booking);
  expect(ok ? [] : validBooking.errors, 'the booking matches api/openapi.json').toEqual([]);
}

interface ApiResponse extends Response {
  json(): Promise<any>;
}
const api = (path: string, token: string, init: RequestInit = {}): Promise<ApiResponse> =>
  fetch(`${app.baseUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
const patch = (code: string, body: unknown, token = infotep) => api(`/bookings/${code}`, token, { method: 'PATCH', body: JSON.stringify(body) });

let n = 0;
async function request(): Promise<{ code: string; from: string }> {
  const from = `+1809${String(7300000 + ++n)}`;
  const replies = (await app.chat(from, ['Hola', '1', '3', '1', '1', '1', 'Santiago', '1', 'cualquier dia', '0', '1'])).map(text);
  const code = /Codigo: \*?([A-Z0-9]{6})/.exec(replies.at(-1)!)?.[1];
  if (!code) throw new Error(`no request code in: ${replies.at(-1)}`);
  return { code, from };
}
const sentTo = (to: string) => twilio.accepted.filter((m) => m.form.To === to).map((m) => m.form.Body ?? '');

beforeAll(async () => {
  twilio = await startFakeTwilio();
  app = await startTestApp('apireq', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url }, undefined, {
    now: () => NOW,
    centres: loadCentres(Catalog.load(), { samples: true }),
  });
  infotep = (await app.ruta.tokens.create('infotep')).token;
  ina = (await app.ruta.tokens.create('ina')).token;
});
afterAll(async () => {
  await app.close();
  await twilio.close();
});

describe('requests through the API', () => {
  it('lists open requests with the worker\'s preferences, per institution and per centre', async () => {
    const { code } = await request();
    const all = await (await api('/requests', infotep)).json();
    const mine = all.requests.find((r: { code: string }) => r.code === code);
    expect(mine).toMatchObject({ status: 'requested', centre: 'infotep-santiago', start: null, end: null, preferences: { any: true }, history: [{ action: 'requested', by: 'worker' }] });
    all.requests.forEach(documented);
    expect((await (await api('/requests?centre=infotep-santiago', infotep)).json()).requests.map((r: { code: string }) => r.code)).toContain(code);
    // Another institution sees none of them, and cannot name INFOTEP's centre.
    expect((await (await api('/requests', ina)).json()).requests).toEqual([]);
    expect((await api('/requests?centre=infotep-santiago', ina)).status).toBe(404);
    expect((await api(`/bookings/${code}`, ina)).status).toBe(404);
    expect((await patch(code, { status: 'declined', reason: 'other' }, ina)).status).toBe(404);
  });

  it('confirm with a time → attended → outcome; each step documented, told to the worker and kept in the history', async () => {
    const { code, from } = await request();
    const confirmed = await patch(code, { status: 'confirmed', start: '2026-11-27T14:00' });
    expect(confirmed.status).toBe(200);
    const c = await confirmed.json();
    documented(c);
    expect(c).toMatchObject({ status: 'confirmed', start: '2026-11-27T14:00:00-04:00', end: '2026-11-27T15:00:00-04:00' });
    await eventually(() => sentTo(from).length === 1);
    expect(sentTo(from)[0]).toMatch(/confirmo tu evaluacion para el viernes 27 de noviembre, 14:00/);
    // No longer in the queue.
    expect((await (await api('/requests', infotep)).json()).requests.map((r: { code: string }) => r.code)).not.toContain(code);
    // An outcome before attendance does not fit.
    expect(await (await patch(code, { outcome: 'competent' })).json()).toMatchObject({ error: 'wrong_status' });
    documented(await (await patch(code, { status: 'attended' })).json());
    const outcome = await (await patch(code, { outcome: 'referred_to_training' })).json();
    documented(outcome);
    expect(outcome).toMatchObject({ status: 'attended', outcome: 'referred_to_training' });
    expect(outcome.history.map((h: { action: string; by: string }) => `${h.action}/${h.by}`)).toEqual(['requested/worker', 'confirmed/institution', 'attended/institution', 'outcome/institution']);
    await eventually(() => sentTo(from).length === 3);
    expect(sentTo(from)[2]).toMatch(/te recomiendan un curso\. Pregunta a INFOTEP por los cursos/);
  });

  it('propose a time, then decline; a declined request cannot be confirmed', async () => {
    const { code, from } = await request();
    const proposed = await (await patch(code, { status: 'proposed', start: '2026-11-30T09:00' })).json();
    documented(proposed);
    expect(proposed).toMatchObject({ status: 'proposed', start: '2026-11-30T09:00:00-04:00' });
    const declined = await (await patch(code, { status: 'declined', reason: 'documents_needed' })).json();
    documented(declined);
    // The proposed time stays on the record (as a cancelled appointment keeps its time), but holds no place.
    expect(declined).toMatchObject({ status: 'declined', declineReason: 'documents_needed' });
    expect(await app.ruta.bookings.store.taken('infotep-santiago', ['2026-11-30T09:00'])).toEqual([0]);
    await eventually(() => sentTo(from).length === 2);
    expect(sentTo(from)[1]).toMatch(/Te piden documentos antes de darte cita\. Pregunta a INFOTEP cuales\./);
    const late = await patch(code, { status: 'confirmed', start: '2026-11-30T09:00' });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: 'not_active' });
  });

  it('refuses what cannot be: a time in the past, a malformed time, an unknown reason, fields mixed', async () => {
    const { code } = await request();
    const past = await patch(code, { status: 'confirmed', start: '2026-11-19T10:00' });
    expect(past.status).toBe(409);
    expect(await past.json()).toMatchObject({ error: 'unavailable' });
    expect((await patch(code, { status: 'confirmed', start: 'tomorrow' })).status).toBe(400);
    expect((await patch(code, { status: 'declined', reason: 'because' })).status).toBe(400);
    expect((await patch(code, { status: 'declined', reason: 'other', start: '2026-11-27T14:00' })).status).toBe(400);
    expect((await patch(code, { status: 'confirmed' })).status).toBe(400);
    // Still a request, untouched.
    const after = await (await api(`/bookings/${code}`, infotep)).json();
    documented(after);
    expect(after).toMatchObject({ status: 'requested', history: [{ action: 'requested' }] });
  });

  it('a request reaches the institution at once by webhook (booking.requested), and so does its answer, without the number or name', async () => {
    const received: Array<{ type: string; by: string; booking: { code: string; status: string; preferences: unknown } }> = [];
    const raw: string[] = [];
    const hook = express();
    hook.post('/hook', express.text({ type: '*/*' }), (req, res) => {
      raw.push(req.body as string);
      received.push(JSON.parse(req.body as string));
      res.status(204).end();
    });
    const server: Server = await new Promise((resolve) => {
      const s = hook.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect((await api('/webhook', infotep, { method: 'PUT', body: JSON.stringify({ url }) })).status).toBe(200);
      const { code, from } = await request();
      await eventually(() => received.length === 1);
      expect(received[0]).toMatchObject({ type: 'booking.requested', by: 'worker', booking: { code, status: 'requested', preferences: { any: true } } });
      await patch(code, { status: 'declined', reason: 'not_assessed_here' });
      await eventually(() => received.length === 2);
      expect(received[1]).toMatchObject({ type: 'booking.declined', by: 'institution', booking: { code, status: 'declined' } });
      expect(raw.join()).not.toContain(from.slice(1));
    } finally {
      await api('/webhook', infotep, { method: 'DELETE' });
      await new Promise((r) => server.close(r));
    }
  });
});
