import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import type { TwilioReply } from '../../src/tools/twilioClient.js';
import { bookByChat, BOOK_MASON_ES } from '../support/bookingJourney.js';
import { SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

// Friday 20 November 2026, 15:00 UTC: the first free slots are on Monday 23.
// (Many workers racing for one slot across two server processes: test/processes/bookingRace.test.ts.)
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('booking', {}, undefined, { now: () => NOW });
});
afterAll(async () => {
  await app.close();
});

let n = 0;
const phone = (prefix: string) => `${prefix}${String(6000000 + ++n)}`;
const all = (replies: TwilioReply[]) => replies.map(text);

describe('booking journeys over the Twilio webhook (real Redis)', () => {
  it('es, SMS: a typed town, the nearest centre, slots in Spanish, a code, what to bring; CITA shows, moves and cancels it', async () => {
    const from = phone('+1809');
    const { code, replies } = await bookByChat(app, from, BOOK_MASON_ES('Santiago de los Caballeros'));
    expect(replies[5]).toMatch(/Vamos a buscar un dia para tu evaluacion: Albañil\.[\s\S]*¿En qué ciudad o pueblo estas\?/);
    expect(replies[6]).toMatch(/El centro mas cercano para Albañil: INFOTEP Santo Domingo, a 13\d km\./);
    expect(replies[6]).toMatch(/1\. lunes 23 de noviembre, 8:00\n2\. lunes 23 de noviembre, 9:00\n3\. martes 24 de noviembre, 8:00/);
    expect(replies[8]).toMatch(/Centro: INFOTEP Santo Domingo\nDireccion: por confirmar, pregunta a INFOTEP\nDia: lunes 23 de noviembre, 8:00\nEvaluacion: Albañil/);
    expect(replies[8]).toMatch(/INFOTEP vera tu numero/);
    const done = replies[9]!;
    expect(code).toMatch(/^[ACEFHKMNPRTWXY3479]{6}$/);
    expect(done).toMatch(/Qu(e|é) llevar:[\s\S]*Pregunta a INFOTEP qu(e|é) documento[\s\S]*Fotos o videos de muros/);
    expect(done).toMatch(/escribe CITA/);

    const booking = await app.ruta.bookings.get(code);
    expect(booking).toMatchObject({ status: 'confirmed', centreId: 'infotep-santo-domingo', occupation: 'mason', channel: 'sms', firstName: null, language: 'es', slot: { start: '2026-11-23T08:00:00-04:00' } });
    expect(booking!.pid).toBe(pseudonymize(SECRET, from));
    // The number is stored only sealed, and opens to the sender's address.
    expect(JSON.stringify(booking)).not.toContain(from.slice(1));
    expect(app.ruta.sealer.open(booking!.contact!)).toBe(from);

    const [shown, slots, moved] = all(await app.chat(from, ['cita', '1', '2']));
    expect(shown).toMatch(new RegExp(`Tu cita \\(codigo ${code}\\):[\\s\\S]*lunes 23 de noviembre, 8:00[\\s\\S]*1\\. Cambiar el dia o la hora`));
    expect(slots).not.toMatch(/lunes 23 de noviembre, 8:00/);
    expect(moved).toMatch(new RegExp(`Listo: tu cita ${code} cambio al .*`));
    const after = await app.ruta.bookings.get(code);
    expect(after!.slot!.local).not.toBe('2026-11-23T08:00');
    expect(await app.ruta.bookings.store.taken('infotep-santo-domingo', ['2026-11-23T08:00', after!.slot!.local])).toEqual([0, 1]);

    const [confirm, cancelled] = all(await app.chat(from, ['CITA', '2', '1']).then((r) => r.slice(1)));
    expect(confirm).toMatch(/¿Seguro que quieres cancelar tu cita/);
    expect(cancelled).toMatch(new RegExp(`Tu cita ${code} fue cancelada`));
    expect((await app.ruta.bookings.get(code))?.status).toBe('cancelled');
    const [none] = all(await app.chat(from, ['cita']));
    expect(none).toMatch(/No tienes citas activas/);
  });

  it('en, WhatsApp: a shared location finds the centre; dates in English; a first name is kept for the centre', async () => {
    const from = phone('+506');
    const lines = ['Hi', '1', '3', '1', '1', '1'];
    const replies = all(await app.chat(from, lines, { channel: 'whatsapp' }));
    expect(replies[5]).toMatch(/Write it or share your location/);
    const [located] = all([await app.send(`${from}`, '', { channel: 'whatsapp', extra: { Latitude: '9.9281', Longitude: '-84.0907', Address: 'San José', Label: 'Home' } })]);
    expect(located).toMatch(/The nearest centre for Mason \/ bricklayer: INA San José, 1 km away\./);
    expect(located).toMatch(/1\. Monday 23 November, 8:00/);
    const [name, confirm, done] = all(await app.chat(from, ['1', 'Maria', 'yes'], { channel: 'whatsapp' }));
    expect(name).toMatch(/Write only your first name/);
    expect(confirm).toMatch(/Day: Monday 23 November, 8:00/);
    expect(done).toMatch(/Appointment booked\. Code: \*[A-Z0-9]{6}\*/);
    const [b] = await app.ruta.bookings.store.byWorker(pseudonymize(SECRET, `whatsapp:${from}`));
    expect(b).toMatchObject({ firstName: 'Maria', channel: 'whatsapp', via: 'whatsapp:+15005550006', timeZone: 'America/Costa_Rica', slot: { start: '2026-11-23T08:00:00-06:00' } });
  });

  it('ht, WhatsApp: a Haitian worker in the Dominican Republic books in Creole', async () => {
    const from = phone('+1829');
    const replies = all(await app.chat(from, ['Bonjou', '1', '3', '1', '1', '1', 'Higuey', '3', 'Jean', '1'], { channel: 'whatsapp' }));
    expect(replies[5]).toMatch(/Ann chèche yon jou pou evalyasyon ou: Bòs mason\./);
    expect(replies[6]).toMatch(/Sant ki pi pre a pou Bòs mason: INFOTEP Santo Domingo, a 1\d\d km\.[\s\S]*1\. lendi 23 novanm, 8:00/);
    expect(replies[8]).toMatch(/Jou: madi 24 novanm, 8:00/);
    expect(replies[9]).toMatch(/Randevou a rezève\. Kòd: \*[A-Z0-9]{6}\*[\s\S]*Sa pou w pote:[\s\S]*ekri RANDEVOU/);
    const [shown] = all(await app.chat(from, ['randevou'], { channel: 'whatsapp' }));
    expect(shown).toMatch(/Randevou ou \(kòd \*[A-Z0-9]{6}\*\):[\s\S]*madi 24 novanm, 8:00/);
  });

  it('asks "which one?" for a town found in two provinces, and offers the provinces for an unknown one', async () => {
    const from = phone('+506');
    const replies = all(await app.chat(from, ['Hola', '1', '3', '1', '1', '1', 'San José']));
    expect(replies[6]).toMatch(/¿Cual de estos lugares\?\n1\. San José \(Alajuela\)\n2\. San José\n3\. Ninguno de estos|¿Cual de estos lugares\?\n1\. San José \(Alajuela\)\n2\. San José \(San José\)\n3\. Ninguno de estos/);
    const [picked] = all(await app.chat(from, ['2']));
    expect(picked).toMatch(/INA San José, en tu ciudad/);

    const other = phone('+506');
    const [, , , , , , unknown, region] = all(await app.chat(other, ['Hola', '1', '3', '1', '1', '1', 'Xyzzyville', 'Heredia']));
    expect(unknown).toMatch(/No encontré ese lugar en Costa Rica\.\n\nElige tu provincia, departamento o estado, o escribe otro pueblo cercano:\n1\. [\s\S]*\d+\. Heredia/);
    expect(region).toMatch(/INA San José, a \d+ km/);
  });

  it('from the end of a pre-screen: trade and country are known, and the result goes with the booking', async () => {
    const from = phone('+1809');
    const prescreen = ['Hola', '1', '2', '1', 'soy albañil', '1', '10', '1', '1 2', '1', '1', '1', '1', '1', '1', '1'];
    const replies = all(await app.chat(from, prescreen));
    expect(replies[replies.length - 1]).toMatch(/2\. Reservar una evaluacion/);
    const [where] = all(await app.chat(from, ['2']));
    expect(where).toMatch(/Vamos a buscar un dia para tu evaluacion: Albañil\.[\s\S]*¿En qué ciudad/);
    const [, , , done] = all(await app.chat(from, ['santo domingo', '1', '0', '1']));
    const code = /Codigo: ([A-Z0-9]{6})/.exec(done!)?.[1];
    expect((await app.ruta.bookings.get(code ?? ''))?.prescreen).toMatchObject({ level: 'ready', years: 10, learnedAt: 'job', evidence: ['letter', 'photos'] });

    // One active booking per standard: asking again shows the one held.
    const again = all(await app.chat(from, ['MENU', '3']));
    expect(again[1]).toMatch(new RegExp(`Tu cita \\(codigo ${code}\\)`));
    const viaCheck = await app.ruta.bookings.book({
      pid: pseudonymize(SECRET, from), centreId: 'infotep-santo-domingo', local: '2026-11-25T10:00', occupation: 'mason', standard: { institution: 'infotep', code: null },
      channel: 'sms', contact: null, via: null, firstName: null, language: 'es', prescreen: null,
    });
    expect(viaCheck).toMatchObject({ ok: false, reason: 'already', booking: { code } });
  });

  it('from the end of a route explanation', async () => {
    const from = phone('+1809');
    const replies = all(await app.chat(from, ['Hola', '1', '1', '1', 'electricista', '1']));
    expect(replies[5]).toMatch(/INFOTEP[\s\S]*2\. Reservar evaluacion/);
    const [where, slots] = all(await app.chat(from, ['2', 'santo domingo']));
    expect(where).toMatch(/Vamos a buscar un dia para tu evaluacion: Electricista/);
    expect(slots).toMatch(/INFOTEP Santo Domingo[\s\S]*1\. lunes 23 de noviembre/);
  });

  it('with two appointments (two trades), CITA asks which one; the code chooses it', async () => {
    const from = phone('+1809');
    const { code } = await bookByChat(app, from, BOOK_MASON_ES());
    const other = await app.ruta.bookings.book({
      pid: pseudonymize(SECRET, from), centreId: 'infotep-santo-domingo', local: '2026-11-26T10:00', occupation: 'electrician', standard: { institution: 'infotep', code: null },
      channel: 'sms', contact: null, via: null, firstName: null, language: 'es', prescreen: null,
    });
    expect(other.ok).toBe(true);
    const [which, shown] = all(await app.chat(from, ['cita', other.ok ? other.booking.code.toLowerCase() : '']));
    expect(which).toMatch(/Tienes 2 citas\. ¿Cual quieres ver\?\n1\. lunes 23 de noviembre, \d+:00 - INFOTEP Santo Domingo\n2\. jueves 26 de noviembre, 10:00 - INFOTEP Santo Domingo/);
    expect(shown).toMatch(/jueves 26 de noviembre, 10:00[\s\S]*Evaluacion: Electricista/);
    expect(shown).not.toContain(code);
  });

  it('BORRAR cancels the worker\'s bookings and deletes them with everything else', async () => {
    const from = phone('+1809');
    const { code } = await bookByChat(app, from, BOOK_MASON_ES());
    const [, erased] = all(await app.chat(from, ['BORRAR', '1']));
    expect(erased).toMatch(/borré todo/);
    expect(await app.ruta.bookings.get(code)).toBeUndefined();
    expect(await app.ruta.store.keysContaining(pseudonymize(SECRET, from))).toEqual([]);
  });
});
