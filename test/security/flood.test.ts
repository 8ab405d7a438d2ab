import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countSegments } from '../../src/channels/segments.js';
import type { TwilioReply } from '../../src/tools/twilioClient.js';
import { keysUnder } from '../support/redis.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

// Finding 5: one sender flooding Ruta. With the real default limits (10 messages in 10 s, 30 a
// minute, 300 SMS segments a day, 6,000 turns a minute overall) a flood gets the allowed turns, one
// short notice in the sender's language, then empty TwiML (HTTP 200, so Twilio logs no error);
// other senders are answered as usual; throttled turns are counted under the injected clock's date,
// and every window is measured on that clock.

const TODAY = '2026-11-20';
/** The injected clock: every limit's window is measured on it, and a test moves it on. */
const clock = { ms: Date.parse(`${TODAY}T15:00:00Z`) };
const now = () => new Date(clock.ms);
/** The defaults of src/config.ts, passed explicitly (the test app's own defaults are generous). */
const DEFAULT_LIMITS = { LIMIT_SENDER_BURST: '10', LIMIT_SENDER_PER_MINUTE: '30', LIMIT_SENDER_SEGMENTS_PER_DAY: '300', LIMIT_GLOBAL_PER_MINUTE: '6000' };
const BURST = 10;
const BURST_WINDOW_MS = 10_000;

/** What a person sees (SMS folds í to i). */
const SLOW_DOWN = { es: /^Recib(í|i) muchos mensajes seguidos\. Espera unos minutos/, ht: /^Mwen resevwa anpil mesaj youn d(è|e)y(è|e) l(ò|o)t/ };
const TOMORROW = /^Hoy ya te envi(é|e) muchos mensajes\. Escr(í|i)beme otra vez ma(ñ|n)ana/;
/** Empty TwiML: Twilio sends nothing. */
const EMPTY_TWIML = /<Response\s*\/>|<Response><\/Response>/;

/** Messages a real worker might send, over and over. */
const WORKER = ['Hola', '1', 'xyz', '2', '?', 'menu', 'hola?', '3', 'ok', 'ayuda', 'si', 'no entiendo'];

const segmentsOf = (reply: TwilioReply) => reply.messages.reduce((sum, m) => sum + countSegments(m).segments, 0);
const answered = (replies: TwilioReply[]) => replies.filter((r) => r.messages.length > 0);

let n = 0;
const phone = (country = '+1809') => `${country}${String(6000000 + ++n)}`;

describe('a flood from one sender, default limits', () => {
  let app: TestApp;
  /** Throttled turns this suite caused (the stats counter must say the same). */
  let throttled = 0;
  /** The flooding sender. */
  const flooder = phone();

  beforeAll(async () => {
    app = await startTestApp('flood', DEFAULT_LIMITS, undefined, { now });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 100 fast messages with the allowed turns and one notice; another sender is answered meanwhile', async () => {
    const other = phone();
    const otherLines = ['Hola', '1', '1'];
    const otherReplies: TwilioReply[] = [];
    const replies: TwilioReply[] = [];
    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      replies.push(await app.send(flooder, WORKER[i % WORKER.length]!));
      // A second worker writes during the flood (after the flooder was throttled).
      if (i === 20 || i === 50 || i === 80) otherReplies.push(await app.send(other, otherLines[otherReplies.length]!));
    }
    const floodMs = Date.now() - started;

    expect(replies.every((r) => r.status === 200)).toBe(true);
    const withMessage = answered(replies);
    const segments = replies.reduce((sum, r) => sum + segmentsOf(r), 0);
    process.stdout.write(`flood: 100 messages -> ${withMessage.length} answered, ${segments} segments (${floodMs} ms)\n`);

    // The first 10 are ordinary turns, the 11th is the one short notice, the other 89 get empty TwiML.
    expect(withMessage.length).toBe(BURST + 1);
    for (const reply of replies.slice(0, BURST)) {
      expect(reply.messages.length).toBeGreaterThan(0);
      expect(text(reply)).not.toMatch(SLOW_DOWN.es);
    }
    expect(replies[BURST]!.messages).toHaveLength(1);
    expect(replies[BURST]!.messages[0]).toMatch(SLOW_DOWN.es);
    expect(segmentsOf(replies[BURST]!)).toBe(1);
    for (const reply of replies.slice(BURST + 1)) {
      expect(reply.messages).toEqual([]);
      expect(reply.raw).toMatch(EMPTY_TWIML);
    }
    throttled += 100 - BURST;

    // The other worker's conversation went on as usual: privacy notice, main menu, first option.
    expect(otherReplies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(text(otherReplies[0]!)).toMatch(/Lo que guardo/);
    expect(text(otherReplies[1]!)).toMatch(/Menu principal/);
    expect(otherReplies[2]!.messages.length).toBeGreaterThan(0);
    for (const reply of otherReplies) expect(text(reply)).not.toMatch(SLOW_DOWN.es);
  }, 30_000);

  it('tells a Creole sender to slow down in Creole', async () => {
    const from = phone('+1829');
    const [greeting] = await app.chat(from, ['Bonjou']);
    expect(text(greeting!)).toMatch(/Sa m kenbe/);
    const replies = await app.chat(from, Array.from({ length: 29 }, (_, i) => ['1', 'wi', 'xyz', 'mèsi'][i % 4]!));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    // 'Bonjou' and 9 more turns, then the notice, then silence.
    expect(answered(replies)).toHaveLength(BURST);
    expect(replies[BURST - 1]!.messages).toHaveLength(1);
    expect(replies[BURST - 1]!.messages[0]).toMatch(SLOW_DOWN.ht);
    expect(replies.slice(BURST).every((r) => r.messages.length === 0)).toBe(true);
    throttled += 30 - BURST;
  });

  it('does not reset the limits when the sender erases their data', async () => {
    const from = phone();
    const before = await app.chat(from, ['Hola', '1', 'xyz', 'abc', 'menu', '?', 'BORRAR', '1']);
    expect(text(before[6]!)).toMatch(/Borrar todo lo que Ruta guarda sobre ti/);
    expect(text(before[7]!)).toMatch(/borr(é|e) todo/);
    // A fresh conversation (the erase happened), but the same sender's limits: turns 9 and 10, then the notice.
    const [ninth, tenth, eleventh, twelfth] = await app.chat(from, ['Hola', '1', 'Hola', 'Hola']);
    expect(text(ninth!)).toMatch(/Lo que guardo/);
    expect(text(tenth!)).toMatch(/Menu principal/);
    expect(eleventh!.messages).toHaveLength(1);
    expect(eleventh!.messages[0]).toMatch(SLOW_DOWN.es);
    expect(twelfth!.messages).toEqual([]);
    throttled += 2;
  });

  it('keeps a sender\'s windows in one hash, by a hash of the pseudonym, until the last of them ends; everyone\'s turns per minute of the injected clock', async () => {
    const from = phone();
    await app.chat(from, ['Hola']);
    const minute = Math.floor(clock.ms / 60_000);
    // Everyone's turns reach Redis's counter with the process's next sync (GLOBAL_SYNC_MS).
    await vi.waitFor(async () => expect(await app.redis.exists(`${app.prefix}limit:g:${minute}`)).toBe(1), { timeout: 2000, interval: 10 });
    const counters = (await keysUnder(app.redis, `${app.prefix}limit:`)).map((k) => k.slice(app.prefix.length));
    expect(counters.every((k) => /^limit:(\{[0-9a-z]{1,4}\}:[0-9a-f]{16}|g:\d+)$/.test(k)), counters.join()).toBe(true);
    expect(counters).toContain(`limit:g:${minute}`);
    expect(await app.redis.pttl(`${app.prefix}limit:g:${minute}`)).toBeGreaterThan(60_000);
    const senders = counters.filter((k) => /^limit:\{[0-9a-z]{1,4}\}:[0-9a-f]{16}$/.test(k));
    // The flooder, the other worker, the Creole sender, the eraser and this one.
    expect(senders).toHaveLength(5);
    for (const key of senders) {
      const windows = await app.redis.hgetall(`${app.prefix}${key}`);
      expect(Object.keys(windows).sort()).toEqual(['b', 'bt', 'm', 'mt', 's', 'st']);
      // Every window started on the injected clock (which has not moved yet), none on the machine's.
      for (const start of [windows.bt, windows.mt, windows.st]) expect(Number(start)).toBe(clock.ms);
      const ttl = await app.redis.pttl(`${app.prefix}${key}`);
      expect(ttl).toBeGreaterThan(23 * 3600_000);
      expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
    }
  });

  it('counts throttled turns per day of the injected clock', async () => {
    expect(await app.redis.get(`${app.prefix}stats/throttled/${TODAY}`)).toBe(String(throttled));
    const machineDay = new Date().toISOString().slice(0, 10);
    if (machineDay !== TODAY) expect(await app.redis.get(`${app.prefix}stats/throttled/${machineDay}`)).toBeNull();
  });

  it('answers the flooding sender again once the 10-second window has passed on the injected clock', async () => {
    const refused = await app.send(flooder, 'menu');
    expect(refused.messages).toEqual([]);
    throttled += 1;
    clock.ms += BURST_WINDOW_MS;
    const reply = await app.send(flooder, 'menu');
    expect(reply.status).toBe(200);
    expect(text(reply)).toMatch(/Menu principal/);
    expect(text(reply)).not.toMatch(SLOW_DOWN.es);
    // Answered, not throttled.
    expect(await app.redis.get(`${app.prefix}stats/throttled/${TODAY}`)).toBe(String(throttled));
  });
});

describe('the daily SMS-segment budget', () => {
  const BUDGET = 12;
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('flood-budget', { ...DEFAULT_LIMITS, LIMIT_SENDER_BURST: '1000', LIMIT_SENDER_PER_MINUTE: '10000', LIMIT_SENDER_SEGMENTS_PER_DAY: String(BUDGET) }, undefined, { now });
  });
  afterAll(async () => {
    await app?.close();
  });

  /**
   * Sends `lines` (then 'menu' over and over) until the budget notice has come and two more
   * messages got silence; returns the replies.
   */
  async function spendBudget(from: string, lines: string[]): Promise<TwilioReply[]> {
    const replies: TwilioReply[] = [];
    for (let i = 0; i < 40; i++) {
      const reply = await app.send(from, lines[i] ?? 'menu');
      expect(reply.status).toBe(200);
      replies.push(reply);
      const notice = replies.findIndex((r) => TOMORROW.test(text(r)));
      if (notice >= 0 && replies.length >= notice + 3 && i >= lines.length - 1) break;
    }
    return replies;
  }

  /** The notice comes at the first message after the replies reached the budget, once; then silence. */
  function expectCutAtBudget(replies: TwilioReply[]): void {
    const notice = replies.findIndex((r) => TOMORROW.test(text(r)));
    expect(notice, 'no budget notice').toBeGreaterThan(0);
    const spent = replies.slice(0, notice).map(segmentsOf);
    const total = spent.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(BUDGET);
    expect(total - spent.at(-1)!).toBeLessThan(BUDGET); // the turn before the notice was still within it
    expect(replies.slice(0, notice).every((r) => r.messages.length > 0)).toBe(true);
    expect(replies[notice]!.messages).toHaveLength(1);
    expect(replies.slice(notice + 1).length).toBeGreaterThanOrEqual(2);
    expect(replies.slice(notice + 1).every((r) => r.messages.length === 0 && EMPTY_TWIML.test(r.raw))).toBe(true);
  }

  it('tells a sender who spent the day\'s segments once, then stays silent; others are still answered', async () => {
    const from = phone();
    const replies = await spendBudget(from, ['Hola', '1', '1', '1', 'albañil', '1']);
    expectCutAtBudget(replies);
    const [greeting] = await app.chat(phone(), ['Hola']);
    expect(text(greeting!)).toMatch(/Lo que guardo/);
  });

  it('does not give the budget back when the sender erases their data', async () => {
    const from = phone();
    const replies = await spendBudget(from, ['Hola', 'BORRAR', '1']);
    expect(text(replies[2]!)).toMatch(/borr(é|e) todo/);
    // The segments spent before the erase still count: the notice comes when the total reaches the budget.
    expectCutAtBudget(replies);
  });
});
