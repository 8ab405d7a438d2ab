import type { RedisClient } from '../../src/store/redisClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { RutaBot } from '../../src/bot/RutaBot.js';
import { readSession } from '../../src/bot/session.js';
import type { AnalyticsQuery } from '../../src/analytics/AnalyticsReader.js';
import { readTables } from '../../src/analytics/tables.js';
import { bookByChat, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { newMessageSid } from '../../src/tools/twilioClient.js';
import { unpackState } from '../../src/store/stateCodec.js';
import { keysUnder, streamText } from '../support/redis.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

// Issue 12, "Events, privately": a scripted cohort through the signed Twilio webhook, on a frozen
// clock, yields exactly the expected funnel, drop-off and suppressed cells; nothing stored for
// analytics holds a phone number or what workers wrote (but the scrubbed unmatched-trade phrase).
const START = Date.parse('2026-11-20T15:00:00Z'); // Friday 11:00 in Santo Domingo: first slots Monday 23
const DAY = '2026-11-20';
const clock = { now: START };
let app: TestApp;
let strict: TestApp; // the same Redis and prefix, with a flood limit a person can reach
let seq = 0;
const seededAid = (tag: string) => () => `${tag}${(++seq).toString(16).padStart(14, '0')}`;

beforeAll(async () => {
  app = await startTestApp('analytics', {}, undefined, { now: () => new Date(clock.now), newAid: seededAid('a0') });
  strict = await startTestApp('analytics-strict', { LIMIT_SENDER_BURST: '3' }, { redis: app.redis, prefix: app.prefix }, { now: () => new Date(clock.now), newAid: seededAid('b0') });
});
afterAll(async () => {
  await strict.close();
  await app.close();
});

const q = (extra: Partial<AnalyticsQuery> = {}): AnalyticsQuery => ({ from: DAY, to: DAY, ...extra });
const shown = (value: number) => ({ shown: true, value });
const hidden = { shown: false, label: '<5' };

/** Every phone number of the cohort (their digits must never be stored for analytics). */
const phones: string[] = [];
const number = (prefix: string) => {
  const p = `${prefix}${String(5550100 + phones.length).padStart(7, '0')}`;
  phones.push(p);
  return p;
};

/** The stored session of a sender's conversation (undefined once erased). */
async function sessionOf(from: string, channel: 'sms' | 'whatsapp' = 'sms') {
  const keys = await app.ruta.store.keysContaining(RutaBot.conversationKey(channel, pseudonymize(SECRET, from)));
  const raw = keys[0] ? (await app.ruta.store.getVersioned(keys))[0] : null;
  return raw ? readSession((JSON.parse(unpackState(raw.value)) as { session?: unknown }).session) : undefined;
}

/** A key's whole content as text, whatever its type (HyperLogLogs: their name only). */
async function contentOf(redis: RedisClient, key: string): Promise<string> {
  const type = await redis.type(key);
  if (type === 'stream') return streamText(redis, key);
  if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
  if (type === 'zset') return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
  if (type === 'list') return JSON.stringify(await redis.lrange(key, 0, -1));
  if (type === 'set') return JSON.stringify(await redis.smembers(key));
  if (type === 'string') {
    const value = await redis.getBuffer(key);
    return value?.subarray(0, 4).toString() === 'HYLL' ? '' : (value?.toString() ?? '');
  }
  return '';
}

/** Every analytics key, after both servers stored what their batches hold (ANALYTICS_FLUSH_MS). */
const analyticsKeys = async () => {
  await Promise.all([app, strict].map((a) => a.ruta.analytics.recorder.flush()));
  return (await keysUnder(app.redis, app.prefix)).filter((k) => k.startsWith(`${app.prefix}{analytics}:`));
};

const UNMATCHED = 'Tapicero de muebles con Pedro 8095551234';
/** Consent, route, a trade Ruta does not cover (its honest answer), write it another way: a mason's route, then book its first slot. */
const ROUTE_AND_BOOK = ['Hola', '1', '1', '1', UNMATCHED, '1', 'albañil', '1', '2', 'santo domingo', '1', '0', '1'];

describe('analytics over the Twilio webhook (real Redis, frozen clock)', () => {
  const eraser = number('+1809');

  it('records a cohort: es/en/ht, SMS and WhatsApp, DO, MX and CR, drop-outs at known steps, one erase, one throttled', async () => {
    // 5 × DO, es, SMS: an unmatched trade, the route, a booking; staff mark attendance and a competent outcome.
    for (let i = 0; i < 5; i++) {
      const { code } = await bookByChat(app, number('+1809'), ROUTE_AND_BOOK);
      expect((await app.ruta.bookings.mark(code, 'attended')).ok).toBe(true);
      expect((await app.ruta.bookings.setOutcome(code, 'competent')).ok).toBe(true);
    }
    // 2 × MX, en, WhatsApp: the route, then a completed pre-screen.
    for (let i = 0; i < 2; i++) {
      const replies = await app.chat(number('+52155'), ['Hi', '1', '1', '1', 'mason', '1', '1', 'since 2019', '3', 'photos and letter', ...Array<string>(7).fill('yes')], { channel: 'whatsapp' });
      expect(text(replies.at(-1)!)).toMatch(/Result for Mason/);
    }
    // 2 × DO, ht, SMS: one declines the privacy notice, one never answers it.
    await app.chat(number('+1809'), ['Bonjou', '2']);
    await app.chat(number('+1809'), ['Bonjou']);
    // 1 × CR, es, SMS: a trade Ruta does not know, then silence.
    const [, , , , unknown] = await app.chat(number('+506'), ['Hola', '1', '1', '1', 'astronauta']);
    expect(text(unknown!)).toMatch(/No estoy seguro/);
    // 1 × DO, es, SMS: accepts, then erases everything.
    await app.chat(eraser, ['Hola', '1']);
    const aid = (await sessionOf(eraser))?.aid;
    expect(aid).toMatch(/^a0/);
    const [, erased] = await app.chat(eraser, ['BORRAR', '1']);
    expect(text(erased!)).toMatch(/borr(é|e) todo/);
    // 1 × DO, es, SMS on the strict server: its fourth message in ten seconds is throttled.
    const flooder = number('+1809');
    const replies = await strict.chat(flooder, ['Hola', '1', 'menu', 'menu']);
    expect(text(replies[3]!)).not.toMatch(/Menu principal/);
    // Another process's writes wait for its batch (ANALYTICS_FLUSH_MS) before another process can read them.
    await strict.ruta.analytics.recorder.flush();
  });

  it('gives the funnel in distinct workers, with every stage under k workers shown as "<5"', async () => {
    const { reader } = app.ruta.analytics;
    expect(await reader.funnel(q())).toEqual([
      { stage: 'first_contact', workers: shown(12) },
      { stage: 'privacy_accepted', workers: shown(10) },
      { stage: 'route', workers: shown(7) },
      { stage: 'prescreen', workers: hidden },
      { stage: 'booked', workers: shown(5) },
      { stage: 'attended', workers: shown(5) },
      { stage: 'certified', workers: shown(5) },
    ]);
    expect((await reader.funnel(q({ country: ['DO'] }))).map((r) => r.workers)).toEqual([shown(9), shown(7), shown(5), hidden, shown(5), shown(5), shown(5)]);
    for (const filter of [{ country: ['MX'] }, { language: ['ht'] }, { channel: ['whatsapp'] }, { country: ['CR'] }]) {
      expect((await reader.funnel(q(filter))).map((r) => r.workers)).toEqual(Array(7).fill(hidden));
    }
    // Another day holds nothing: the reads follow the injected clock, not today's date.
    expect((await reader.funnel({ from: '2026-11-21', to: '2026-11-30' })).every((r) => !r.workers.shown)).toBe(true);
    // Turns per step and outcome: the 5 DO workers were told honestly their trade is not covered;
    // the one in Costa Rica was asked again (one worker: never shown).
    const turns = await reader.turns(q());
    expect(turns.find((r) => r.step === 'route.unlisted')).toEqual({ step: 'route.unlisted', outcome: 'understood', turns: shown(5), workers: shown(5) });
    expect(turns.find((r) => r.step === 'route.trade' && r.outcome === 'reasked')).toEqual({ step: 'route.trade', outcome: 'reasked', turns: hidden, workers: hidden });
    // One worker was throttled, one erased: real numbers, but under k, so never shown.
    expect(await reader.totals(q(), 'throttled')).toEqual([{ detail: '-', count: hidden, workers: hidden }]);
    expect(await reader.totals(q(), 'erase')).toEqual([{ detail: '-', count: hidden, workers: hidden }]);
    expect(await reader.totals(q(), 'outcome')).toEqual([{ detail: 'competent', count: shown(5), workers: shown(5) }]);
    // The phrase five workers wrote is shown, scrubbed of the name and number; the one written once is not.
    expect(await reader.unmatchedTrades(q())).toEqual([{ country: 'DO', language: 'es', phrase: 'tapicero de muebles con', times: 5, workers: 5 }]);
    // How long it took: the five booked within the hour of their first message (the clock is
    // frozen) and were assessed on Monday's first slot, 2 days 22 hours after booking.
    const tables = await readTables(reader, q());
    expect(tables.waits).toEqual([
      { measure: 'to_booking', bucket: 'lt1h', workers: 5 },
      { measure: 'to_assessment', bucket: '1_7d', workers: 5 },
    ]);
    // Santo Domingo has a centre for masons: no town was far from one.
    expect(tables['far-towns']).toEqual([]);
  });

  it('counts drop-off at the last step of conversations quiet for 24 hours, expiry as its own cause', async () => {
    expect(await app.ruta.analytics.recorder.sweep()).toBe(0); // nothing is quiet yet
    clock.now = START + 25 * 3600_000;
    expect(await app.ruta.analytics.recorder.sweep()).toBe(11); // everyone but the erased worker
    expect(await app.ruta.analytics.recorder.sweep()).toBe(0); // each conversation is counted once
    expect(await app.ruta.analytics.reader.dropOff(q())).toEqual([
      // The booked workers ended on a confirmation (no question): kept, quiet.
      { step: 'none', cause: 'quiet', workers: shown(5) },
      // The rest are real steps with fewer than 5 workers each: suppressed, never a number.
      ...[
        { step: 'menu.main', cause: 'expired' }, // declined the notice: its conversation is forgotten after 24 h
        { step: 'menu.main', cause: 'quiet' }, // the throttled worker
        { step: 'prescreen.next', cause: 'quiet' },
        { step: 'route.trade', cause: 'quiet' },
        { step: 'start.consent', cause: 'expired' },
      ].map((r) => ({ ...r, workers: hidden })),
    ]);
  });

  it('stores no phone digits, no pseudonym and no message text for analytics (but the scrubbed phrase, in its k-gated list)', async () => {
    const keys = await analyticsKeys();
    expect(keys.length).toBeGreaterThan(20);
    const pids = phones.map((p) => pseudonymize(SECRET, p));
    const forbidden = [/pedro/i, /santo domingo/i, /hola/i, /bonjou/i, /alba(ñ|n)il/i, /since|2019/i, /photos|letter/i, /\b(yes|borrar)\b/i];
    for (const key of keys) {
      const stored = `${key.slice(app.prefix.length)} ${await contentOf(app.redis, key)}`;
      for (const phone of phones) {
        expect(stored).not.toContain(phone.slice(1));
        expect(stored).not.toContain(phone.slice(-7));
      }
      expect(stored).not.toContain('8095551234');
      for (const pid of pids) expect(stored).not.toContain(pid.slice(0, 12));
      for (const word of forbidden) expect(stored).not.toMatch(word);
      // What workers typed survives only as scrubbed phrases, in the per-day phrase lists.
      if (!/:p:\d{4}-\d\d-\d\d$/.test(key)) expect(stored).not.toMatch(/tapicero|astronauta|muebles/);
    }
    const phrases = await app.redis.zrange(`${app.prefix}{analytics}:p:${DAY}`, 0, -1);
    expect(phrases.sort()).toEqual(['CR|es|astronauta', 'DO|es|tapicero de muebles con']);
    // Every analytics key expires.
    for (const key of keys) expect(await app.redis.pttl(key)).toBeGreaterThan(0);
  });

  it('after erase, nothing links the events back to the phone: no key holds both, and a new conversation gets a new id', async () => {
    const pid = pseudonymize(SECRET, eraser);
    const events = await app.ruta.analytics.store.recent(1000);
    const erasedAid = events.find((e) => e.kind === 'erase')?.aid;
    expect(erasedAid).toMatch(/^a0/);
    // The events of the erased conversation are still counted (anonymous) …
    expect(events.filter((e) => e.aid === erasedAid).map((e) => e.kind)).toEqual(expect.arrayContaining(['first_contact', 'privacy_accepted', 'erase']));
    // … but no key anywhere holds the pseudonym, and the aid is only in the anonymous stream.
    for (const key of await keysUnder(app.redis, app.prefix)) {
      const stored = `${key} ${await contentOf(app.redis, key)}`;
      expect(stored).not.toContain(pid);
      if (stored.includes(erasedAid!)) expect(key).toBe(`${app.prefix}{analytics}:ev`);
    }
    expect(await streamText(app.redis, `${app.prefix}{analytics}:ev`)).toContain(erasedAid);
    expect(await sessionOf(eraser)).toBeUndefined();
    await app.chat(eraser, ['Hola']);
    const fresh = (await sessionOf(eraser))?.aid;
    expect(fresh).toMatch(/^a0/);
    expect(fresh).not.toBe(erasedAid);
  });

  it('names the towns far from any centre for the trade (more than 50 km), by the gazetteer\'s name, from k workers', async () => {
    clock.now = START + 10 * 24 * 3600_000;
    const day = '2026-11-30';
    // Pedernales is about 190 km from INFOTEP's nearest centre (Bajos de Haina).
    const far = ['Hola', '1', '1', '1', 'albañil', '1', '2', 'vivo en pedernales'];
    for (let i = 0; i < 5; i++) {
      const replies = (await app.chat(number('+1809'), far)).map(text);
      expect(replies.at(-1)).toMatch(/km/);
    }
    // A sixth from Santo Domingo has a centre in town: not counted.
    await app.chat(number('+1809'), [...far.slice(0, -1), 'santo domingo']);
    const tables = await readTables(app.ruta.analytics.reader, { from: day, to: day });
    expect(tables['far-towns']).toEqual([{ country: 'DO', town: 'Pedernales', workers: 5 }]);
    // In the stream, the town is an id, never what was typed.
    const events = await app.ruta.analytics.store.recent(200);
    expect(events.filter((e) => e.kind === 'centre_far').map((e) => e.detail)).toEqual(Array(5).fill('pedernales.pedernales'));
    // Another country's workers were never far: nothing.
    const fewer = await readTables(app.ruta.analytics.reader, { from: day, to: day, country: ['MX'] });
    expect(fewer['far-towns']).toEqual([]);
  });

  it('counts an opt-out (never a drop-off) and a delivery failure by its error code, on their own day', async () => {
    clock.now = START + 3 * 24 * 3600_000;
    const day = '2026-11-23';
    const quitter = number('+1809');
    await app.chat(quitter, ['Hola', '1', 'STOP']);
    const body = { AccountSid: TEST_ACCOUNT_SID, MessageSid: newMessageSid(), MessageStatus: 'undelivered', ErrorCode: '30003', To: quitter };
    const res = await fetch(`${app.baseUrl}/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/status`, body) },
      body: new URLSearchParams(body).toString(),
    });
    expect(res.status).toBe(204);
    const { reader, recorder, store } = app.ruta.analytics;
    const aid = (await sessionOf(quitter))?.aid;
    const theirs = (await store.recent(20)).filter((e) => e.aid === aid);
    expect(theirs.find((e) => e.kind === 'delivery_failed')).toMatchObject({ country: 'DO', language: 'es', channel: 'sms', errorCode: 30003, hour: '2026-11-23T15:00:00Z' });
    expect(theirs.find((e) => e.kind === 'command')).toMatchObject({ step: 'none' });
    expect(theirs.some((e) => e.kind === 'opt_out')).toBe(true);
    // One worker: real, but never shown.
    expect(await reader.totals({ from: day, to: day }, 'delivery_failed')).toEqual([{ detail: '30003', count: hidden, workers: hidden }]);
    expect(await reader.totals({ from: day, to: day }, 'opt_out')).toEqual([{ detail: '-', count: hidden, workers: hidden }]);
    clock.now += 2 * 24 * 3600_000;
    await recorder.sweep();
    expect(await reader.dropOff({ from: day, to: day })).toEqual([]);
  });
});
