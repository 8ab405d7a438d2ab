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
