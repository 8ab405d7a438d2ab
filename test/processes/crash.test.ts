import { createServer, type Server } from 'node:http';
import { duplicateClient } from '../../src/store/redisClient.js';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisBookingStore } from '../../src/booking/RedisBookingStore.js';
import { Webhooks } from '../../src/api/Webhooks.js';
import { MemoryJobQueue } from '../../src/jobs/MemoryJobQueue.js';
import { jobQueuePrefix, QUEUE_NAME } from '../../src/jobs/BullJobQueue.js';
import { createLogger } from '../../src/log.js';
import { reminderJobId } from '../../src/notify/BookingNotifier.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { RedisStore } from '../../src/store/RedisStore.js';
import { sleep } from '../../src/store/TurnLock.js';
import { BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { childEnv, startChild, type ChildServer } from '../support/childServer.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { testRedis } from '../support/redis.js';
import { SECRET, startTestApp, text } from '../support/testApp.js';

// Real processes, real SIGKILL. A booking's side effects (two reminders, one webhook) are written
// as pending in the same Redis step as the booking; a process killed at the worst moments — right
// after the booking is written, after the reminders but before the webhook, after both but before
// the pending mark is cleared — must leave every booking with exactly its jobs, none twice.
const CLOCK = '2026-11-20T15:00:00Z'; // Friday 11:00 in Santo Domingo: the first slots are on Monday 23
const POINTS = ['booking_written', 'effects_partial', 'effects_queued'] as const;
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 2);

let env: Awaited<ReturnType<typeof testRedis>>;
let queue: Queue;
let hook: { server: Server; url: string; events: Array<{ id: string; type: string; code: string }> };

beforeAll(async () => {
  env = await testRedis('crash');
  queue = new Queue(QUEUE_NAME, { connection: duplicateClient(env.redis, { maxRetriesPerRequest: null }), prefix: jobQueuePrefix(env.redis, env.prefix) });
  const events: Array<{ id: string; type: string; code: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as { id: string; type: string; booking: { code: string } };
      events.push({ id: event.id, type: event.type, code: event.booking.code });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ruta`, events };
  // INFOTEP registers its webhook (development rules: a receiver on this machine is allowed).
  const webhooks = new Webhooks({ store: new RedisStore(env.redis, env.prefix), jobs: new MemoryJobQueue({ attempts: 1, backoffMs: 1 }, createLogger('silent')), now: () => new Date(CLOCK), allowHttp: true });
  expect('secret' in (await webhooks.register('infotep', hook.url))).toBe(true);
});
afterAll(async () => {
  await queue.close();
  await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  await env.cleanup();
});

// Every child's clock reads CLOCK at the same real instant: one calendar for all processes.
const OFFSET = String(Date.parse(CLOCK) - Date.now());
const vars = (extra: Record<string, string> = {}) => childEnv(env.prefix, { TEST_CLOCK_OFFSET_MS: OFFSET, RECONCILE_INTERVAL_MS: '1000', ...extra });
let n = 0;
const phone = () => `+1809${String(5_100_000 + Math.floor(Math.random() * 800_000) + ++n)}`;

/** Books through `child`, whose process dies at `point` while confirming; returns the booking's code. */
async function bookAndDie(point: (typeof POINTS)[number]): Promise<{ code: string; from: string }> {
  const child = await startChild(vars({ TEST_CRASH_AT: point }));
  const from = phone();
  const lines = BOOK_MASON_ES();
  await child.chat(from, lines.slice(0, -1));
  // The confirmation: the process kills itself (SIGKILL) between the booking and its side effects.
  const confirm = child.send(from, lines[lines.length - 1]!).then(
    () => 'answered',
    () => 'connection lost',
  );
  expect(await child.exited).toBe('SIGKILL');
  expect(await confirm).toBe('connection lost');
  const store = new RedisBookingStore(env.redis, env.prefix, () => Date.parse(CLOCK));
  const [booking] = await store.byWorker(pseudonymize(SECRET, from));
  expect(booking?.status).toBe('confirmed');
  return { code: booking!.code, from };
}

/** The job ids BullMQ holds for a booking, in any state. */
async function jobsOf(code: string): Promise<string[]> {
  const jobs = await queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed', 'prioritized', 'waiting-children']);
  return jobs.flatMap((j) => (j?.id && j.id.includes(code) ? [j.id] : [])).sort();
}

const pending = async () => env.redis.zcard(`${env.prefix}{bookings}booking-effects`);

describe('a process killed between a booking and its reminders and webhook', () => {
  const booked: Array<{ code: string; from: string; local: string }> = [];

  it(`leaves every booking with exactly its two reminders and one webhook, after ${POINTS.length * ROUNDS} kills`, async () => {
    let steady: ChildServer | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      // Odd rounds: another process is already running when one dies (its periodic pass repairs).
      if (round % 2 === 1 && !steady) steady = await startChild(vars());
      for (const point of POINTS) {
        const t0 = Date.now();
        const { code, from } = await bookAndDie(point);
        const log = (what: string) => process.env.DEBUG_CRASH && process.stdout.write(`${round} ${point} ${what} +${Date.now() - t0} ms\n`);
        log('killed');
        // Even rounds: a process started after the crash repairs at start.
        const survivor = steady ?? (await startChild(vars()));
        try {
          const until = Date.now() + 15_000;
          while ((await pending()) > 0 && Date.now() < until) await sleep(100);
          expect(await pending()).toBe(0);
          log('reconciled');
          const store = new RedisBookingStore(env.redis, env.prefix, () => Date.parse(CLOCK));
          const booking = (await store.get(code))!.booking;
          const webhookJob = `webhook_evt_${code}_0_${Date.parse(booking.createdAt).toString(36)}`;
          expect(await jobsOf(code)).toEqual([reminderJobId(code, 2, booking.slot!.local), reminderJobId(code, 24, booking.slot!.local), webhookJob].sort());
          await eventually(() => hook.events.some((e) => e.code === code), 15_000);
          log('webhook');
          booked.push({ code, from, local: booking.slot!.local });
          // The worker's next message is answered, and shows the appointment.
          const [shown] = await survivor.chat(from, ['cita']);
          expect(text(shown!)).toMatch(new RegExp(`Tu cita \\(codigo ${code}\\)`));
        } finally {
          if (survivor !== steady) await survivor.kill();
        }
      }
    }
    await steady?.kill();
    // Every booking's webhook arrived exactly once, with the same event id however often it was queued.
    await sleep(500);
    for (const { code } of booked) expect(hook.events.filter((e) => e.code === code && e.type === 'booking.created')).toHaveLength(1);
    process.stdout.write(`crash: reminders and webhooks intact after ${booked.length} kills (${POINTS.join(', ')})\n`);
  }, 120_000);

  it('sends each reminder exactly once when its time comes', async () => {
    expect(booked.length).toBe(POINTS.length * ROUNDS);
    const twilio: FakeTwilio = await startFakeTwilio();
    const clock = { now: Date.parse(CLOCK) };
    const app = await startTestApp('crash-reminders', { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url }, { redis: env.redis, prefix: env.prefix }, { now: () => new Date(clock.now) });
    try {
      const store = new RedisBookingStore(env.redis, env.prefix, () => clock.now);
      const starts = await Promise.all(booked.map(async (b) => Date.parse((await store.get(b.code))!.booking.slot!.start)));
      // The clock reaches each reminder's time in turn; BullMQ releases the delayed jobs.
      const dues = starts.flatMap((s) => [s - 24 * 3600_000, s - 2 * 3600_000]).sort((a, b) => a - b);
      for (const [i, due] of dues.entries()) {
        clock.now = due + 60_000;
        await queue.promoteJobs();
        await eventually(() => twilio.accepted.length >= i + 1, 10_000);
      }
      await queue.promoteJobs();
      await sleep(500);
      for (const { from } of booked) expect(twilio.accepted.filter((m) => m.form.To === from)).toHaveLength(2);
      expect(twilio.accepted).toHaveLength(booked.length * 2);
    } finally {
      await app.close();
      await twilio.close();
    }
  }, 60_000);
});
