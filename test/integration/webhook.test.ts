import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RutaBot } from '../../src/bot/RutaBot.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { newMessageSid, TEST_ACCOUNT_SID } from '../../src/tools/twilioClient.js';
import { isJobWorkerKey, keysUnder, stateJson } from '../support/redis.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

// De-duplication and one sender's turns across two server processes: test/processes/dedupAcrossProcesses.test.ts.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('webhook');
});
afterAll(async () => {
  await app.close();
});

let n = 0;
const phone = () => `+1829${String(3000000 + ++n)}`;
const conversation = async (from: string) => {
  const key = `${app.prefix}state:${RutaBot.conversationKey('sms', pseudonymize(SECRET, from))}`;
  const v = await stateJson(app.redis, key);
  return v ? JSON.parse(v) : undefined;
};

describe('POST /twilio/messages signature', () => {
  it('passes a valid signature', async () => {
    expect((await app.send(phone(), 'Hola')).status).toBe(200);
  });

  it.each([
    ['missing', null],
    ['wrong', 'bm90IGEgc2lnbmF0dXJl'],
  ])('answers 403 to a %s signature and changes nothing', async (_what, signature) => {
    await app.ruta.analytics.recorder.flush(); // earlier turns' analytics, waiting for their batch, are not this request's
    await app.ruta.limits.flush(); // nor are their counts in everyone's turns this minute
    const before = (await keysUnder(app.redis, app.prefix)).filter((k) => !isJobWorkerKey(k)).length;
    const reply = await app.send(phone(), 'Hola', { signature });
    expect(reply.status).toBe(403);
    expect(reply.messages).toEqual([]);
    await app.ruta.analytics.recorder.flush();
    expect((await keysUnder(app.redis, app.prefix)).filter((k) => !isJobWorkerKey(k)).length).toBe(before);
  });

  it('checks against the configured public URL, not the URL the server sees', async () => {
    const params = { MessageSid: newMessageSid(), AccountSid: TEST_ACCOUNT_SID, From: phone(), To: '+15005550006', Body: 'Hola', NumMedia: '0' };
    const signedForLocal = twilioSignature(AUTH_TOKEN, `${app.baseUrl}/twilio/messages`, params);
    const res = await fetch(`${app.baseUrl}/twilio/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signedForLocal },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(403);
    expect(twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, params)).not.toBe(signedForLocal);
  });

  it('answers with TwiML Twilio can read: XML in UTF-8, its length given, and no ETag', async () => {
    const params = { MessageSid: newMessageSid(), AccountSid: TEST_ACCOUNT_SID, From: phone(), To: '+15005550006', Body: 'Hola', NumMedia: '0' };
    const res = await fetch(`${app.baseUrl}/twilio/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/messages`, params) },
      body: new URLSearchParams(params).toString(),
    });
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(res.headers.get('etag')).toBeNull();
    expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>[^<]+<\/Message>(<Message>[^<]+<\/Message>)*<\/Response>$/);
  });

  it('answers 400 to a signed but malformed webhook', async () => {
    const reply = await app.send(phone(), 'Hola', { extra: { MessageSid: 'not-a-sid' } });
    expect(reply.status).toBe(400);
  });
});

describe('the webhook, answered directly or through Express', () => {
  // The server answers POST /twilio/messages (and /status) without Express (serverListener); the
  // same handler is mounted in Express for the paths only Express matches (other letter case).
  const post = async (path: string, body: string, headers: Record<string, string>) => fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const signed = (path: string, params: Record<string, string>) => ({ 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params) });

  it.each(['/twilio/messages?source=sms', '/Twilio/Messages'])('answers a signed message sent to %s, its signature over that very path', async (path) => {
    const params = { MessageSid: newMessageSid(), AccountSid: TEST_ACCOUNT_SID, From: phone(), To: '+15005550006', Body: 'Hola', NumMedia: '0' };
    const res = await post(path, new URLSearchParams(params).toString(), signed(path, params));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toContain('<Message>');
    // Signed over the path without its query, or without its letter case: refused.
    const again = { ...params, MessageSid: newMessageSid() };
    const forged = await post(path, new URLSearchParams(again).toString(), signed('/twilio/messages', again));
    expect(forged.status).toBe(403);
  });

  it.each(['/twilio/messages', '/Twilio/Messages'])('answers a body over 64 KB at %s with 413 and a JSON error, and logs it', async (path) => {
    const before = app.logs.filter((l) => l.includes('"http_error"')).length;
    const res = await post(path, `Body=${'a'.repeat(70_000)}`, {});
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'bad_request' });
    expect(app.logs.filter((l) => l.includes('"http_error"') && l.includes('"status":413')).length).toBe(before + 1);
  });

  it.each(['/twilio/messages', '/Twilio/Messages'])('refuses a body that is not a form at %s (403: nothing to check a signature over)', async (path) => {
    const res = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'Hola' });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('Forbidden');
  });

  it('leaves other methods to Express: GET /twilio/messages is not found', async () => {
    const res = await fetch(`${app.baseUrl}/twilio/messages`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});

describe('POST /twilio/status', () => {
  const status = async (params: Record<string, string>, sign = true) => {
    const body = { AccountSid: TEST_ACCOUNT_SID, MessageSid: newMessageSid(), ...params };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (sign) headers['x-twilio-signature'] = twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/status`, body);
    return fetch(`${app.baseUrl}/twilio/status`, { method: 'POST', headers, body: new URLSearchParams(body).toString() });
  };

  it('rejects unsigned callbacks', async () => {
    expect((await status({ MessageStatus: 'failed', ErrorCode: '30003' }, false)).status).toBe(403);
  });

  it('records delivery failures by error code', async () => {
    expect((await status({ MessageStatus: 'delivered', To: phone() })).status).toBe(204);
    expect((await status({ MessageStatus: 'undelivered', ErrorCode: '30003', To: phone() })).status).toBe(204);
    expect(await app.redis.get(`${app.prefix}stats/delivery_failed/30003`)).toBe('1');
  });

  it('marks a number that opted out (error 21610) so Ruta stops writing to it', async () => {
    const from = phone();
    await app.chat(from, ['Hola', '1']);
    expect((await status({ MessageStatus: 'failed', ErrorCode: '21610', To: from })).status).toBe(204);
    expect((await conversation(from)).session.optedOut).toBe('twilio');
    expect((await app.send(from, 'hola')).messages).toEqual([]);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'redis' });
  });
});

describe('WhatsApp rendering', () => {
  it('keeps *bold* and accents on WhatsApp, folds them on SMS', async () => {
    const from = phone();
    const [wa] = await app.chat(from, ['Hola'], { channel: 'whatsapp' });
    expect(text(wa!)).toMatch(/\*Lo que guardo:\*[\s\S]*país/);
    const [sms] = await app.chat(from, ['Hola']);
    expect(text(sms!)).toMatch(/Lo que guardo: [\s\S]*pais/);
  });
});
