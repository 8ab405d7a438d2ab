import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Outcome } from '../../src/booking/booking.js';
import type { Preferences } from '../../src/booking/preferences.js';
import { Audit } from '../../src/console/Audit.js';
import { ConsoleClient, newPerson, visibleText } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The console's appointment pages over real HTTP and Redis, on a frozen clock: Friday 20 November
 * 2026, 11:00 in Santo Domingo. INFOTEP Santo Domingo (a sample) has published hours (Mon–Fri
 * 8–12 and 13–16, two places an hour); INFOTEP Regional Norte, added here, has none (requests only).
 */
const NOW = new Date('2026-11-20T15:00:00Z');
/** Moved only to make one request later than another (the queue's order). */
let offsetMs = 0;
const now = () => new Date(NOW.getTime() + offsetMs);
const ONBOARDED = 'infotep-santo-domingo';
const REQUESTS_ONLY = 'infotep-santiago';
const PHONE = '+18095550123';
let app: TestApp;
let admin: ConsoleClient;
let seq = 0;

/** A worker's booking made through the service, as the bot makes it (a sealed number, a first name, a pre-screen). */
async function book(local: string, centreId = ONBOARDED, extra: Partial<Booking> = {}): Promise<Booking> {
  const result = await app.ruta.bookings.book({ ...worker(extra), centreId, local });
  if (!result.ok) throw new Error(`booking refused: ${result.reason}`);
  return result.booking;
}
async function request(preferences: Preferences, centreId = REQUESTS_ONLY, extra: Partial<Booking> = {}): Promise<Booking> {
  const result = await app.ruta.bookings.request({ ...worker(extra), centreId, preferences });
  if (!result.ok) throw new Error(`request refused: ${result.reason}`);
  return result.booking;
}
function worker(extra: Partial<Booking>) {
  return {
    pid: `pid-console-bookings-${++seq}`,
    occupation: extra.occupation ?? 'mason',
    standard: { institution: 'infotep', code: null },
    channel: extra.channel ?? ('whatsapp' as const),
    contact: app.ruta.sealer.seal(`whatsapp:${PHONE}`),
    via: null,
    firstName: extra.firstName === undefined ? 'Jean' : extra.firstName,
    language: extra.language ?? ('ht' as const),
    prescreen: { level: 'ready' as const, share: 0.9, years: 12, learnedAt: 'job' as const, evidence: ['letter' as const, 'photos' as const], completedAt: '2026-11-19T12:00:00.000Z' },
  };
}

/** What a change leaves on a booking, for comparing the console's changes with the API's. */
const shape = (b: Booking | undefined) => b && { status: b.status, outcome: b.outcome, declineReason: b.declineReason, slot: b.slot?.local ?? null, history: b.history.map(({ action, by, to, from, reason, outcome }) => ({ action, by, to, from, reason, outcome })) };

async function apiPatch(code: string, token: string, body: object) {
  return fetch(`${app.baseUrl}/api/v1/bookings/${code}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const audit = () => new Audit(app.ruta.store, now).recent('infotep', 500);

let infotepToken: string;
let inaToken: string;

beforeAll(async () => {
  app = await startTestApp('console-bookings', {}, undefined, { now });
  const directory = app.ruta.bookings.centres;
  const sample = await directory.get(ONBOARDED);
  await directory.save({ ...sample!, id: REQUESTS_ONLY, name: 'INFOTEP Regional Norte', city: 'Santiago de los Caballeros', location: { lat: 19.45, lon: -70.69, precision: 'city' }, onboarded: false, availability: null, assesses: 'unknown', sample: false });
  admin = await newPerson(app, now, { email: 'ana@infotep.example', name: 'Ana', institution: 'infotep', role: 'admin' });
  infotepToken = (await app.ruta.tokens.create('infotep')).token;
  inaToken = (await app.ruta.tokens.create('ina')).token;
});
afterAll(async () => {
  await app?.close();
});

describe('console appointments list', () => {
  it("lists today's and coming appointments by day, with name, trade, channel and status, never a phone number", async () => {
    const monday = await book('2026-11-23T08:00');
    const anonymous = await book('2026-11-23T09:00', ONBOARDED, { firstName: null, channel: 'sms' });
    // A request confirmed for this afternoon: today's list.
    const today = await request({ any: true, dates: [], weekdays: [], parts: [] });
    expect((await app.ruta.bookings.confirm(today.code, '2026-11-20T16:00')).ok).toBe(true);

    const page = await admin.get('/console/appointments');
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain('Hoy, viernes, 20 de noviembre de 2026');
    expect(text).toContain('lunes, 23 de noviembre de 2026');
    expect(text.indexOf('Hoy, viernes')).toBeLessThan(text.indexOf('lunes, 23 de noviembre'));
    expect(text).toMatch(/8:00 Jean Albañil Norma de INFOTEP para el oficio INFOTEP Santo Domingo WhatsApp Confirmada Abrir/);
    expect(text).toMatch(/9:00 — Albañil .* SMS Confirmada/);
    for (const b of [monday, anonymous, today]) expect(page.html).toContain(`href="/console/bookings/${b.code}"`);
    expect(page.html).not.toContain(PHONE.slice(1));
    expect(page.html).not.toContain('5550123');

    // Filtered to one centre with the GET form (no script needed).
    const filtered = visibleText((await admin.get(`/console/appointments?centre=${REQUESTS_ONLY}`)).html);
    expect(filtered).toContain('Hoy, viernes');
    expect(filtered).not.toContain('lunes, 23 de noviembre');
    expect((await admin.get('/console/appointments?centre=ina-san-jose')).status).toBe(404);
  });

  it('shows staff limited to one centre only that centre, and 404 for the bookings of the others', async () => {
    const there = await book('2026-11-24T08:00');
    const elsewhere = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const luis = await newPerson(app, now, { email: 'luis@infotep.example', name: 'Luis', institution: 'infotep', role: 'staff', centres: [ONBOARDED] });
    const list = await luis.get('/console/appointments');
    expect(list.html).toContain(`/console/bookings/${there.code}`);
    expect(list.html).not.toContain('INFOTEP Regional Norte');
    expect(list.html).not.toContain('name="centre"');
    expect((await luis.get(`/console/appointments?centre=${REQUESTS_ONLY}`)).status).toBe(404);
    expect((await luis.get('/console/requests')).html).not.toContain(elsewhere.code);
    const missing = await luis.get('/console/bookings/ZZZZZZ');
    const hidden = await luis.get(`/console/bookings/${elsewhere.code}`);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    const title = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1];
    expect(title(hidden.html)).toBe(title(missing.html));
    expect((await luis.get(`/console/requests/${elsewhere.code}`)).status).toBe(404);
    expect((await luis.post(`/console/requests/${elsewhere.code}/decline`, { reason: 'other' }, '/console/appointments')).status).toBe(404);
    expect((await app.ruta.bookings.get(elsewhere.code))?.status).toBe('requested');
  });
});

describe('console booking page', () => {
  it('shows centre, time, worker, trade, pre-screen, evidence, channel, language, status and the history', async () => {
    const b = await book('2026-11-24T09:00');
    const page = await admin.get(`/console/bookings/${b.code.toLowerCase()}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.html);
    expect(text).toContain(`Cita ${b.code}`);
    expect(text).toMatch(/Centro INFOTEP Santo Domingo ?, Santo Domingo/);
    expect(text).toContain('Día y hora martes, 24 de noviembre de 2026, 9:00');
    expect(text).toContain('Nombre Jean Oficio Albañil');
    expect(text).toContain('Preparado: hace bien el 90 % de las tareas; 12 años de experiencia, aprendió en el trabajo.');
    expect(text).toContain('Pruebas que traerá Una carta de un empleador Fotos o videos de su trabajo');
    expect(text).toContain('Canal WhatsApp Idioma Criollo haitiano Estado Confirmada');
    expect(text).toMatch(/Historial 20 nov 2026, 11:00 Reservada por el trabajador · martes, 24 nov, 9:00/);
    expect(page.html).not.toContain('5550123');

    // The same page in English (the language links set this cookie).
    const english = new ConsoleClient(app.baseUrl);
    for (const [k, v] of admin.cookies) english.cookies.set(k, v);
    english.cookies.set('lang', 'en');
    const en = visibleText((await english.get(`/console/bookings/${b.code}`)).html);
    expect(en).toContain(`Appointment ${b.code}`);
    expect(en).toContain('Day and time Tuesday, November 24, 2026 at 9:00 AM');
    expect(en).toContain('Ready: 90% of the tasks done well; 12 years of experience, learned at work.');
    expect(en).toContain('Language Haitian Creole Status Confirmed');
    expect(en).toMatch(/History Nov 20, 2026, 11:00 AM Booked by the worker · Tuesday, Nov 24, 9:00 AM/);
  });

  it('marks attended and records an outcome exactly as the API does, each change audited', async () => {
    const viaConsole = await book('2026-11-25T08:00');
    const viaApi = await book('2026-11-25T08:00');
    const path = `/console/bookings/${viaConsole.code}`;

    const attended = await admin.post(`${path}/attended`, {}, path);
    expect(attended).toMatchObject({ status: 303, location: `${path}?done=attended` });
    expect((await apiPatch(viaApi.code, infotepToken, { status: 'attended' })).status).toBe(200);
    const after = await admin.get(attended.location!);
    expect(visibleText(after.html)).toContain('Marcada: asistió. Se le dio las gracias al trabajador.');
    expect(after.html).toContain('role="status"');

    // The outcome is a choice: none chosen is an error in the summary, linked to the radios.
    const none = await admin.post(`${path}/outcome`, {}, path);
    expect(none.status).toBe(400);
    expect(none.html).toContain('<a href="#outcome">Elija el resultado</a>');
    const outcome: Outcome = 'referred_to_training';
    expect((await admin.post(`${path}/outcome`, { outcome }, path)).status).toBe(303);
    expect((await apiPatch(viaApi.code, infotepToken, { outcome })).status).toBe(200);

    const [mine, theirs] = [await app.ruta.bookings.get(viaConsole.code), await app.ruta.bookings.get(viaApi.code)];
    expect(mine).toMatchObject({ status: 'attended', outcome: 'referred_to_training' });
    expect(shape(mine)).toEqual(shape(theirs));
    expect(visibleText((await admin.get(path)).html)).toMatch(/Marcada: asistió por el centro .* Resultado anotado por el centro · Enviado a formación/);

    const entries = (await audit()).filter((e) => e.target === viaConsole.code);
    expect(entries.map((e) => e.action)).toEqual(['booking.outcome', 'booking.attended']);
    expect(entries[1]).toMatchObject({ who: 'ana@infotep.example', before: { status: 'confirmed', time: '2026-11-25T08:00', outcome: null }, after: { status: 'attended' } });
    expect(entries[0]).toMatchObject({ before: { outcome: null }, after: { outcome: 'referred_to_training' } });
  });

  it('marks a no-show like the API; a second mark is refused with a message, not a change', async () => {
    const viaConsole = await book('2026-11-25T09:00');
    const viaApi = await book('2026-11-25T09:00');
    const path = `/console/bookings/${viaConsole.code}`;
    expect((await admin.post(`${path}/no-show`, {}, path)).status).toBe(303);
    expect((await apiPatch(viaApi.code, infotepToken, { status: 'no_show' })).status).toBe(200);
    expect(shape(await app.ruta.bookings.get(viaConsole.code))).toEqual(shape(await app.ruta.bookings.get(viaApi.code)));
    const again = await admin.post(`${path}/attended`, {}, path);
    expect(again.status).toBe(409);
    expect(visibleText(again.html)).toContain('Esta cita ya no está en curso');
    expect((await app.ruta.bookings.get(viaConsole.code))?.status).toBe('no_show');
  });

  it('moves an appointment to a free published time, refusing a missing, past, closed or full one with the input kept', async () => {
    const b = await book('2026-11-26T08:00');
    const twin = await book('2026-11-26T08:00');
    const path = `/console/bookings/${b.code}`;
    const move = (moveDate: string, moveTime: string) => admin.post(`${path}/move`, { moveDate, moveTime }, path);

    const missing = await move('', '');
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('<a href="#moveDate">Escriba el día</a>');
    expect(missing.html).toContain('<a href="#moveTime">Escriba la hora</a>');
    const past = await move('2026-11-19', '09:00');
    expect(past.html).toContain('<a href="#moveDate">El día y la hora deben ser en el futuro</a>');
    expect(past.html).toContain('value="2026-11-19"');
    const closed = await move('2026-11-28', '09:00');
    expect(closed.html).toContain('<a href="#moveTime">El centro no atiende a esa hora: elija una de sus horas</a>');
    await book('2026-11-27T10:00');
    await book('2026-11-27T10:00');
    const full = await move('2026-11-27', '10:00');
    expect(full.status).toBe(409);
    expect(full.html).toContain('<a href="#moveTime">Esa hora ya no tiene plazas libres: elija otra</a>');
    expect((await app.ruta.bookings.get(b.code))?.slot?.local).toBe('2026-11-26T08:00');

    expect(await move('2026-11-27', '11:00')).toMatchObject({ status: 303, location: `${path}?done=moved` });
    expect((await apiPatch(twin.code, infotepToken, { start: '2026-11-27T11:00' })).status).toBe(200);
    expect(shape(await app.ruta.bookings.get(b.code))).toEqual(shape(await app.ruta.bookings.get(twin.code)));
    expect(await app.ruta.bookings.store.taken(ONBOARDED, ['2026-11-26T08:00', '2026-11-27T11:00'])).toEqual([0, 2]);
    expect(visibleText((await admin.get(path)).html)).toContain('Cambiada de hora por el centro · de jueves, 26 nov, 8:00 a viernes, 27 nov, 11:00');
    expect((await audit()).find((e) => e.target === b.code)).toMatchObject({ action: 'booking.moved', before: { time: '2026-11-26T08:00' }, after: { time: '2026-11-27T11:00' } });
  });

  it('cancels only after a confirmation page, like the API', async () => {
    const b = await book('2026-11-30T08:00');
    const twin = await book('2026-11-30T08:00');
    const path = `/console/bookings/${b.code}`;
    const confirm = await admin.get(`${path}/cancel`);
    expect(visibleText(confirm.html)).toContain(`¿Cancelar la cita ${b.code}? Se cancelará la cita del lunes, 30 de noviembre de 2026, 8:00.`);
    expect((await app.ruta.bookings.get(b.code))?.status).toBe('confirmed');
    expect(await admin.post(`${path}/cancel`, {}, `${path}/cancel`)).toMatchObject({ status: 303, location: `${path}?done=cancelled` });
    expect((await apiPatch(twin.code, infotepToken, { status: 'cancelled' })).status).toBe(200);
    expect(shape(await app.ruta.bookings.get(b.code))).toMatchObject({ status: 'cancelled_by_institution' });
    expect(shape(await app.ruta.bookings.get(b.code))).toEqual(shape(await app.ruta.bookings.get(twin.code)));
    expect((await audit()).find((e) => e.target === b.code)).toMatchObject({ action: 'booking.cancelled', after: { status: 'cancelled_by_institution' } });
  });

  it('refuses a change without the CSRF token and leaves the booking as it was', async () => {
    const b = await book('2026-11-30T09:00');
    const refused = await admin.post(`/console/bookings/${b.code}/attended`, {}, false);
    expect(refused.status).toBe(403);
    expect(visibleText(refused.html)).toContain('No pudimos guardar el formulario');
    expect((await app.ruta.bookings.get(b.code))?.status).toBe('confirmed');
    expect((await audit()).some((e) => e.target === b.code)).toBe(false);
  });

  it("answers 404 for another institution's booking, in the console as in the API with that institution's token", async () => {
    const ina = await book('2026-11-23T08:00', 'ina-san-jose');
    for (const path of [`/console/bookings/${ina.code}`, `/console/bookings/${ina.code}/cancel`, `/console/requests/${ina.code}`]) expect((await admin.get(path)).status).toBe(404);
    expect((await admin.post(`/console/bookings/${ina.code}/attended`, {}, '/console/appointments')).status).toBe(404);
    expect((await app.ruta.bookings.get(ina.code))?.status).toBe('confirmed');
    // INFOTEP's token cannot see INA's booking; INA's can, and cannot see INFOTEP's.
    const own = await book('2026-11-23T10:00');
    expect((await apiPatch(ina.code, infotepToken, { status: 'attended' })).status).toBe(404);
    expect((await apiPatch(own.code, inaToken, { status: 'attended' })).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/api/v1/bookings/${own.code}`, { headers: { authorization: `Bearer ${inaToken}` } })).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/api/v1/bookings/${ina.code}`, { headers: { authorization: `Bearer ${inaToken}` } })).status).toBe(200);
  });
});

describe('console requests', () => {
  it('queues requests oldest first with when the worker can go in plain words; the home page counts them', async () => {
    const first = await request({ any: false, dates: [], weekdays: ['mon', 'fri'], parts: ['morning'] }, REQUESTS_ONLY, { firstName: 'Marie' });
    offsetMs = 60_000;
    const second = await request({ any: false, dates: ['2026-11-27'], weekdays: [], parts: [] }, REQUESTS_ONLY, { firstName: null, occupation: 'electrician' }).finally(() => (offsetMs = 0));
    const page = await admin.get('/console/requests');
    const text = visibleText(page.html);
    expect(text).toContain('Marie Albañil Norma de INFOTEP para el oficio INFOTEP Regional Norte lunes o viernes, por la mañana WhatsApp Responder');
    expect(text).toContain('viernes, 27 de noviembre, a cualquier hora');
    expect(text.indexOf(first.code)).toBeLessThan(text.indexOf(second.code));
    expect(visibleText((await admin.get('/console')).html)).toMatch(/\d+ citas? hoy \d+ solicitud(es)? esperan? respuesta/);
  });

  it('confirms a request with a time like the API; a missing or past time is shown in the error summary with the input kept', async () => {
    const viaConsole = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const viaApi = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const path = `/console/requests/${viaConsole.code}`;
    const page = await admin.get(path);
    expect(visibleText(page.html)).toContain(`Solicitud ${viaConsole.code} Código ${viaConsole.code} Centro INFOTEP Regional Norte`);
    expect(visibleText(page.html)).toContain('Cuándo dijo que puede ir Cualquier día y hora');

    const missing = await admin.post(`${path}/confirm`, { confirmDate: '2026-11-25', confirmTime: '' }, path);
    expect(missing.status).toBe(400);
    expect(missing.html).toMatch(/class="error-summary" role="alert"[^>]*autofocus/);
    expect(missing.html).toContain('<a href="#confirmTime">Escriba la hora</a>');
    expect(missing.html).toContain('value="2026-11-25"');
    const past = await admin.post(`${path}/confirm`, { confirmDate: '2026-11-20', confirmTime: '10:00' }, path);
    expect(past.html).toContain('<a href="#confirmDate">El día y la hora deben ser en el futuro</a>');
    expect((await app.ruta.bookings.get(viaConsole.code))?.status).toBe('requested');

    // A centre without published hours takes any future time its staff set.
    expect(await admin.post(`${path}/confirm`, { confirmDate: '2026-11-25', confirmTime: '14:30' }, path)).toMatchObject({ status: 303, location: `/console/bookings/${viaConsole.code}?done=confirmed` });
    expect((await apiPatch(viaApi.code, infotepToken, { status: 'confirmed', start: '2026-11-25T14:30' })).status).toBe(200);
    const confirmed = await app.ruta.bookings.get(viaConsole.code);
    expect(confirmed).toMatchObject({ status: 'confirmed', slot: { start: '2026-11-25T14:30:00-04:00' } });
    expect(shape(confirmed)).toEqual(shape(await app.ruta.bookings.get(viaApi.code)));
    expect((await audit()).find((e) => e.target === viaConsole.code)).toMatchObject({ action: 'booking.confirmed', before: { status: 'requested', time: null }, after: { status: 'confirmed', time: '2026-11-25T14:30' } });
    // Answered: its request page leads to the booking page.
    expect(await admin.get(path)).toMatchObject({ status: 303, location: `/console/bookings/${viaConsole.code}` });
    expect((await admin.get('/console/requests')).html).not.toContain(viaConsole.code);
  });

  it('proposes a time and declines with a reason like the API; a decline without a reason is refused', async () => {
    const proposed = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const proposedApi = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const path = `/console/requests/${proposed.code}`;
    expect((await admin.post(`${path}/propose`, { proposeDate: '2026-11-26', proposeTime: '10:00' }, path)).status).toBe(303);
    expect((await apiPatch(proposedApi.code, infotepToken, { status: 'proposed', start: '2026-11-26T10:00' })).status).toBe(200);
    expect(shape(await app.ruta.bookings.get(proposed.code))).toMatchObject({ status: 'proposed', slot: '2026-11-26T10:00' });
    expect(shape(await app.ruta.bookings.get(proposed.code))).toEqual(shape(await app.ruta.bookings.get(proposedApi.code)));
    // Until the worker answers, the centre can still confirm, change or withdraw the proposed time.
    expect(visibleText((await admin.get(`/console/bookings/${proposed.code}`)).html)).toContain('Estado Hora propuesta ¿Qué quiere hacer? Confirmar o cambiar la hora propuesta');
    expect((await admin.get(path)).status).toBe(200);

    const declined = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const declinedApi = await request({ any: true, dates: [], weekdays: [], parts: [] });
    const dpath = `/console/requests/${declined.code}`;
    const none = await admin.post(`${dpath}/decline`, {}, dpath);
    expect(none.status).toBe(400);
    expect(none.html).toContain('<a href="#reason">Elija por qué el centro no puede aceptar la solicitud</a>');
    expect((await admin.post(`${dpath}/decline`, { reason: 'documents_needed' }, dpath)).status).toBe(303);
    expect((await apiPatch(declinedApi.code, infotepToken, { status: 'declined', reason: 'documents_needed' })).status).toBe(200);
    expect(shape(await app.ruta.bookings.get(declined.code))).toMatchObject({ status: 'declined', declineReason: 'documents_needed' });
    expect(shape(await app.ruta.bookings.get(declined.code))).toEqual(shape(await app.ruta.bookings.get(declinedApi.code)));
    const page = visibleText((await admin.get(`/console/bookings/${declined.code}?done=declined`)).html);
    expect(page).toContain('Solicitud rechazada. Se le dijo el motivo al trabajador.');
    expect(page).toContain('Estado Rechazada Primero hacen falta documentos');
    expect((await audit()).find((e) => e.target === declined.code)).toMatchObject({ action: 'booking.declined', after: { status: 'declined' } });
  });

  it('at a centre with published hours, refuses a time it is not open and one that is full', async () => {
    const r = await request({ any: true, dates: [], weekdays: [], parts: [] }, ONBOARDED);
    const path = `/console/requests/${r.code}`;
    const closed = await admin.post(`${path}/confirm`, { confirmDate: '2026-11-23', confirmTime: '12:30' }, path);
    expect(closed.html).toContain('<a href="#confirmTime">El centro no atiende a esa hora: elija una de sus horas</a>');
    await book('2026-12-01T13:00');
    await book('2026-12-01T13:00');
    const full = await admin.post(`${path}/propose`, { proposeDate: '2026-12-01', proposeTime: '13:00' }, path);
    expect(full.status).toBe(409);
    expect(full.html).toContain('<a href="#proposeTime">Esa hora ya no tiene plazas libres: elija otra</a>');
    expect(full.html).toContain('value="2026-12-01"');
    expect((await app.ruta.bookings.get(r.code))?.status).toBe('requested');
  });
});

describe('console export', () => {
  it('downloads the CSV of a period without phone numbers, and records the download', async () => {
    const b = await book('2026-12-02T08:00');
    const form = await admin.get('/console/export');
    expect(form.html).toContain('value="2026-10-21"');
    expect(form.html).toContain('value="2027-02-18"');
    const bad = await admin.post('/console/export', { centre: '', from: '2026-12-05', to: '2026-12-01' }, '/console/export');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#to">El último día debe ser el mismo que el primero o después</a>');
    const other = await admin.post('/console/export', { centre: 'ina-san-jose', from: '2026-12-01', to: '2026-12-05' }, '/console/export');
    expect(other.html).toContain('<a href="#centre">Elija uno de sus centros</a>');

    const csv = await admin.post('/console/export', { centre: ONBOARDED, from: '2026-12-02', to: '2026-12-02' }, '/console/export');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="ruta-${ONBOARDED}-2026-12-02-2026-12-02.csv"`);
    const [header, ...rows] = csv.html.trim().split('\r\n');
    expect(header).not.toContain('phone');
    expect(header!.split(',')).toContain('first_name');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(b.code);
    expect(csv.html).not.toContain('5550123');
    expect((await audit())[0]).toMatchObject({ who: 'ana@infotep.example', action: 'booking.export', target: ONBOARDED, after: { from: '2026-12-02', to: '2026-12-02', rows: 1 } });
  });
});
