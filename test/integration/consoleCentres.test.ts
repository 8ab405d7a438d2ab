import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Centre } from '../../src/booking/centre.js';
import { ANY_TIME } from '../../src/booking/preferences.js';
import { Audit } from '../../src/console/Audit.js';
import { ConsoleClient, newPerson, visibleText } from '../support/consoleClient.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

/**
 * The centre pages of the console (issue 10): details, weekly hours, closures, instant booking
 * (onboarding) and the calendar link, driven like a browser without JavaScript would (plain forms,
 * CSRF tokens, 303 redirects), over the in-process app and real Redis, on a frozen clock:
 * Friday 2026-11-20, 08:00 in Santo Domingo.
 */
const NOW = new Date('2026-11-20T12:00:00Z');
const now = () => NOW;
let app: TestApp;
let admin: ConsoleClient;
let seq = 0;
const email = (who: string) => `${who}.${++seq}@example.org`;

/** A new INFOTEP centre as the sources give it: no address, no hours, "unknown" assessments, requests only. */
async function freshCentre(): Promise<Centre> {
  const [sample] = await app.ruta.bookings.centres.ofInstitution('infotep');
  const centre: Centre = {
    ...sample!,
    id: `infotep-prueba-${++seq}`,
    name: `INFOTEP Prueba ${seq}`,
    city: 'La Vega',
    address: null,
    phone: null,
    assesses: 'unknown',
    onboarded: false,
    availability: null,
    sample: false,
  };
  await app.ruta.bookings.centres.save(centre);
  return centre;
}
const centre = async (id: string) => (await app.ruta.bookings.centres.get(id))!;

/** Monday to Friday 08:00–12:00, and Monday afternoons 13:00–16:00; 60-minute slots for 3 people. */
const WEEK = {
  slotMinutes: '60',
  capacity: '3',
  'mon-from': '08:00', 'mon-to': '12:00', 'mon-from2': '13:00', 'mon-to2': '16:00',
  'tue-from': '08:00', 'tue-to': '12:00',
  'wed-from': '08:00', 'wed-to': '12:00',
  'thu-from': '08:00', 'thu-to': '12:00',
  'fri-from': '08:00', 'fri-to': '12:00',
  'sat-closed': '1',
  'sun-closed': '1',
};

/** A confirmed appointment for Ana on Monday 23 November at 09:00 (sample centre, instant booking). */
async function bookAna(local = '2026-11-23T09:00') {
  const booked = await app.ruta.bookings.book({
    pid: `pid-ana-${++seq}`, centreId: 'infotep-santo-domingo', occupation: 'mason', standard: { institution: 'infotep', code: null },
    channel: 'sms', contact: app.ruta.sealer.seal('+18095550147'), via: null, firstName: 'Ana', language: 'es',
    prescreen: { level: 'ready', share: 0.9, years: 6, learnedAt: 'job', evidence: ['photos'], completedAt: '2026-11-19T12:00:00.000Z' }, local,
  });
  if (!booked.ok) throw new Error(`booking refused: ${booked.reason}`);
  return booked.booking;
}

const auditOf = async (action: string) => (await new Audit(app.ruta.store, now).recent('infotep', 200)).filter((e) => e.action === action);

beforeAll(async () => {
  app = await startTestApp('console-centres', {}, undefined, { now });
  admin = await newPerson(app, now, { email: email('admin'), name: 'Rosa Admin', institution: 'infotep', role: 'admin' });
});
afterAll(async () => {
  await app.close();
});

describe('centre list and page', () => {
  it('lists the centres a person may see with city, address known, hours set and instant booking, samples labelled', async () => {
    const fresh = await freshCentre();
    const list = await admin.get('/console/centres');
    expect(list.status).toBe(200);
    const text = visibleText(list.html);
    expect(text).toContain(`${fresh.name} La Vega Falta Falta Solo solicitudes`);
    expect(text).toMatch(/INFOTEP Santo Domingo Ejemplo Santo Domingo Falta Sí Reserva inmediata/);
    const page = visibleText((await admin.get('/console/centres/infotep-santo-domingo')).html);
    expect(page).toContain('Centro de ejemplo');
    expect(page).toContain('Lunes 08:00–12:00 y 13:00–16:00');
  });
});

describe('centre details', () => {
  it('saves name, city, address, phone and what it assesses, keeps the location, and audits before and after', async () => {
    const fresh = await freshCentre();
    const saved = await admin.post(`/console/centres/${fresh.id}/details`, { name: ' INFOTEP La Vega ', city: 'La Vega', address: 'Calle Duarte 1', phone: '809 555 0100', assesses: 'some', occupations: ['mason', 'electrician'] });
    expect(saved).toMatchObject({ status: 303, location: `/console/centres/${fresh.id}` });
    const after = await centre(fresh.id);
    expect(after).toMatchObject({ name: 'INFOTEP La Vega', address: 'Calle Duarte 1', phone: '809 555 0100', assesses: ['electrician', 'mason'], location: fresh.location });
    expect(visibleText((await admin.get(`/console/centres/${fresh.id}`)).html)).toContain('Datos guardados.');
    const [entry] = await auditOf('centre.details');
    expect(entry).toMatchObject({ target: fresh.id, before: { name: fresh.name, address: null, assesses: 'unknown' }, after: { name: 'INFOTEP La Vega', address: 'Calle Duarte 1', assesses: ['electrician', 'mason'] } });
  });

  it('refuses mistakes with an error summary linking to each field, keeping what was typed', async () => {
    const fresh = await freshCentre();
    const refused = await admin.post(`/console/centres/${fresh.id}/details`, { name: '', city: 'La Vega', address: '=HYPERLINK("x")', phone: 'llámenos', assesses: 'some' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#name">Escriba el nombre del centro</a>');
    expect(refused.html).toContain('<a href="#address">');
    expect(refused.html).toContain('<a href="#phone">');
    expect(refused.html).toContain('<a href="#occupations">Marque al menos una ocupación, o elija otra respuesta</a>');
    expect(refused.html).toContain('value="llámenos"');
    expect((await centre(fresh.id)).name).toBe(fresh.name);
  });
});

describe('weekly hours', () => {
  it('saves a week with a midday break and closed days; the centre page shows it', async () => {
    const fresh = await freshCentre();
    expect((await admin.post(`/console/centres/${fresh.id}/hours`, WEEK)).status).toBe(303);
    const { availability } = await centre(fresh.id);
    expect(availability).toMatchObject({ slotMinutes: 60, capacity: 3, closedDates: [], closures: [] });
    expect(availability!.weekly).toHaveLength(6);
    expect(availability!.weekly).toContainEqual({ day: 'mon', from: '13:00', to: '16:00' });
    const page = visibleText((await admin.get(`/console/centres/${fresh.id}`)).html);
    expect(page).toContain('Horario guardado.');
    expect(page).toContain('Turnos de 60 minutos, para 3 personas a la vez.');
    expect(page).toContain('Sábado cerrado');
    const [entry] = await auditOf('centre.hours');
    expect(entry).toMatchObject({ target: fresh.id, before: null, after: { slotMinutes: 60, capacity: 3, weekly: expect.arrayContaining(['mon 13:00-16:00']) } });
  });

  it('refuses impossible hours with the day named in the error summary, keeping the input', async () => {
    const fresh = await freshCentre();
    const refused = await admin.post(`/console/centres/${fresh.id}/hours`, { ...WEEK, capacity: '0', 'mon-from': '12:00', 'mon-to': '08:00', 'tue-from': '', 'tue-to': '', 'sat-from': '09:00' });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('<a href="#capacity">Escriba cuántas personas por turno, un número entero de 1 a 200</a>');
    expect(refused.html).toContain('<a href="#mon-to">Lunes: la hora de cierre debe ser después de la de apertura</a>');
    expect(refused.html).toContain('<a href="#tue-from">Martes: escriba la hora en que abre y cierra, o marque «Cerrado»</a>');
    expect(refused.html).toContain('<a href="#sat-closed">Sábado: marcó «Cerrado» y escribió horas. Quite la marca o borre las horas</a>');
    expect(refused.html).toMatch(/id="mon-from" name="mon-from" value="12:00"/);
    expect((await centre(fresh.id)).availability).toBeNull();
  });

  it('refuses hours that would leave a confirmed appointment outside them, naming it; nothing is saved', async () => {
    const ana = await bookAna();
    const before = (await centre('infotep-santo-domingo')).availability;
    // Mondays closed: Ana's Monday 09:00 appointment would have no slot.
    const refused = await admin.post('/console/centres/infotep-santo-domingo/hours', { ...WEEK, capacity: '2', 'mon-from': '', 'mon-to': '', 'mon-from2': '', 'mon-to2': '', 'mon-closed': '1' });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('<a href="#conflicts">');
    const text = visibleText(refused.html);
    expect(text).toMatch(/\d+ citas? ya reservadas? quedarían? sin lugar con este cambio\. No se guardó nada/);
    expect(text).toContain(`${ana.code} lun 23 nov 2026, 09:00 Fuera del nuevo horario`);
    expect(text).not.toContain('Ana ');
    expect((await centre('infotep-santo-domingo')).availability).toEqual(before);
    await app.ruta.bookings.cancel(ana.code, 'institution');
  });

  it('keeps an onboarded centre open at least one day', async () => {
    const closedWeek = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [`${d}-closed`, '1']));
    const refused = await admin.post('/console/centres/infotep-santo-domingo/hours', { slotMinutes: '60', capacity: '2', ...closedWeek });
    expect(refused.status).toBe(400);
    expect(visibleText(refused.html)).toContain('necesita al menos un día abierto');
  });
});

describe('closures', () => {
  it('adds a closure with its reason (no slots those days) and removes it, both audited', async () => {
    const page = await admin.get('/console/centres/infotep-santo-domingo/closures');
    expect(visibleText(page.html)).toContain('vie 25 dic 2026 Sin motivo'); // the sample's closed date (set without a reason), listed
    const sd = await centre('infotep-santo-domingo');
    const added = await admin.post('/console/centres/infotep-santo-domingo/closures', { from: '2026-11-30', to: '2026-12-01', reason: 'Inventario' });
    expect(added).toMatchObject({ status: 303, location: '/console/centres/infotep-santo-domingo/closures' });
    const listed = visibleText((await admin.get('/console/centres/infotep-santo-domingo/closures')).html);
    expect(listed).toContain('Cierre añadido.');
    expect(listed).toContain('del lun 30 nov 2026 al mar 1 dic 2026 Inventario');
    const slots = await app.ruta.bookings.freeSlots(await centre('infotep-santo-domingo'), { limit: 200, perDay: 50 });
    expect(slots.some((s) => s.local.startsWith('2026-11-30') || s.local.startsWith('2026-12-01'))).toBe(false);
    expect(slots.some((s) => s.local.startsWith('2026-12-02'))).toBe(true);
    expect(await auditOf('centre.closure_add')).toContainEqual(expect.objectContaining({ after: { from: '2026-11-30', to: '2026-12-01', reason: 'Inventario' } }));

    expect((await admin.post('/console/centres/infotep-santo-domingo/closures/remove', { closure: 'closure:2026-11-30:2026-12-01' }, '/console/centres/infotep-santo-domingo/closures')).status).toBe(303);
    expect((await centre('infotep-santo-domingo')).availability).toEqual(sd.availability);
    expect(await auditOf('centre.closure_remove')).toHaveLength(1);
  });

  it('refuses a closure in the past, without a reason, or over a confirmed appointment', async () => {
    const bad = await admin.post('/console/centres/infotep-santo-domingo/closures', { from: '2026-11-19', to: '2026-11-18', reason: ' ' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#from">El primer día debe ser hoy o después</a>');
    expect(bad.html).toContain('<a href="#reason">Escriba el motivo del cierre</a>');
    const ana = await bookAna('2026-11-24T10:00');
    const over = await admin.post('/console/centres/infotep-santo-domingo/closures', { from: '2026-11-24', to: '', reason: 'Fumigación' });
    expect(over.status).toBe(409);
    expect(visibleText(over.html)).toContain(`${ana.code} mar 24 nov 2026, 10:00 El centro estaría cerrado ese día`);
    expect(over.html).toContain('value="Fumigación"');
    expect((await centre('infotep-santo-domingo')).availability!.closures).toEqual([]);
    await app.ruta.bookings.cancel(ana.code, 'institution');
  });
});

describe('instant booking (onboarding)', () => {
  it('refuses to onboard a centre listing what is missing, then onboards it once set; it then offers slots; stopping keeps requests', async () => {
    const fresh = await freshCentre();
    expect(await app.ruta.bookings.freeSlots(fresh)).toEqual([]);
    const refused = await admin.post(`/console/centres/${fresh.id}/onboard`, {}, `/console/centres/${fresh.id}`);
    expect(refused.status).toBe(400);
    for (const missing of ['Falta la dirección del centro', 'Falta el horario semanal', 'Faltan la duración de los turnos y las personas por turno', 'Falta decir qué ocupaciones evalúa'])
      expect(refused.html).toContain(`<a href="#onboarding">${missing}</a>`);
    expect((await centre(fresh.id)).onboarded).toBe(false);

    await admin.post(`/console/centres/${fresh.id}/details`, { name: fresh.name, city: 'La Vega', address: 'Calle Duarte 1', phone: '', assesses: 'all' });
    const stillMissing = await admin.post(`/console/centres/${fresh.id}/onboard`, {}, `/console/centres/${fresh.id}`);
    expect(stillMissing.status).toBe(400);
    expect(stillMissing.html).not.toContain('Falta la dirección del centro');
    expect(stillMissing.html).toContain('Falta el horario semanal');

    await admin.post(`/console/centres/${fresh.id}/hours`, WEEK);
    expect((await admin.post(`/console/centres/${fresh.id}/onboard`, {}, `/console/centres/${fresh.id}`)).status).toBe(303);
    const onboarded = await centre(fresh.id);
    expect(onboarded.onboarded).toBe(true);
    const slots = await app.ruta.bookings.freeSlots(onboarded);
    expect(slots[0]).toMatchObject({ local: '2026-11-23T08:00', capacity: 3 });
    expect(await auditOf('centre.onboard')).toContainEqual(expect.objectContaining({ target: fresh.id, before: { onboarded: false }, after: { onboarded: true } }));
    expect(visibleText((await admin.get(`/console/centres/${fresh.id}`)).html)).toContain('El centro ya ofrece reserva inmediata.');

    // Clearing the address of an onboarded centre is refused: onboarding needs it.
    const clear = await admin.post(`/console/centres/${fresh.id}/details`, { name: fresh.name, city: 'La Vega', address: '', phone: '', assesses: 'all' });
    expect(clear.status).toBe(400);
    expect(visibleText(clear.html)).toContain('primero desactive la reserva inmediata');

    expect((await admin.post(`/console/centres/${fresh.id}/offboard`, {}, `/console/centres/${fresh.id}`)).status).toBe(303);
    expect((await centre(fresh.id)).onboarded).toBe(false);
    expect(await app.ruta.bookings.freeSlots(await centre(fresh.id))).toEqual([]);
    expect(await auditOf('centre.offboard')).toHaveLength(1);
    const requested = await app.ruta.bookings.request({
      pid: `pid-req-${++seq}`, centreId: fresh.id, occupation: 'mason', standard: { institution: 'infotep', code: null }, channel: 'sms', contact: null, via: null, firstName: null, language: 'es', prescreen: null,
      preferences: ANY_TIME,
    });
    expect(requested.ok).toBe(true);
  });

  it('applies the same rule to the API: onboarded without address or hours is a 400 with a clear message', async () => {
    const { token } = await app.ruta.tokens.create('infotep');
    const fresh = await freshCentre();
    const body = { name: fresh.name, address: null, phone: null, location: fresh.location, timeZone: fresh.timeZone, assesses: 'unknown', onboarded: true, availability: null };
    const res = await fetch(`${app.baseUrl}/api/v1/centres/${fresh.id}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const messages = ((await res.json()) as { issues: Array<{ path: string; message: string }> }).issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^address: an onboarded centre needs its address/), expect.stringMatching(/^availability: an onboarded centre needs its weekly hours/), expect.stringMatching(/^assesses: an onboarded centre says what it assesses/)]));
    // Hours with no opening at all would leave an onboarded centre without slots: refused too.
    const empty = await fetch(`${app.baseUrl}/api/v1/centres/infotep-santo-domingo/availability`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ slotMinutes: 60, capacity: 2, weekly: [] }) });
    expect(empty.status).toBe(400);
  });
});

describe('who may do what', () => {
  it('lets staff change hours and closures of their centres, not details, instant booking or the calendar link', async () => {
    const fresh = await freshCentre();
    const staff = await newPerson(app, now, { email: email('staff'), name: 'Luis', institution: 'infotep', role: 'staff', centres: [fresh.id] });
    expect((await staff.post(`/console/centres/${fresh.id}/hours`, WEEK)).status).toBe(303);
    expect((await staff.get(`/console/centres/${fresh.id}/details`)).status).toBe(403);
    for (const action of ['onboard', 'offboard', 'calendar/new', 'calendar/off']) expect((await staff.post(`/console/centres/${fresh.id}/${action}`, {}, `/console/centres/${fresh.id}`)).status, action).toBe(403);
    const page = visibleText((await staff.get(`/console/centres/${fresh.id}`)).html);
    expect(page).not.toContain('Cambiar los datos del centro');
    expect(page).not.toContain('Crear un enlace');
    // A centre outside Luis's list answers like a missing one.
    expect((await staff.get('/console/centres/infotep-santo-domingo/hours')).status).toBe(404);
    expect((await staff.post('/console/centres/infotep-santo-domingo/hours', WEEK, `/console/centres/${fresh.id}`)).status).toBe(404);
  });

  it('answers 404 for another institution’s centre, exactly like a missing one, and changes nothing', async () => {
    const ina = await newPerson(app, now, { email: email('ina'), name: 'INA', institution: 'ina', role: 'admin' });
    const before = await centre('infotep-santo-domingo');
    for (const path of ['', '/details', '/hours', '/closures']) {
      expect((await ina.get(`/console/centres/infotep-santo-domingo${path}`)).status, path).toBe(404);
      expect((await ina.get(`/console/centres/no-such-centre${path}`)).status, path).toBe(404);
    }
    for (const action of ['details', 'hours', 'closures', 'closures/remove', 'onboard', 'offboard', 'calendar/new', 'calendar/off'])
      expect((await ina.post(`/console/centres/infotep-santo-domingo/${action}`, { ...WEEK, closure: 'date:2026-12-25' }, '/console/centres')).status, action).toBe(404);
    expect(await centre('infotep-santo-domingo')).toEqual(before);
    expect(await app.ruta.calendarLinks.get('infotep-santo-domingo')).toBeUndefined();
  });

  it('refuses a form without its CSRF token and changes nothing', async () => {
    const fresh = await freshCentre();
    const forged = await admin.post(`/console/centres/${fresh.id}/hours`, WEEK, false);
    expect(forged.status).toBe(403);
    const onboard = await admin.post(`/console/centres/${fresh.id}/calendar/new`, {}, false);
    expect(onboard.status).toBe(403);
    expect((await centre(fresh.id)).availability).toBeNull();
    expect(await app.ruta.calendarLinks.get(fresh.id)).toBeUndefined();
  });
});

describe('calendar link', () => {
  it('shows a new link once; it gives calendar apps the bookings without names or numbers; a new link or turning it off makes the old one 404', async () => {
    const ana = await bookAna('2026-11-25T11:00');
    const made = await admin.post('/console/centres/infotep-santo-domingo/calendar/new', {}, '/console/centres/infotep-santo-domingo');
    expect(made).toMatchObject({ status: 303, location: '/console/centres/infotep-santo-domingo#calendar' });
    const shown = await admin.get('/console/centres/infotep-santo-domingo');
    const link = /https:\/\/ruta\.example\.org(\/calendar\/infotep-santo-domingo\/[A-Za-z0-9_-]{43}\.ics)/.exec(shown.html)?.[1];
    expect(link).toBeDefined();
    const again = await admin.get('/console/centres/infotep-santo-domingo');
    expect(again.html).not.toContain(link!);
    expect(visibleText(again.html)).toContain('Hay un enlace activo desde el vie 20 nov 2026');

    const feed = await fetch(app.baseUrl + link!);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(feed.headers.get('cache-control')).toBe('private, no-store');
    const ics = await feed.text();
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const ev = events.find((e) => e.uid === `${ana.code}@ruta`)!;
    expect(ev.startDate.toJSDate().toISOString()).toBe('2026-11-25T15:00:00.000Z');
    expect(ev.summary).toBe(`Albañil: ${ana.code}`);
    expect(ev.description).toBe(`Ruta booking ${ana.code}\nStandard: to be confirmed (Albañil)\nStatus: confirmed`);
    expect(ics).not.toMatch(/\bAna\b/);
    expect(ics).not.toContain('8095550147');
    expect(ics).not.toMatch(/ready|Pre-screen|years/i);
    // The bearer-token feed of the API is the same feed: no name, number or pre-screen either.
    const { token } = await app.ruta.tokens.create('infotep');
    const api = await (await fetch(`${app.baseUrl}/api/v1/centres/infotep-santo-domingo/calendar.ics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(api).toContain(`UID:${ana.code}@ruta`);
    expect(api).not.toMatch(/\bAna\b|8095550147|Pre-screen/);
    // The secret is stored only as a hash, and the audit log never holds it.
    const secret = link!.split('/').pop()!.replace('.ics', '');
    const keys = await app.ruta.store.keysContaining('calendar-link');
    for (const key of keys) expect(await app.ruta.store.get(key)).not.toContain(secret);
    expect(JSON.stringify(await auditOf('calendar.link_new'))).not.toContain(secret);

    expect((await fetch(`${app.baseUrl}/calendar/infotep-santo-domingo/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/calendar/ina-san-jose/${secret}.ics`)).status).toBe(404);
    expect((await fetch(`${app.baseUrl}/calendar/infotep-santo-domingo/${secret}`)).status).toBe(404);

    await admin.post('/console/centres/infotep-santo-domingo/calendar/new', {}, '/console/centres/infotep-santo-domingo');
    const newLink = /https:\/\/ruta\.example\.org(\/calendar\/[^<"]+\.ics)/.exec((await admin.get('/console/centres/infotep-santo-domingo')).html)?.[1];
    expect(newLink).toBeDefined();
    expect((await fetch(app.baseUrl + link!)).status).toBe(404);
    expect((await fetch(app.baseUrl + newLink!)).status).toBe(200);

    expect((await admin.post('/console/centres/infotep-santo-domingo/calendar/off', {}, '/console/centres/infotep-santo-domingo')).status).toBe(303);
    expect((await fetch(app.baseUrl + newLink!)).status).toBe(404);
    expect(visibleText((await admin.get('/console/centres/infotep-santo-domingo')).html)).toContain('No hay enlace activo.');
    expect((await auditOf('calendar.link_new')).map((e) => e.target)).toEqual(['infotep-santo-domingo', 'infotep-santo-domingo']);
    expect(await auditOf('calendar.link_off')).toHaveLength(1);
    await app.ruta.bookings.cancel(ana.code, 'institution');
  });
});
