import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { keysUnder, putStateJson, streamText } from '../support/redis.js';
import { SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('safety');
});
afterAll(async () => {
  await app.close();
});

let n = 0;
const phone = () => `+1809${String(7000000 + ++n)}`;
const keysOf = async (from: string) => {
  const pid = pseudonymize(SECRET, from);
  const digits = from.replace(/\D/g, '');
  return (await keysUnder(app.redis, app.prefix)).filter((k) => k.includes(pid) || k.includes(digits));
};

describe('opt-out', () => {
  it('PARAR (Spanish, unknown to Twilio) is confirmed once; later messages are reminded; INICIAR resumes', async () => {
    const from = phone();
    const [, , stop, hello, start] = await app.chat(from, ['Hola', '1', 'PARAR', 'hola', 'INICIAR']);
    expect(text(stop!)).toMatch(/no te enviaremos m(á|a)s mensajes[\s\S]*INICIAR/);
    expect(text(hello!)).toMatch(/Pediste no recibir mensajes/);
    expect(text(start!)).toMatch(/Bienvenido de nuevo[\s\S]*Menu principal/);
  });

  it('answers a first-ever opt-out word in its own language', async () => {
    expect(text(await app.send(phone(), 'SISPANN', { channel: 'whatsapp' }))).toMatch(/nou p ap voye mesaj ba ou ankò/);
    expect(text(await app.send(phone(), 'parar'))).toMatch(/no te enviaremos/);
  });

  it('SISPANN works in Creole and KÒMANSE resumes', async () => {
    const from = phone();
    const [, , stop, start] = await app.chat(from, ['Bonjou', '1', 'SISPANN', 'KÒMANSE']);
    expect(text(stop!)).toMatch(/nou p ap voye mesaj ba ou ankò/);
    expect(text(start!)).toMatch(/Byenveni ankò/);
  });

  it("honours Twilio's OptOutType without replying twice", async () => {
    const from = phone();
    await app.chat(from, ['Hi', '1']);
    const stop = await app.send(from, 'STOP', { extra: { OptOutType: 'STOP' } });
    expect(stop.status).toBe(200);
    expect(stop.messages).toEqual([]);
    const ignored = await app.send(from, 'hello');
    expect(ignored.messages).toEqual([]); // Twilio blocks replies to opted-out numbers (21610)
    const start = await app.send(from, 'START', { extra: { OptOutType: 'START' } });
    expect(start.messages).toEqual([]);
    const back = await app.send(from, 'hello');
    expect(text(back)).toMatch(/Main menu/);
  });

  it("does not answer Twilio's standard SMS keyword STOP a second time, but does on WhatsApp", async () => {
    const from = phone();
    await app.chat(from, ['Hi', '1']);
    expect((await app.send(from, 'STOP')).messages).toEqual([]);
    await app.chat(from, ['Hi', '1'], { channel: 'whatsapp' });
    expect(text(await app.send(from, 'stop', { channel: 'whatsapp' }))).toMatch(/send you no more messages/);
  });
});

describe('stored state', () => {
  const convKey = (from: string) => `${app.prefix}state:conv/sms/${pseudonymize(SECRET, from)}`;

  it('keeps a conversation 30 days after consent, 24 hours without it', async () => {
    const yes = phone();
    await app.chat(yes, ['Hola', '1']);
    expect(await app.redis.ttl(convKey(yes))).toBeGreaterThan(29 * 24 * 3600);
    const no = phone();
    const [, declined] = await app.chat(no, ['Hola', '2']);
    expect(text(declined!)).toMatch(/se borra 24 horas despu(é|e)s/);
    const ttl = await app.redis.ttl(convKey(no));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it('recovers from a stored dialog that no longer exists instead of failing every turn', async () => {
    const from = phone();
    await app.chat(from, ['Hola', '1']);
    const stale = { session: { v: 1, language: 'es', consent: 'accepted' }, dialogState: { dialogStack: [{ id: 'retired-dialog', state: {} }] } };
    await putStateJson(app.redis, convKey(from), JSON.stringify(stale));
    const reply = await app.send(from, '1');
    expect(text(reply)).toMatch(/Menu principal/);
    const staleStep = { ...stale, dialogState: { dialogStack: [{ id: 'route', state: { step: 'removedStep', history: [], values: {}, misses: 0 } }] } };
    await putStateJson(app.redis, convKey(from), JSON.stringify(staleStep));
    expect(text(await app.send(from, 'hola'))).toMatch(/Menu principal/);
  });
});

describe('erase', () => {
  it('BORRAR asks for confirmation, then nothing about the sender is left in Redis', async () => {
    const from = phone();
    await app.chat(from, ['Hola', '1', '1', '1', 'albañil']);
    await app.chat(from, ['Hola'], { channel: 'whatsapp' });
    expect((await keysOf(from)).length).toBeGreaterThan(0);
    const [confirm, done] = await app.chat(from, ['BORRAR', '1']);
    expect(text(confirm!)).toMatch(/Borrar todo lo que Ruta guarda sobre ti[\s\S]*1\. S(í|i), borrar todo/);
    expect(text(done!)).toMatch(/borr(é|e) todo/);
    expect(await keysOf(from)).toEqual([]);
    // Starting again is a new conversation.
    expect(text(await app.send(from, 'Hola'))).toMatch(/Lo que guardo/);
  });

  it('"no" keeps everything and returns to the question', async () => {
    const from = phone();
    await app.chat(from, ['Hi', '1']);
    const [, kept] = await app.chat(from, ['DELETE', '2']);
    expect(text(kept!)).toMatch(/I erased nothing[\s\S]*Main menu/);
    expect((await keysOf(from)).length).toBeGreaterThan(0);
  });

  it('EFASE works before the privacy notice is answered', async () => {
    const from = phone();
    await app.send(from, 'Bonjou');
    const [, done] = await app.chat(from, ['EFASE', 'wi']);
    expect(text(done!)).toMatch(/mwen efase tout/);
    expect(await keysOf(from)).toEqual([]);
  });

  it('EFASE as the very first message is answered in Creole', async () => {
    const from = phone();
    const [confirm, done] = await app.chat(from, ['EFASE', '1']);
    expect(text(confirm!)).toMatch(/Efase tout sa Ruta kenbe sou ou/);
    expect(text(done!)).toMatch(/mwen efase tout/);
    expect(await keysOf(from)).toEqual([]);
  });

  it('logs JSON with pseudonyms and step ids, never the number or the text', async () => {
    const from = phone();
    await app.chat(from, ['Hola me llamo Rosa', '1', '1', '1', 'soy albañil de Haiti']);
    const lines = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const joined = app.logs.join('\n');
    expect(joined).not.toContain(from.replace(/\D/g, '').slice(-7));
    expect(joined).not.toMatch(/Rosa|Haiti|alba/);
    const pid = pseudonymize(SECRET, from).slice(0, 8);
    // One line a turn, the webhook's, with the step the bot left the worker at and the reply's language.
    const turns = lines.filter((l) => l.user === pid && (l.event === 'turn' || l.event === 'turn_done'));
    expect(turns.map((l) => l.event)).toEqual(Array(5).fill('turn_done'));
    expect(turns.map((l) => l.step)).toEqual(['start.consent', 'menu.main', 'route.country', 'route.trade', 'route.tradeConfirm']);
    expect(turns.map((l) => l.language)).toEqual(Array(5).fill('es'));
  });

  it('stores neither the phone number nor message text anywhere', async () => {
    const from = phone();
    await app.chat(from, ['Hola me llamo Rosa', '1', '1', '1', 'soy albañil de Haiti']);
    // Analytics too: what their batch holds is stored before the scan (ANALYTICS_FLUSH_MS).
    await app.ruta.analytics.recorder.flush();
    const keys = await keysUnder(app.redis, app.prefix);
    // Every kind of key: hashes, strings, and analytics' streams and sorted sets.
    const values = await Promise.all(
      keys.map(async (k) => {
        const type = await app.redis.type(k);
        if (type === 'hash') return JSON.stringify(await app.redis.hgetall(k));
        if (type === 'stream') return streamText(app.redis, k);
        if (type === 'zset') return JSON.stringify(await app.redis.zrange(k, 0, -1, 'WITHSCORES'));
        if (type === 'set') return JSON.stringify(await app.redis.smembers(k));
        if (type === 'list') return JSON.stringify(await app.redis.lrange(k, 0, -1));
        return String(await app.redis.get(k));
      }),
    );
    const all = keys.join('\n') + values.join('\n');
    expect(all).not.toContain(from.replace(/\D/g, '').slice(-7));
    expect(all).not.toMatch(/Rosa|Haiti/);
  });
});
