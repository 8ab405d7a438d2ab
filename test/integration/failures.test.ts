import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { RutaBot } from '../../src/bot/RutaBot.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { RedisTurnLock } from '../../src/store/RedisTurnLock.js';
import { sleep } from '../../src/store/TurnLock.js';
import { newMessageSid, sendAsTwilio } from '../../src/tools/twilioClient.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('failures', { TURN_WAIT_MS: '300', TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32) });
});
afterAll(async () => {
  await app.close();
});

let n = 0;
const phone = () => `+1849${String(4000000 + ++n)}`;

/** Serves a built app on an ephemeral port; returns its base URL and a stop function. */
async function serve(ruta: Awaited<ReturnType<typeof buildApp>>) {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = createHttpServer(ruta.listener).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('when a turn cannot run', () => {
  it('tells the worker kindly when the previous turn is still running, and the message can be sent again', async () => {
    const from = phone();
    await app.chat(from, ['Hola', '1']);
    const lock = new RedisTurnLock(app.redis, app.prefix);
    const sid = newMessageSid();
    let release!: () => void;
    const held = lock.run(`turn/${pseudonymize(SECRET, from)}`, 1000, () => new Promise<void>((r) => (release = r)));
    await sleep(20);
    const busy = await app.send(from, '1', { messageSid: sid });
    expect(busy.status).toBe(200);
    expect(text(busy)).toMatch(/Todav(í|i)a estoy respondiendo tu mensaje anterior/);
    release();
    await held;
    const again = await app.send(from, '1', { messageSid: sid });
    expect(text(again)).toMatch(/Est(á|a)s ahora en Rep/);
  });

  it('apologises in the worker\'s language when the turn fails, without a stack trace', async () => {
    const from = phone();
    const key = `${app.prefix}state:${RutaBot.conversationKey('sms', pseudonymize(SECRET, from))}`;
    await app.redis.set(key, 'not a hash'); // the next read fails with WRONGTYPE
    const reply = await app.send(from, 'Bonjou');
    expect(reply.status).toBe(200);
    expect(text(reply)).toMatch(/Eskize nou, nou gen yon pwoblèm/);
    expect(reply.raw).not.toMatch(/Error|at \w+ \(/);
    expect(app.logs.some((l) => l.includes('"event":"turn_failed"') && l.includes('WRONGTYPE'))).toBe(false);
    expect(app.logs.some((l) => l.includes('"event":"turn_failed"'))).toBe(true);
  });

  it('refuses webhooks for another Twilio account', async () => {
    const reply = await app.send(phone(), 'Hola', { extra: { AccountSid: 'AC' + '1'.repeat(32) } });
    expect(reply.status).toBe(403);
  });
});

describe('when Redis is unreachable', () => {
  it('still answers the worker kindly, and /readyz says not ready', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: true });
    dead.on('error', () => undefined);
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, PSEUDONYM_SECRET: SECRET, LOG_LEVEL: 'silent' });
    const ruta = await buildApp(config, createLogger('silent'), { redis: dead });
    const { baseUrl, stop } = await serve(ruta);
    try {
      const reply = await sendAsTwilio({ baseUrl, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN, from: phone(), body: 'Hi there' });
      expect(reply.status).toBe(200);
      expect(text(reply)).toMatch(/Sorry, something went wrong on our side/);
      const started = Date.now();
      const ready = await fetch(`${baseUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await stop();
      dead.disconnect();
    }
  });
});

describe('the quick-start in-memory store', () => {
  it('serves a whole route journey without Redis', async () => {
    const config = loadConfig({ NODE_ENV: 'development', PUBLIC_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: 'silent' });
    expect(config.REDIS_URL).toBeUndefined();
    const ruta = await buildApp(config, createLogger('silent'));
    expect(ruta.store.kind).toBe('memory');
    const { baseUrl, stop } = await serve(ruta);
    try {
      const send = (body: string) => sendAsTwilio({ baseUrl, publicUrl: PUBLIC_URL, authToken: AUTH_TOKEN, from: '+18095550100', body });
      for (const line of ['Hola', '1', '1', '1', 'albañil']) await send(line);
      expect(text(await send('1'))).toContain('INFOTEP');
      expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
      // Analytics run in memory too (bounded), with the same events as in Redis.
      const kinds = (await ruta.analytics.store.recent(20)).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['first_contact', 'privacy_accepted', 'route_explained']));
    } finally {
      await stop();
      await ruta.close();
    }
  });
});
