import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import type { TwilioReply } from '../../src/tools/twilioClient.js';
import { TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

/**
 * Worker transcripts of the booking life in es, en and ht, on the real centre directory plus the
 * development samples: a request to a centre that sets its own times (INFOTEP Regional Norte in
 * Santiago has no published hours), what its staff do with it (confirm, propose, decline, attended,
 * outcome) and what the worker hears each time, in their language, through the fake Twilio; and
 * "more times" and "another day" at an onboarded centre (the sample INFOTEP Santo Domingo).
 */
// Friday 20 November 2026, 11:00 in Santo Domingo (UTC−4).
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await startFakeTwilio();
  app = await startTestApp('lifecycle', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url }, undefined, {
    now: () => NOW,
    centres: loadCentres(Catalog.load(), { samples: true }),
  });
});
afterAll(async () => {
  await app.close();
  await twilio.close();
});

let n = 0;
const phone = () => `+1809${String(7100000 + ++n)}`;
const all = (replies: TwilioReply[]) => replies.map(text);
/** The messages Ruta sent to one number outside a reply (notices from the centre). */
const notices = (to: string) => twilio.accepted.filter((m) => m.form.To === to).map((m) => m.form.Body ?? '');
async function notice(to: string, count: number): Promise<string> {
  await eventually(() => notices(to).length >= count, 5000);
  return notices(to)[count - 1]!;
}

interface Lang {
  greeting: string;
  /** Where the worker types the town (the sector menu's first entry is construction, then mason). */
  town: string;
  prefs: string;
  name: string;
  appointment: string;
  centres: RegExp;
  askPrefs: RegExp;
  confirmRequest: RegExp;
  requestDone: RegExp;
  requested: RegExp;
  confirmed: RegExp;
  shown: RegExp;
  proposed: RegExp;
  accepted: RegExp;
  declined: RegExp;
  attended: RegExp;
  outcome: RegExp;
  slots: RegExp;
  moreSlots: RegExp;
  days: RegExp;
}
const LANGS: Record<'es' | 'en' | 'ht', Lang> = {
  es: {
    greeting: 'Hola',
    town: 'Santiago',
    prefs: 'viernes en la tarde',
    name: 'Rosa',
    appointment: 'CITA',
    centres: /Centros mas cercanos para Albañil:\n1\. INFOTEP Regional Norte \(Santiago\), en tu ciudad, pregunta si evalua tu oficio\n2\. /,
    askPrefs: /INFOTEP Regional Norte \(Santiago\) da las citas por su cuenta\. ¿Qu(é|e) dias y horas puedes ir\?/,
    confirmRequest: /Revisa tu solicitud:[\s\S]*Dia: por confirmar con el centro[\s\S]*Cuando puedes ir: viernes, en la tarde/,
    requestDone: /Solicitud enviada\. Codigo: \*?([A-Z0-9]{6})\*?\n[\s\S]*No vayas al centro antes de esa confirmacion/,
    requested: /Tu solicitud \(codigo \*?[A-Z0-9]{6}\*?\):[\s\S]*Cuando puedes ir: viernes, en la tarde[\s\S]*No vayas antes de su confirmacion/,
    confirmed: /^Ruta: INFOTEP Regional Norte \(Santiago\) confirmo tu evaluacion para el viernes 27 de noviembre, 14:00 \(codigo [A-Z0-9]{6}\)\. Escribe CITA/,
    shown: /Tu cita \(codigo \*?[A-Z0-9]{6}\*?\):[\s\S]*Av\. Estrella Sadhala[\s\S]*viernes 27 de noviembre, 14:00/,
    proposed: /^Ruta: INFOTEP Regional Norte \(Santiago\) te propone tu evaluacion el lunes 30 de noviembre, 9:00 \(codigo [A-Z0-9]{6}\)\. Escribe CITA para aceptar/,
    accepted: /Listo: tu cita [A-Z0-9]{6} esta confirmada para el lunes 30 de noviembre, 9:00/,
    declined: /^Ruta: INFOTEP Regional Norte \(Santiago\) no puede darte la cita que pediste \(codigo [A-Z0-9]{6}\)\. No tiene lugar en las proximas semanas\. Escribe CITA/,
    attended: /^Ruta: gracias por ir a tu evaluacion en INFOTEP Regional Norte \(Santiago\)\. INFOTEP te dara el resultado\.$/,
    outcome: /^Ruta: resultado de tu evaluacion en INFOTEP Regional Norte \(Santiago\) \(codigo [A-Z0-9]{6}\): competente\. Pregunta a INFOTEP como recibir tu certificado\.$/,
    slots: /1\. lunes 23 de noviembre, 8:00\n2\. lunes 23 de noviembre, 9:00\n3\. martes 24 de noviembre, 8:00[\s\S]*6\. Mas horarios\n7\. Otro dia\n8\. Otro centro/,
    moreSlots: /^Horarios libres en INFOTEP Santo Domingo:/,
    days: /1\. lunes 23 de noviembre\n2\. martes 24 de noviembre\n3\. miércoles 25 de noviembre/,
  },
  en: {
    greeting: 'Hi',
    town: 'Santiago',
    prefs: 'friday afternoon',
    name: 'Rose',
    appointment: 'APPOINTMENT',
    centres: /Nearest centres for Mason \/ bricklayer:\n1\. INFOTEP Regional Norte \(Santiago\), in your town, ask if it assesses your trade\n2\. /,
    askPrefs: /INFOTEP Regional Norte \(Santiago\) sets its own appointments\. Which days and times can you go\?/,
    confirmRequest: /Check your request:[\s\S]*Day: to be set by the centre[\s\S]*When you can go: Friday, in the afternoon/,
    requestDone: /Request sent\. Code: \*?([A-Z0-9]{6})\*?\n[\s\S]*Do not go to the centre before it confirms/,
    requested: /Your request \(code \*?[A-Z0-9]{6}\*?\):[\s\S]*When you can go: Friday, in the afternoon[\s\S]*Do not go before it confirms/,
    confirmed: /^Ruta: INFOTEP Regional Norte \(Santiago\) confirmed your assessment for Friday 27 November, 14:00 \(code [A-Z0-9]{6}\)\. Write APPOINTMENT/,
    shown: /Your appointment \(code \*?[A-Z0-9]{6}\*?\):[\s\S]*Av\. Estrella Sadhala[\s\S]*Friday 27 November, 14:00/,
    proposed: /^Ruta: INFOTEP Regional Norte \(Santiago\) proposes your assessment on Monday 30 November, 9:00 \(code [A-Z0-9]{6}\)\. Write APPOINTMENT to accept/,
    accepted: /Done: your appointment [A-Z0-9]{6} is confirmed for Monday 30 November, 9:00/,
    declined: /^Ruta: INFOTEP Regional Norte \(Santiago\) cannot give you the appointment you asked for \(code [A-Z0-9]{6}\)\. It has no place in the coming weeks\. Write APPOINTMENT/,
    attended: /^Ruta: thank you for going to your assessment at INFOTEP Regional Norte \(Santiago\)\. INFOTEP will give you the result\.$/,
    outcome: /^Ruta: the result of your assessment at INFOTEP Regional Norte \(Santiago\) \(code [A-Z0-9]{6}\): competent\. Ask INFOTEP how to get your certificate\.$/,
    slots: /1\. Monday 23 November, 8:00\n2\. Monday 23 November, 9:00\n3\. Tuesday 24 November, 8:00[\s\S]*6\. More times\n7\. Another day\n8\. Another centre/,
    moreSlots: /^Next free times at INFOTEP Santo Domingo:/,
    days: /1\. Monday 23 November\n2\. Tuesday 24 November\n3\. Wednesday 25 November/,
  },
  ht: {
    greeting: 'Bonjou',
    town: 'Santiago',
    prefs: 'vandredi aprèmidi',
    name: 'Roz',
    appointment: 'RANDEVOU',
    centres: /Sant ki pi pre yo pou B(ò|o)s mason:\n1\. INFOTEP Regional Norte \(Santiago\), nan vil ou, mande si yo evalye metye ou\n2\. /,
    askPrefs: /Se INFOTEP Regional Norte \(Santiago\) menm ki bay randevou yo\. Ki jou ak ki l(è|e) ou ka ale\?/,
    confirmRequest: /Tcheke demann ou:[\s\S]*Jou: sant lan poko bay jou a[\s\S]*Kilè ou ka ale: vandredi, nan aprèmidi/,
    requestDone: /Demann lan ale\. K(?:ò|o)d: \*?([A-Z0-9]{6})\*?\n[\s\S]*Pa ale nan sant lan anvan yo konfime/,
    requested: /Demann ou \(kòd \*?[A-Z0-9]{6}\*?\):[\s\S]*Kilè ou ka ale: vandredi, nan aprèmidi[\s\S]*Pa ale anvan yo konfime/,
    confirmed: /^Ruta: INFOTEP Regional Norte \(Santiago\) konfime evalyasyon ou pou vandredi 27 novanm, 14:00 \(kòd [A-Z0-9]{6}\)\. Ekri RANDEVOU/,
    shown: /Randevou ou \(kòd \*?[A-Z0-9]{6}\*?\):[\s\S]*Av\. Estrella Sadhala[\s\S]*vandredi 27 novanm, 14:00/,
    proposed: /^Ruta: INFOTEP Regional Norte \(Santiago\) pwopoze w fè evalyasyon ou lendi 30 novanm, 9:00 \(kòd [A-Z0-9]{6}\)\. Ekri RANDEVOU/,
    accepted: /Fini: randevou [A-Z0-9]{6} ou a konfime pou lendi 30 novanm, 9:00/,
    declined: /^Ruta: INFOTEP Regional Norte \(Santiago\) pa ka ba ou randevou ou te mande a \(kòd [A-Z0-9]{6}\)\. Li pa gen plas nan semèn k ap vini yo\. Ekri RANDEVOU/,
    attended: /^Ruta: mèsi paske ou te ale nan evalyasyon ou nan INFOTEP Regional Norte \(Santiago\)\. INFOTEP ap ba ou rezilta a\.$/,
    outcome: /^Ruta: men rezilta evalyasyon ou nan INFOTEP Regional Norte \(Santiago\) \(kòd [A-Z0-9]{6}\): ou konpetan\. Mande INFOTEP kijan pou w resevwa sètifika ou\.$/,
    slots: /1\. lendi 23 novanm, 8:00\n2\. lendi 23 novanm, 9:00\n3\. madi 24 novanm, 8:00[\s\S]*6\. Plis l(è|e)\n7\. Yon l(ò|o)t jou\n8\. Yon l(ò|o)t sant/,
    moreSlots: /^Pwochen lè ki lib nan INFOTEP Santo Domingo:/,
    days: /1\. lendi 23 novanm\n2\. madi 24 novanm\n3\. mèkredi 25 novanm/,
  },
};

/** Consent, main menu → appointments, country confirmed, construction → mason: then the town. */
const toTown = (l: Lang) => [l.greeting, '1', '3', '1', '1', '1', l.town];

/** A worker in Santiago asks for an appointment at INFOTEP Regional Norte; returns its code. */
async function requestInSantiago(l: Lang, from: string): Promise<string> {
  const replies = all(await app.chat(from, [...toTown(l), '1', l.prefs, l.name, '1']));
  expect(replies[6]).toMatch(l.centres);
  expect(replies[7]).toMatch(l.askPrefs);
  expect(replies[9]).toMatch(l.confirmRequest);
  const done = l.requestDone.exec(replies[10]!);
  expect(done, replies[10]).not.toBeNull();
  const code = done![1]!;
  expect(await app.ruta.bookings.get(code)).toMatchObject({ status: 'requested', centreId: 'infotep-santiago', slot: null, preferences: { weekdays: ['fri'], parts: ['afternoon'] } });
  return code;
}

describe.each(Object.entries(LANGS))('booking life in %s', (lang, l) => {
  it('a request to a centre without published hours → confirmed by staff → shown → attended → outcome', async () => {
    const from = phone();
    const code = await requestInSantiago(l, from);
    expect((await app.ruta.bookings.get(code))?.language).toBe(lang);
    const [pending] = all(await app.chat(from, [l.appointment]));
    expect(pending).toMatch(l.requested);

    expect((await app.ruta.bookings.confirm(code, '2026-11-27T14:00')).ok).toBe(true);
    expect(await notice(from, 1)).toMatch(l.confirmed);
    const [shown] = all(await app.chat(from, [l.appointment]));
    expect(shown).toMatch(l.shown);

    expect((await app.ruta.bookings.mark(code, 'attended')).ok).toBe(true);
    expect(await notice(from, 2)).toMatch(l.attended);
    expect((await app.ruta.bookings.setOutcome(code, 'competent')).ok).toBe(true);
    expect(await notice(from, 3)).toMatch(l.outcome);
    const history = (await app.ruta.bookings.get(code))!.history.map((h) => h.action);
    expect(history).toEqual(['requested', 'confirmed', 'attended', 'outcome']);
  });

  it('a time proposed by the centre is accepted by the worker', async () => {
    const from = phone();
    const code = await requestInSantiago(l, from);
    expect((await app.ruta.bookings.propose(code, '2026-11-30T09:00')).ok).toBe(true);
    expect(await notice(from, 1)).toMatch(l.proposed);
    const [proposal, accepted] = all(await app.chat(from, [l.appointment, '1']));
    expect(proposal).toContain(code);
    expect(proposal).toMatch(/\b30\b[\s\S]*\b9:00\b/);
    expect(accepted).toMatch(l.accepted);
    expect(await app.ruta.bookings.get(code)).toMatchObject({ status: 'confirmed', slot: { local: '2026-11-30T09:00' } });
  });

  it('a declined request tells the worker why and what to do next', async () => {
    const from = phone();
    const code = await requestInSantiago(l, from);
    expect((await app.ruta.bookings.decline(code, 'no_capacity')).ok).toBe(true);
    expect(await notice(from, 1)).toMatch(l.declined);
    expect(await app.ruta.bookings.get(code)).toMatchObject({ status: 'declined', declineReason: 'no_capacity' });
    // Nothing is pending any more: a new request is possible.
    const [none] = all(await app.chat(from, [l.appointment]));
    expect(none).not.toMatch(new RegExp(code));
  });

  it('"more times" and "another day" at an onboarded centre', async () => {
    const from = phone();
    const replies = all(await app.chat(from, [...toTown(l).slice(0, -1), 'Santo Domingo']));
    // The sample centre (published hours) is the second nearest; the first takes requests.
    expect(replies[6]).toMatch(/\n2\. INFOTEP Santo Domingo, (en tu ciudad|in your town|nan vil ou)\n/);
    const [slots, more, days] = all(await app.chat(from, ['2', '6', '7']));
    expect(slots).toMatch(l.slots);
    const times = (reply: string) => [...reply.matchAll(/^\d\. (.+, \d{1,2}:\d\d)$/gm)].map((m) => m[1]!);
    expect(times(slots!)).toHaveLength(5);
    // More times: five others, all later than the first five (the earlier tests may have taken some).
    expect(times(more!)).toHaveLength(5);
    expect(times(more!).filter((t) => times(slots!).includes(t))).toEqual([]);
    expect(more).toMatch(l.moreSlots);
    // Another day: the days with free times, each one chosen shows that day's times only.
    expect(days).toMatch(l.days);
    const dayNames = [...days!.matchAll(/^\d\. (.+)$/gm)].map((m) => m[1]!);
    expect(dayNames.length).toBeGreaterThanOrEqual(5);
    const pick = dayNames.length - 1; // the last day offered, whose times no earlier test took
    const [daySlots] = all(await app.chat(from, [String(pick + 1)]));
    expect(times(daySlots!).length).toBeGreaterThanOrEqual(3);
    expect(times(daySlots!).every((t) => t.startsWith(`${dayNames[pick]!},`))).toBe(true);
    const [, confirm, done] = all(await app.chat(from, ['2', '0', '1']));
    expect(confirm).toContain(times(daySlots!)[1]!);
    const code = /\*?([A-Z0-9]{6})\*?/.exec(done!.split('\n')[0]!)?.[1];
    const booking = await app.ruta.bookings.get(code!);
    expect(booking).toMatchObject({ status: 'confirmed', centreId: 'infotep-santo-domingo', language: lang });
  });
});

describe('where no centre is known to assess the trade (the real directory, as in production: no samples)', () => {
  let real: TestApp;
  beforeAll(async () => {
    real = await startTestApp('lifecycle-real', {}, undefined, { now: () => NOW, centres: loadCentres(Catalog.load(), { samples: false }) });
  });
  afterAll(async () => {
    await real.close();
  });

  it('Guadalajara, mason (EC0326): CONOCER does not assess itself; the certifier RENEC accredits is named, in each language', async () => {
    const expected = {
      es: /Todav(í|i)a no tengo un centro de CONOCER que eval(ú|u)e Albañil\. Pregunta directamente a CONOCER\.\nCONOCER no hace las evaluaciones: las hacen entidades que acredita\. Para EC0326, el registro RENEC nombra a: C(á|a)mara Mexicana de la Industria de la Construcci(ó|o)n\./,
      en: /CONOCER does not run the assessments itself: bodies it accredits do\. For EC0326, the RENEC registry names: C(á|a)mara Mexicana de la Industria de la Construcci(ó|o)n\./,
      ht: /Se pa CONOCER menm ki f(è|e) evalyasyon yo: se (ò|o)ganis li akredite ki f(è|e) yo\. Pou EC0326, rejis RENEC la bay non: C(á|a)mara Mexicana/,
    };
    for (const [lang, pattern] of Object.entries(expected)) {
      const l = LANGS[lang as keyof typeof LANGS];
      const from = `+52133${String(1000000 + ++n)}`;
      const replies = all(await real.chat(from, [l.greeting, '1', '3', '1', '1', '1', 'Guadalajara']));
      expect(replies[6], lang).toMatch(pattern);
    }
  });
});
