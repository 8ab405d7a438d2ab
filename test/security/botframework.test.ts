import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { loadCentres } from '../../src/booking/CentreDirectory.js';
import { bookByChat, BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { PRODUCTION_ENV } from '../support/production.js';
import { keysUnder } from '../support/redis.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

// Findings 2 and 3 of issue 9: /api/messages (Bot Framework) must never reach an SMS or WhatsApp
// worker's conversation, whatever channelId and from.id it claims; in production it exists only
// with Bot Framework authentication, which the SDK itself checks (here against a local OpenID
// endpoint serving a test signing key, the way Azure's login.botframework.com serves real ones);
// and replies never go to this machine or a private network.
const NOW = new Date('2026-11-20T15:00:00Z');
const APP_ID = '11111111-2222-3333-4444-555555555555';
const CHANNELS = ['whatsapp', 'sms', 'emulator', 'webchat', 'directline', 'msteams'] as const;
const ISSUER = 'https://api.botframework.com';
const SERVICE_URL = 'https://webchat.botframework.com/';

interface Openid {
  server: Server;
  url: string;
}
let openid: Openid;
let listener: { server: Server; url: string; hits: number };
let twilio: FakeTwilio;
const channelKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A JWT as a Bot Framework channel signs it (RS256, kid, issuer, audience, serviceurl claim). */
function channelToken(claims: Record<string, unknown> = {}, key: KeyObject = channelKey.privateKey, kid = 'ruta-test-key'): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'RS256', typ: 'JWT', kid });
  const body = b64({ iss: ISSUER, aud: APP_ID, nbf: now - 60, iat: now - 60, exp: now + 3600, serviceurl: SERVICE_URL, ...claims });
  return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

beforeAll(async () => {
  const jwk = channelKey.publicKey.export({ format: 'jwk' });
  const oidServer = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openidconfiguration') res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${openid.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    else if (req.url === '/keys') res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: 'ruta-test-key', n: jwk.n, e: jwk.e, endorsements: [...CHANNELS] }] }));
    else res.writeHead(404).end('{}');
  });
  openid = { server: oidServer, url: await listen(oidServer) };
  const state = { hits: 0 };
  const hitServer = createServer((req, res) => {
    state.hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  listener = Object.assign(state, { server: hitServer, url: await listen(hitServer) });
  twilio = await startFakeTwilio();
});
afterAll(async () => {
  await new Promise<void>((r) => openid.server.close(() => r()));
  await new Promise<void>((r) => listener.server.close(() => r()));
  await twilio.close();
});

const production = (extra: Record<string, string> = {}) =>
  startTestApp('bf-security', { ...PRODUCTION_ENV, TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url, ...extra }, undefined, { now: () => NOW });
const withAuth = { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'a-client-secret-of-40-characters-000000', MICROSOFT_OPENID_METADATA_URL: '' };

/** An activity as a Bot Framework channel posts it. */
function activity(channelId: string, from: string, text: string, extra: Record<string, unknown> = {}) {
  return { type: 'message', id: randomUUID(), channelId, serviceUrl: SERVICE_URL, deliveryMode: 'expectReplies', from: { id: from, name: 'x' }, recipient: { id: APP_ID, name: 'Ruta' }, conversation: { id: `conv-${from}` }, text, ...extra };
}

async function post(app: TestApp, body: Record<string, unknown>, token?: string) {
  const res = await fetch(`${app.baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = res.status === 200 ? ((await res.json().catch(() => ({}))) as { activities?: Array<{ text?: string }> }) : {};
  return { status: res.status, texts: (json.activities ?? []).map((a) => a.text ?? '').join('\n') };
}

/**
 * In production there are no sample centres: INFOTEP onboards its Santo Domingo centre (address,
 * hours, what it assesses), as it would through the console or the API.
 */
async function onboardInfotep(app: TestApp) {
  const sample = loadCentres(app.ruta.catalog, { samples: true }).find((c) => c.id === 'infotep-santo-domingo')!;
  await app.ruta.bookings.centres.save({ ...sample, sample: false, onboarded: true, address: 'Calle César Nicolás Penson 1' });
}

/** A worker who booked by SMS, and a snapshot of everything stored about them. */
async function bookedWorker(app: TestApp) {
  if (app.config.NODE_ENV === 'production') await onboardInfotep(app);
  const from = `+1809${String(Math.floor(Math.random() * 8_000_000) + 1_000_000)}`;
  const { code } = await bookByChat(app, from, BOOK_MASON_ES());
  const pid = pseudonymize(app.config.PSEUDONYM_SECRET, from);
  const snapshot = async () => {
    const keys = (await keysUnder(app.redis, app.prefix)).filter((k) => k.includes(pid)).sort();
    const values = await Promise.all(keys.map(async (k) => ((await app.redis.type(k)) === 'hash' ? JSON.stringify(await app.redis.hgetall(k)) : (await app.redis.type(k)) === 'string' ? await app.redis.get(k) : await app.redis.type(k))));
    return JSON.stringify([keys, values]);
  };
  return { from, code, snapshot, before: await snapshot() };
}

let attempts = 0;
let refused = 0;
const counted = (ok: boolean) => {
  attempts++;
  if (ok) refused++;
  return ok;
};

describe('impersonating an SMS/WhatsApp worker through /api/messages', () => {
  it('production without MICROSOFT_APP_ID: the endpoint does not exist, for any channel', async () => {
    const app = await production();
    try {
      const worker = await bookedWorker(app);
      for (const channelId of CHANNELS) {
        for (const from of [worker.from, `whatsapp:${worker.from}`]) {
          for (const line of ['CITA', 'BORRAR', '1']) expect(counted((await post(app, activity(channelId, from, line))).status === 404)).toBe(true);
        }
      }
      expect(await worker.snapshot()).toBe(worker.before);
      expect((await app.ruta.bookings.get(worker.code))?.status).toBe('confirmed');
    } finally {
      await app.close();
    }
  });

  it('production with Bot Framework authentication: every request without a valid channel token is refused before anything runs', async () => {
    const app = await production({ ...withAuth, MICROSOFT_OPENID_METADATA_URL: `${openid.url}/.well-known/openidconfiguration` });
    try {
      const worker = await bookedWorker(app);
      const forged: Array<[string, string | undefined]> = [
        ['no token', undefined],
        ['signed with another key', channelToken({}, attackerKey.privateKey)],
        ['for another bot', channelToken({ aud: '99999999-2222-3333-4444-555555555555' })],
        ['expired', channelToken({ exp: Math.floor(Date.now() / 1000) - 600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
        ['from another issuer', channelToken({ iss: 'https://evil.example.org' })],
        ['for another service URL', channelToken({ serviceurl: 'https://directline.botframework.com/' })],
        ['with an unknown key id', channelToken({}, channelKey.privateKey, 'another-kid')],
        ['unsigned (alg none)', `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'ruta-test-key' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: APP_ID, exp: Math.floor(Date.now() / 1000) + 600, serviceurl: SERVICE_URL })).toString('base64url')}.`],
      ];
      for (const channelId of CHANNELS) {
        for (const [what, token] of forged) {
          const { status } = await post(app, activity(channelId, worker.from, 'BORRAR'), token);
          expect(counted(status === 401), `${channelId}, ${what}: ${status}`).toBe(true);
        }
      }
      // A key not endorsed for the channel it claims is refused too.
      expect(counted((await post(app, activity('telegram', worker.from, 'CITA'), channelToken())).status === 401)).toBe(true);
      expect(await worker.snapshot()).toBe(worker.before);
      expect((await app.ruta.bookings.get(worker.code))?.status).toBe('confirmed');

      // A genuine channel token is accepted (so the refusals above are the checks, not a broken endpoint)
      // and its sender has its own namespace: "whatsapp" + the worker's number is a stranger.
      for (const channelId of ['whatsapp', 'sms', 'webchat']) {
        const seen = await post(app, activity(channelId, worker.from, 'CITA'), channelToken());
        expect(seen.status).toBe(200);
        expect(counted(!/Tu cita|codigo|código/i.test(seen.texts) && /Lo que guardo|What I keep|Sa m kenbe|Elige tu idioma/i.test(seen.texts)), seen.texts).toBe(true);
        const erase = await post(app, activity(channelId, worker.from, 'BORRAR'), channelToken());
        const confirm = await post(app, activity(channelId, worker.from, '1'), channelToken());
        expect(erase.status === 200 && confirm.status === 200).toBe(true);
      }
      expect(await worker.snapshot()).toBe(worker.before);
      expect((await app.ruta.bookings.get(worker.code))?.status).toBe('confirmed');
      // The worker, on SMS, still has their appointment.
      expect(text(await app.send(worker.from, 'CITA'))).toMatch(new RegExp(`Tu cita \\(codigo ${worker.code}\\)`));
    } finally {
      await app.close();
    }
  });

  it('development (anonymous, for the Emulator): a claimed WhatsApp number is still a stranger', async () => {
    const app = await startTestApp('bf-dev', {}, undefined, { now: () => NOW });
    try {
      const worker = await bookedWorker(app);
      for (const channelId of CHANNELS) {
        const seen = await post(app, activity(channelId, worker.from, 'CITA'));
        expect(seen.status).toBe(200);
        expect(counted(!/Tu cita|codigo|código/i.test(seen.texts))).toBe(true);
        await post(app, activity(channelId, worker.from, 'BORRAR'));
        await post(app, activity(channelId, worker.from, '1'));
      }
      expect(await worker.snapshot()).toBe(worker.before);
      expect((await app.ruta.bookings.get(worker.code))?.status).toBe('confirmed');
      process.stdout.write(`impersonation: ${refused}/${attempts} attempts refused\n`);
      expect(refused).toBe(attempts);
    } finally {
      await app.close();
    }
  });
});

describe('server-side request forgery through serviceUrl', () => {
  const here = () => new URL(listener.url);
  const evil = () => [
    listener.url + '/',
    `https://127.0.0.1:${here().port}/`,
    `https://localhost:${here().port}/`,
    `https://[::1]:${here().port}/`,
    `https://2130706433:${here().port}/`,
    'https://10.0.0.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://192.168.1.1/',
    'https://evil.example.org/',
    'https://webchat.botframework.com.evil.example.org/',
    'http://webchat.botframework.com/',
  ];

  it('production: replies never go to this machine, a private network or a host that is not a Bot Framework channel', async () => {
    const before = listener.hits;
    const off = await production();
    try {
      expect((await post(off, { ...activity('webchat', 'u1', 'hola'), serviceUrl: listener.url + '/', deliveryMode: 'normal' })).status).toBe(404);
    } finally {
      await off.close();
    }
    const app = await production({ ...withAuth, MICROSOFT_OPENID_METADATA_URL: `${openid.url}/.well-known/openidconfiguration` });
    try {
      for (const serviceUrl of evil()) {
        // The token is genuine and names this service URL: only Ruta's own rule stands in the way.
        const { status } = await post(app, { ...activity('webchat', 'u1', 'hola'), serviceUrl, deliveryMode: 'normal' }, channelToken({ serviceurl: serviceUrl }));
        expect(status, serviceUrl).toBe(403);
      }
      expect(listener.hits - before).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('development: only this machine (the Emulator) and Bot Framework hosts', async () => {
    const before = listener.hits;
    const app = await startTestApp('bf-dev-ssrf', {}, undefined, { now: () => NOW });
    try {
      for (const serviceUrl of ['https://10.0.0.1/', 'http://169.254.169.254/latest/meta-data/', 'http://192.168.1.1/', 'https://evil.example.org/']) {
        expect((await post(app, { ...activity('emulator', 'u1', 'hola'), serviceUrl, deliveryMode: 'normal' })).status, serviceUrl).toBe(403);
      }
      const total = listener.hits - before;
      process.stdout.write(`ssrf: ${total} requests reached the listener\n`);
      expect(total).toBe(0);
    } finally {
      await app.close();
    }
  });
});
