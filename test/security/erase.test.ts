import { createServer, type Server } from 'node:http';
import { duplicateClient } from '../../src/store/redisClient.js';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobQueuePrefix, QUEUE_NAME } from '../../src/jobs/BullJobQueue.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { bookByChat, BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { keysUnder } from '../support/redis.js';
import { SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

// Finding 12 of issue 9: one erase word erases the person on every channel, and an active booking
// is cancelled first — the institution told, the reminders withdrawn — and nothing is sent after.
const START = Date.parse('2026-11-20T15:00:00Z'); // Friday 11:00 in Santo Domingo: first slots Monday 23
let app: TestApp;
let twilio: FakeTwilio;
let queue: Queue;
const clock = { now: START };
let hook: { server: Server; events: Array<{ type: string; code: string }> };

beforeAll(async () => {
  twilio = await startFakeTwilio();
  app = await startTestApp('erase', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url, JOB_BACKOFF_MS: '40' }, undefined, { now: () => new Date(clock.now) });
  queue = new Queue(QUEUE_NAME, { connection: duplicateClient(app.redis, { maxRetriesPerRequest: null }), prefix: jobQueuePrefix(app.redis, app.prefix) });
  const events: Array<{ type: string; code: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const e = JSON.parse(body) as { type: string; booking: { code: string } };
      events.push({ type: e.type, code: e.booking.code });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook = { server, events };
  expect('secret' in (await app.ruta.webhooks.register('infotep', `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))).toBe(true);
});
afterAll(async () => {
  await queue.close();
  await app.close();
  await twilio.close();
  await new Promise<void>((r) => hook.server.close(() => r()));
});

const keysOf = async (pid: string) => (await keysUnder(app.redis, app.prefix)).filter((k) => k.includes(pid));
const reminderJobs = async (code: string) => (await queue.getJobs(['delayed', 'waiting', 'active'])).filter((j) => j?.id?.startsWith(`reminder_${code}_`)).map((j) => j!.id);

describe('erase', () => {
  it('on SMS also erases the WhatsApp conversation of the same person (Mexico: +521… on WhatsApp, +52… by SMS)', async () => {
    const sms = '+525512345678';
    const whatsapp = '+5215512345678';
    await app.chat(whatsapp, ['Hola', '1', '1', '1', 'albañil'], { channel: 'whatsapp' });
    await app.chat(sms, ['Hola', '1']);
    const pid = pseudonymize(SECRET, sms);
    expect(pseudonymize(SECRET, `whatsapp:${whatsapp}`)).toBe(pid);
    expect((await keysOf(pid)).some((k) => k.includes('conv/whatsapp/'))).toBe(true);
    expect((await keysOf(pid)).some((k) => k.includes('conv/sms/'))).toBe(true);
    const [, done] = await app.chat(sms, ['BORRAR', '1']);
    expect(text(done!)).toMatch(/borr(é|e) todo/);
    expect(await keysOf(pid)).toEqual([]);
    // On WhatsApp the person is a stranger again: the privacy notice, not their earlier step.
    expect(text(await app.send(whatsapp, 'Hola', { channel: 'whatsapp' }))).toMatch(/Lo que guardo/);
  });

  it('with an active booking: the institution is told, the reminders are withdrawn, and nothing is sent afterwards', async () => {
    clock.now = START;
    const eraser = '+18095557001';
    const control = '+18095557002';
    const { code } = await bookByChat(app, eraser, BOOK_MASON_ES());
    const { code: kept } = await bookByChat(app, control, BOOK_MASON_ES());
    expect(await reminderJobs(code)).toHaveLength(2);
    await eventually(() => hook.events.some((e) => e.code === code && e.type === 'booking.created'));

    const [, done] = await app.chat(eraser, ['BORRAR', '1']);
    expect(text(done!)).toMatch(/borr(é|e) todo/);
    // The institution hears of it, the reminders are gone, and so is everything about the worker.
    await eventually(() => hook.events.some((e) => e.code === code && e.type === 'booking.cancelled'));
    expect(await reminderJobs(code)).toEqual([]);
    expect(await reminderJobs(kept)).toHaveLength(2);
    expect(await app.ruta.bookings.get(code)).toBeUndefined();
    expect(await keysOf(pseudonymize(SECRET, eraser))).toEqual([]);
    // The slot's place is free again.
    const b = await app.ruta.bookings.get(kept);
    expect(b).toBeDefined();

    // When the reminders' time comes, the control worker gets theirs; the eraser gets nothing.
    for (const hours of [24, 2]) {
      clock.now = Date.parse(b!.slot!.start) - hours * 3600_000 + 60_000;
      await queue.promoteJobs();
      await eventually(() => twilio.accepted.filter((m) => m.form.To === control).length === (hours === 24 ? 1 : 2), 10_000);
    }
    expect(twilio.accepted.filter((m) => m.form.To === eraser)).toEqual([]);
    expect(hook.events.filter((e) => e.code === code).map((e) => e.type)).toEqual(['booking.created', 'booking.cancelled']);
  });
});
