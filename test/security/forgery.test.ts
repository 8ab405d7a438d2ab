import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_TWILIO_AUTH_TOKEN } from '../../src/config.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { newMessageSid, parseTwiml, TEST_ACCOUNT_SID } from '../../src/tools/twilioClient.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { PRODUCTION_ENV } from '../support/production.js';
import { isJobWorkerKey, keysUnder } from '../support/redis.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// Forged Twilio webhooks against a production configuration, over real HTTP and real Redis.
// Each forgery is one POST that must be refused before anything happens: 403, no <Message>, not one
// Redis key written or removed. A correctly signed request is the control (200 and a reply), so the
// suite fails if the server refused everything, or if the Redis check could not see a write.

const TOKEN = randomBytes(16).toString('hex'); // a real-looking auth token: 32 hex characters
const OTHER_TOKEN = randomBytes(16).toString('hex');

let app: TestApp;
let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio(); // nothing can reach Twilio
  app = await startTestApp('forgery', { ...PRODUCTION_ENV, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: fake.url });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

let n = 0;
const phone = () => `+1809${String(4000000 + ++n)}`;
const messageUrl = () => `${app.config.PUBLIC_URL}/twilio/messages`;

/** A webhook body as Twilio sends it for an SMS from `from`. */
const inbound = (body = 'Hola', from = phone()): Record<string, string> => ({
  MessageSid: newMessageSid(),
  AccountSid: TEST_ACCOUNT_SID,
  From: from,
  To: '+15005550006',
  Body: body,
  NumMedia: '0',
});

/** Twilio's scheme (url + sorted name+value pairs) with another hash than Twilio's SHA1. */
const hmac = (algorithm: string, token: string, url: string, params: Record<string, string>) =>
  createHmac(algorithm, token)
    .update(Object.keys(params).sort().reduce((acc, k) => acc + k + params[k], url))
    .digest('base64');

interface Forgery {
  /** Form fields in the order they are sent (a name may repeat). */
  fields: Array<[string, string]>;
  /** Undefined: no X-Twilio-Signature header at all. */
  signature: string | undefined;
  /** Path and query the request is sent to. */
  path?: string;
}

const fieldsOf = (params: Record<string, string>): Array<[string, string]> => Object.entries(params);

async function post({ fields, signature, path = '/twilio/messages' }: Forgery): Promise<{ status: number; raw: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  const res = await fetch(app.baseUrl + path, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
  return { status: res.status, raw: await res.text() };
}

const FORGERIES: Array<[string, () => Forgery]> = [
  ['no X-Twilio-Signature header', () => ({ fields: fieldsOf(inbound()), signature: undefined })],
  ['an empty X-Twilio-Signature header', () => ({ fields: fieldsOf(inbound()), signature: '' })],
  ['signed with another auth token', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: twilioSignature(OTHER_TOKEN, messageUrl(), p) };
  }],
  ['signed with the public development token', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: twilioSignature(DEV_TWILIO_AUTH_TOKEN, messageUrl(), p) };
  }],
  ['signed over the URL the server sees instead of PUBLIC_URL', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: twilioSignature(TOKEN, `${app.baseUrl}/twilio/messages`, p) };
  }],
  ['Body changed after signing', () => {
    const p = inbound('Hola');
    return { fields: fieldsOf({ ...p, Body: 'BORRAR' }), signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
  ['From changed after signing (another worker\'s number)', () => {
    const p = inbound();
    return { fields: fieldsOf({ ...p, From: phone() }), signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
  ['a parameter added after signing', () => {
    const p = inbound();
    return { fields: fieldsOf({ ...p, Latitude: '18.47', Longitude: '-69.9' }), signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
  ['a parameter removed after signing', () => {
    const p = inbound();
    const { NumMedia: _removed, ...rest } = p;
    return { fields: fieldsOf(rest), signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
  ['a valid signature of another request replayed with this body', () => {
    const signed = inbound('Hola');
    return { fields: fieldsOf(inbound('BORRAR')), signature: twilioSignature(TOKEN, messageUrl(), signed) };
  }],
  ['the signature\'s base64 with one character flipped', () => {
    const p = inbound();
    const good = twilioSignature(TOKEN, messageUrl(), p);
    const i = 7;
    return { fields: fieldsOf(p), signature: good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1) };
  }],
  ['HMAC-SHA256 instead of HMAC-SHA1', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: hmac('sha256', TOKEN, messageUrl(), p) };
  }],
  ['a valid signature for /twilio/status sent to /twilio/messages', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: twilioSignature(TOKEN, `${app.config.PUBLIC_URL}/twilio/status`, p) };
  }],
  ['a query string added to the URL after signing', () => {
    const p = inbound();
    return { fields: fieldsOf(p), signature: twilioSignature(TOKEN, messageUrl(), p), path: '/twilio/messages?Body=BORRAR' };
  }],
  ['a duplicated parameter (Body twice, the second different)', () => {
    const p = inbound('Hola');
    return { fields: [...fieldsOf(p), ['Body', 'BORRAR']], signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
  ['a duplicated parameter (Body twice, the first different)', () => {
    const p = inbound('Hola');
    return { fields: [['Body', 'BORRAR'], ...fieldsOf(p)], signature: twilioSignature(TOKEN, messageUrl(), p) };
  }],
];

const refused: string[] = [];

describe('forged Twilio signatures on POST /twilio/messages (production configuration)', () => {
  it('control: a correctly signed request gets 200, a reply, and writes to Redis', async () => {
    expect(app.config.NODE_ENV).toBe('production');
    const p = inbound('Hola');
    const before = await redisKeys();
    const reply = await post({ fields: fieldsOf(p), signature: twilioSignature(TOKEN, messageUrl(), p) });
    expect(reply.status).toBe(200);
    expect(parseTwiml(reply.raw).join('\n')).toMatch(/Lo que guardo/);
    // The Redis check below can see a write: the accepted turn made some.
    expect((await redisKeys()).length).toBeGreaterThan(before.length);
  });

  it.each(FORGERIES)('refuses %s: 403, no <Message>, nothing changed in Redis', async (what, make) => {
    const forgery = make();
    const rejectedBefore = rejections();
    const before = await redisState();
    const reply = await post(forgery);
    const after = await redisState();
    expect(reply.status).toBe(403);
    expect(parseTwiml(reply.raw)).toEqual([]);
    expect(reply.raw).not.toMatch(/<Message/);
    expect(after).toEqual(before);
    // Refused by the signature check itself (not, say, by the account check or the parser).
    expect(rejections()).toBe(rejectedBefore + 1);
    refused.push(what);
  });

  it('prints the figure', () => {
    process.stdout.write(`forged: ${refused.length}/${FORGERIES.length} refused\n`);
    expect(refused.length).toBe(FORGERIES.length);
  });
});

/**
 * Every key under the app's prefix, sorted, once analytics waiting for their batch are stored; without the job queue's stalled-check timer, which
 * BullMQ's worker renews on its own clock (every 30 s) whatever the requests do.
 */
async function redisKeys(): Promise<string[]> {
  // Analytics of earlier requests wait up to ANALYTICS_FLUSH_MS for their batch, and their turns up to
  // GLOBAL_SYNC_MS for everyone's counter: stored first, so they never show as a change.
  await app.ruta.analytics.recorder.flush();
  await app.ruta.limits.flush();
  return (await keysUnder(app.redis, app.prefix)).filter((k) => !isJobWorkerKey(k)).sort();
}

/** Every key (as above) with its serialised value, so a changed counter shows as well as a new key. */
async function redisState(): Promise<Array<[string, string]>> {
  const keys = await redisKeys();
  return Promise.all(keys.map(async (k): Promise<[string, string]> => [k, (await app.redis.dumpBuffer(k))?.toString('base64') ?? '(gone)']));
}

/** How many requests the app refused for their signature so far (from its own log). */
function rejections(): number {
  return app.logs.filter((line) => (JSON.parse(line) as { event?: string }).event === 'twilio_signature_rejected').length;
}
