import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type RutaI18n } from '../../src/i18n.js';
import { isSimulatedNumber, simulatedNumber } from '../../src/channels/simulatedNumber.js';
import { countSegments } from '../../src/channels/segments.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { TEST_ACCOUNT_SID } from '../../src/tools/twilioClient.js';
import { ConsoleClient, newPerson, visibleText } from '../support/consoleClient.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, startTestApp, type TestApp } from '../support/testApp.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { Simulator } from '../../src/console/simulator/Simulator.js';
import { Accounts } from '../../src/console/accounts/Accounts.js';

/**
 * The console's simulator, end to end over HTTP: each message a person types goes through the real
 * signed webhook (signed over PUBLIC_URL as Twilio signs it, posted to the server's own address),
 * the page shows Ruta's replies with their SMS segments, and nothing is ever sent to a simulated number.
 */

// Friday 20 November 2026, 15:00 UTC: the first free slots are on Monday 23 (as booking.test.ts).
const NOW = new Date('2026-11-20T15:00:00Z');
const clock = { now: () => NOW };

let app: TestApp;
let twilio: FakeTwilio;
let i18n: RutaI18n;
beforeAll(async () => {
  twilio = await startFakeTwilio();
  // A real Twilio account (faked at its HTTP boundary): were a notice sent, it would reach it.
  app = await startTestApp('console-simulator', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url }, undefined, clock);
  i18n = await createI18n();
});
afterAll(async () => {
  await app?.close();
  await twilio?.close();
});

/** Ruta's replies as the page shows them: each text with its meta line. */
function shownReplies(html: string): Array<{ text: string; meta: string }> {
  return [...html.matchAll(/<li class="sim-message sim-message--ruta">[\s\S]*?<p class="sim-text">([\s\S]*?)<\/p>\s*<p class="sim-meta">([\s\S]*?)<\/p>/g)].map((m) => ({
    text: unescapeHtml(m[1]!),
    meta: visibleText(m[2]!),
  }));
}

/** The text of an element exactly as sent (new lines kept), entities decoded. */
const unescapeHtml = (html: string) => html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** Sends one message as the person would (the form's hidden settings, the CSRF token of the page). */
async function say(client: ConsoleClient, settings: string, message: string) {
  const res = await client.post('/console/simulator/send', { ...Object.fromEntries(new URLSearchParams(settings)), message }, `/console/simulator?${settings}`);
  expect(res.status, `sending ${message}`).toBe(303);
  return res;
}

/** GSM-7 segments of a text with no extension characters, counted here independently: 160 in one, else parts of 153. */
const gsmSegments = (text: string) => (text.length <= 160 ? 1 : Math.ceil(text.length / 153));

describe('simulated numbers', () => {
  it('are a country prefix followed by a 0, which no real number of the 13 countries has', () => {
    const catalog = app.ruta.catalog;
    for (const country of catalog.countries) {
      const n = simulatedNumber(catalog, country.code, 42);
      expect(n.startsWith(`+${country.dialPrefixes[0]}0`)).toBe(true);
      expect(isSimulatedNumber(n, catalog), n).toBe(true);
      expect(isSimulatedNumber(`whatsapp:${n}`, catalog)).toBe(true);
      expect(catalog.countryFromPhone(n)?.code).toBe(country.code);
    }
    for (const real of ['+18095550100', '+18295550100', '+525512345678', '+50688887777', '+56912345678', '+5117654321', 'whatsapp:+50941234567', '+10000000000', 'not a number'])
      expect(isSimulatedNumber(real, catalog), real).toBe(false);
  });
});

describe('the simulator', () => {
  it('completes a route in Creole over SMS, each reply shown with the segments an SMS of it costs', async () => {
    const ana = await newPerson(app, clock.now, { email: 'ana@infotep.example', name: 'Ana', institution: 'infotep', role: 'staff' });
    const first = await ana.get('/console/simulator?channel=sms&country=DO&language=ht');
    expect(first.status).toBe(200);
    const number = /<code>(\+18090\d{6})<\/code>/.exec(first.html)?.[1];
    expect(number, 'a simulated Dominican number').toBeDefined();
    // The first message is a greeting in the chosen language (Ruta recognises the language from it).
    expect(first.html).toMatch(/name="message" type="text" value="Bonjou"/);

    const settings = 'channel=sms&country=DO&language=ht';
    const lines = ['Bonjou', '1', '1', '1', 'bòs mason', '1'];
    for (const line of lines) await say(ana, settings, line);
    const page = await ana.get(`/console/simulator?${settings}`);
    const replies = shownReplies(page.html);
    expect(replies.length).toBeGreaterThanOrEqual(lines.length);
    const t = i18n.t('ht');
    const plain = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    // Answered in Creole, up to the route's answer (the route's "what next" menu).
    expect(plain(replies.map((r) => r.text).join('\n'))).toContain(plain(t('route.next').split('{{')[0]!).slice(0, 20));
    for (const reply of replies) {
      const counted = countSegments(reply.text);
      expect(counted.encoding, reply.text.slice(0, 40)).toBe('GSM-7');
      expect(reply.meta).toBe(`${counted.segments} ${counted.segments === 1 ? 'segmento SMS' : 'segmentos SMS'} · GSM-7 · ${counted.units} caracteres`);
      if (!/[\^{}\\[~\]|€\f]/.test(reply.text)) expect(counted.segments).toBe(gsmSegments(reply.text));
    }
    // Each turn is marked as simulated (never a person's); a real-looking number's are not.
    const done = app.logs.filter((l) => l.includes('"turn_done"'));
    expect(done.filter((l) => l.includes('"simulated":true'))).toHaveLength(lines.length);
    // Kept out of analytics: six turns of a conversation, and not one cell counts them.
    const day = { from: '2026-11-20', to: '2026-11-20' };
    expect(await app.ruta.analytics.reader.turns(day)).toEqual([]);
    // The same lines from a real-looking number get the very same texts: the simulator is the real path.
    const direct = await app.chat('+18095557001', lines);
    expect(replies.map((r) => r.text)).toEqual(direct.flatMap((r) => r.messages));
    expect(app.logs.filter((l) => l.includes('"turn_done"') && l.includes('"simulated":true'))).toHaveLength(lines.length);
    // Neither the number nor what was written reaches the logs.
    expect(app.logs.join('\n')).not.toContain(number!.slice(1));
    expect(app.logs.join('\n')).not.toContain('mason');
    // The same conversation from a real-looking number is counted.
    expect((await app.ruta.analytics.reader.turns(day)).length).toBeGreaterThan(0);
  });

  it('books through the simulator, and sends nothing to the number when the institution changes the booking', async () => {
    const luis = await newPerson(app, clock.now, { email: 'luis@infotep.example', name: 'Luis', institution: 'infotep', role: 'admin' });
    const settings = 'channel=sms&country=DO&language=es';
    for (const line of ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', '0', '1']) await say(luis, settings, line);
    const page = visibleText((await luis.get(`/console/simulator?${settings}`)).html);
    const code = /(?:Codigo|Código): ([A-Z0-9]{6})/.exec(page)?.[1];
    expect(code, 'booked through the simulator').toBeDefined();
    const booking = (await app.ruta.bookings.get(code!))!;
    expect(booking.status).toBe('confirmed');

    // The institution's pages say it was made in the simulator (a person testing Ruta, not a worker).
    const tag = /<td data-label="Canal">SMS <strong class="tag tag--neutral">Simulador<\/strong><\/td>/;
    expect((await luis.get('/console/appointments?centre=')).html).toMatch(tag);
    expect((await luis.get(`/console/bookings/${code}`)).html).toMatch(/<dd>SMS <strong class="tag tag--neutral">Simulador<\/strong><\/dd>/);
    // A booking from a real-looking number carries no such tag.
    const real = await app.chat('+18095557002', ['Hola', '1', '3', '1', '1', '1', 'santo domingo', '1', '0', '1']);
    const realCode = /(?:Codigo|Código): \*?([A-Z0-9]{6})/.exec(real.at(-1)!.messages.join('\n'))?.[1];
    expect(realCode).toBeDefined();
    expect((await luis.get(`/console/bookings/${realCode}`)).html).toMatch(/<dd>SMS<\/dd>/);

    const before = twilio.requests;
    const cancelled = await app.ruta.bookings.cancel(code!, 'institution');
    expect(cancelled.ok).toBe(true);
    await until(async () => Object.keys(await app.ruta.messenger.deliveries(code!)).length > 0);
    const deliveries = Object.values(await app.ruta.messenger.deliveries(code!));
    expect(deliveries).toEqual([expect.objectContaining({ kind: 'cancelled', via: 'none', status: 'skipped', error: 'simulated' })]);
    expect(twilio.requests).toBe(before);
    expect(app.logs.some((l) => l.includes('"proactive_skipped"') && l.includes('"simulated"'))).toBe(true);
  });

  it('gives each person their own number, so two people never share a conversation', async () => {
    const a = await newPerson(app, clock.now, { email: 'uno@infotep.example', name: 'Uno', institution: 'infotep', role: 'staff' });
    const b = await newPerson(app, clock.now, { email: 'dos@infotep.example', name: 'Dos', institution: 'infotep', role: 'staff' });
    const settings = 'channel=whatsapp&country=DO&language=en';
    await say(a, settings, 'Hello');
    const numberOf = async (c: ConsoleClient) => /<code>(\+\d+)<\/code>/.exec((await c.get(`/console/simulator?${settings}`)).html)?.[1];
    expect(await numberOf(a)).not.toBe(await numberOf(b));
    expect(shownReplies((await b.get(`/console/simulator?${settings}`)).html)).toEqual([]);
    // WhatsApp replies say they are not counted in segments.
    expect(shownReplies((await a.get(`/console/simulator?${settings}`)).html)[0]?.meta).toMatch(/^WhatsApp · \d+ caracteres · sin segmentos$/);
  });

  it('starts over by erasing the conversation with the erase word, as a worker would', async () => {
    const carla = await newPerson(app, clock.now, { email: 'carla@infotep.example', name: 'Carla', institution: 'infotep', role: 'staff' });
    const settings = 'channel=sms&country=DO&language=es';
    await say(carla, settings, 'Hola');
    await say(carla, settings, '1');
    const number = /<code>(\+\d+)<\/code>/.exec((await carla.get(`/console/simulator?${settings}`)).html)![1]!;
    const pid = pseudonymize(SECRET, number);
    expect((await app.ruta.store.keysContaining(pid)).length).toBeGreaterThan(0);
    const res = await carla.post('/console/simulator/start-over', Object.fromEntries(new URLSearchParams(settings)), `/console/simulator?${settings}`);
    expect(res.status).toBe(303);
    const after = await carla.get(res.location!);
    expect(visibleText(after.html)).toContain('Conversación borrada');
    expect(shownReplies(after.html)).toEqual([]);
    expect(await app.ruta.store.keysContaining(pid)).toEqual([]);
  });

  it('goes through the signature check: a tampered request is refused, and so is the simulator with a wrong token or URL', async () => {
    const params = new URLSearchParams({ MessageSid: `SM${'1'.repeat(32)}`, AccountSid: TEST_ACCOUNT_SID, From: '+18090000999', To: '+15005550006', Body: 'Hola', NumMedia: '0' });
    const signature = twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, Object.fromEntries(params));
    const post = (body: URLSearchParams) => fetch(`${app.baseUrl}/twilio/messages`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body });
    // Signed as the simulator signs: accepted. The same signature over a changed body: refused.
    expect((await post(params)).status).toBe(200);
    const tampered = new URLSearchParams(params);
    tampered.set('Body', 'BORRAR');
    tampered.set('MessageSid', `SM${'2'.repeat(32)}`);
    expect((await post(tampered)).status).toBe(403);

    // The simulator signing with a token the webhook does not hold: refused, and nothing kept.
    const wrong = new Simulator({ store: app.ruta.store, catalog: app.ruta.catalog, publicUrl: PUBLIC_URL, authToken: 'not-the-auth-token', accountSid: TEST_ACCOUNT_SID, rutaNumber: undefined, now: clock.now });
    const settings = { channel: 'sms', country: 'DO', language: 'es' } as const;
    expect(await wrong.send(app.baseUrl, '0123456789abcdef', settings, 'Hola')).toEqual({ ok: false, reason: 'refused' });
    expect(await wrong.transcript('0123456789abcdef', settings)).toEqual([]);
    // Signed over another URL than PUBLIC_URL (what a proxy would forward): refused too.
    const elsewhere = new Simulator({ store: app.ruta.store, catalog: app.ruta.catalog, publicUrl: app.baseUrl, authToken: AUTH_TOKEN, accountSid: TEST_ACCOUNT_SID, rutaNumber: undefined, now: clock.now });
    expect(await elsewhere.send(app.baseUrl, '0123456789abcdef', settings, 'Hola')).toEqual({ ok: false, reason: 'refused' });
    expect(app.logs.filter((l) => l.includes('twilio_signature_rejected')).length).toBeGreaterThanOrEqual(3);
  });
});

describe('who may use the simulator', () => {
  it('lets a coordinator simulate only the countries of their scope', async () => {
    const accounts = new Accounts(app.ruta.store, clock.now);
    const invited = await accounts.invite({ email: 'coord@ilo.example', institution: 'infotep', role: 'coordinator', centres: 'all', countries: ['CR'], invitedBy: 'test' });
    if (!invited.ok) throw new Error('refused');
    const coordinator = new ConsoleClient(app.baseUrl);
    expect((await coordinator.post(`/console/invite/${invited.token}`, { name: 'Coord', password: 'una frase larga de prueba', confirm: 'una frase larga de prueba' })).status).toBe(303);
    const page = await coordinator.get('/console/simulator?country=DO');
    expect(page.status).toBe(200);
    // Asked for the Dominican Republic, outside the scope: Costa Rica, the only country offered.
    expect(page.html).toMatch(/<code>\+5060\d{6}<\/code>/);
    expect([...page.html.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1])).toEqual(['CR']);
    const sent = await coordinator.post('/console/simulator/send', { channel: 'sms', country: 'DO', language: 'es', message: 'Hola' }, '/console/simulator');
    expect(sent.location).toBe('/console/simulator?channel=sms&country=CR&language=es#message');
  });
});

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
