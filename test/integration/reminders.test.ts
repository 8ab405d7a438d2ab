import { Queue, type Job } from 'bullmq';
import { duplicateClient } from '../../src/store/redisClient.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobQueuePrefix, QUEUE_NAME } from '../../src/jobs/BullJobQueue.js';
import { reminderJobId } from '../../src/notify/BookingNotifier.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { bookByChat, BOOK_MASON_ES, TEST_ACCOUNT_SID } from '../support/bookingJourney.js';
import { eventually, startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { AUTH_TOKEN, PUBLIC_URL, startTestApp, type TestApp } from '../support/testApp.js';

// Friday 20 November 2026, 11:00 in Santo Domingo (UTC−4). The first free slot is Monday 23, 8:00.
const START = Date.parse('2026-11-20T15:00:00Z');
const REMINDER_24H = Date.parse('2026-11-22T12:00:00Z');
const REMINDER_2H = Date.parse('2026-11-23T10:00:00Z');
const TEMPLATE = 'HX' + 'a'.repeat(32);

interface World {
  app: TestApp;
  twilio: FakeTwilio;
  clock: { now: number };
  queue: Queue;
}

async function world(label: string, env: Record<string, string> = {}): Promise<World> {
  const twilio = await startFakeTwilio();
  const clock = { now: START };
  const app = await startTestApp(
    label,
    { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_API_URL: twilio.url, JOB_BACKOFF_MS: '40', JOB_ATTEMPTS: '4', ...env },
    undefined,
    { now: () => new Date(clock.now) },
  );
  const queue = new Queue(QUEUE_NAME, { connection: duplicateClient(app.redis, { maxRetriesPerRequest: null }), prefix: jobQueuePrefix(app.redis, app.prefix) });
  return { app, twilio, clock, queue };
}

/** The clock reaches `at`; delayed jobs are released as a real clock would release them. */
async function advanceTo(w: World, at: number): Promise<void> {
  w.clock.now = at;
  await w.queue.promoteJobs();
}

/** Waits (polling) until `check` holds, or fails saying what never happened. */
async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A booking's reminder job as BullMQ holds it; undefined if it was never queued, or withdrawn. */
async function reminderJob(w: World, code: string, hours: number): Promise<Job | undefined> {
  const b = await w.app.ruta.bookings.get(code);
  if (!b) throw new Error(`booking ${code} not found`);
  return w.queue.getJob(reminderJobId(code, hours, b.slot!.local));
}

/**
 * Waits until a booking's reminder job has run to its end (sent, skipped or recorded as failed:
 * no attempt is left to come), finishing after `after` (epoch ms) when it is run a second time.
 */
async function reminderDone(w: World, code: string, hours: number, after = 0): Promise<Job> {
  let job: Job | undefined;
  await until(`the ${hours} h reminder of ${code} completed`, async () => {
    job = await reminderJob(w, code, hours);
    return job !== undefined && (await job.getState()) === 'completed' && (job.finishedOn ?? 0) > after;
  });
  return job!;
}

/** Waits until no job is waiting or running: every job the clock released has been handled. */
async function idle(w: World): Promise<void> {
  await until('the job queue is idle', async () => Object.values(await w.queue.getJobCounts('waiting', 'active', 'prioritized')).every((n) => n === 0));
}

/** What the fake Twilio accepted for one address. */
const sentTo = (w: World, to: string) => w.twilio.accepted.filter((m) => m.form.To === to);

/** When a booking's reminder is due (each test books with the clock back at START). */
async function dueOf(w: World, code: string, hours: number): Promise<number> {
  const b = await w.app.ruta.bookings.get(code);
  if (!b) throw new Error('booking not found');
  return Date.parse(b.slot!.start) - hours * 3600_000;
}
let n = 0;
const phone = () => `+1809${String(7000000 + ++n)}`;

describe('reminders through a fake Twilio REST API (BullMQ on real Redis, frozen clock)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world('reminders', { TWILIO_TEMPLATES: JSON.stringify({ reminder: { es: TEMPLATE } }) });
  });
  afterAll(async () => {
    await w.queue.close();
    await w.app.close();
    await w.twilio.close();
  });

  it('sends the 24 h and the 2 h reminder once each, from the number the worker wrote to, and follows delivery statuses', async () => {
    const from = phone();
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES());
    // Booking queued both reminders, to wait for their time.
    for (const hours of [24, 2]) expect(await (await reminderJob(w, code, hours))?.getState()).toBe('delayed');

    await advanceTo(w, REMINDER_24H + 60_000);
    const reminded24 = await reminderDone(w, code, 24);
    expect(sentTo(w, from)).toHaveLength(1);
    const first = sentTo(w, from)[0]!;
    expect(first.accountSid).toBe(TEST_ACCOUNT_SID);
    expect(first.auth).toBe(`Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(first.form).toMatchObject({ To: from, From: '+15005550006', StatusCallback: `${PUBLIC_URL}/twilio/status` });
    expect(first.form.Body).toBe(`Ruta: recuerda tu evaluacion el lunes 23 de noviembre, 8:00 en INFOTEP Santo Domingo. Codigo ${code}. Para cambiarla o cancelarla, escribe CITA.`);
    // promoteJobs released the 2 h reminder too, 22 hours early: it ran, and went back to wait for its time without sending.
    await until('the 2 h reminder ran early and went back to waiting', async () => {
      const job = await reminderJob(w, code, 2);
      return job !== undefined && job.attemptsStarted >= 1 && (await job.getState()) === 'delayed';
    });
    expect(sentTo(w, from)).toHaveLength(1);

    await advanceTo(w, REMINDER_2H + 60_000);
    const reminded2 = await reminderDone(w, code, 2);
    expect(sentTo(w, from)).toHaveLength(2);
    // Both jobs run again (as after a worker that stalled once it had sent): they complete, and nothing more is sent.
    for (const job of [reminded24, reminded2]) await job.retry('completed');
    await reminderDone(w, code, 24, reminded24.finishedOn);
    await reminderDone(w, code, 2, reminded2.finishedOn);
    expect(sentTo(w, from)).toHaveLength(2);

    // Twilio's status callback (signed) updates the booking's delivery record.
    const params = { MessageSid: first.sid, MessageStatus: 'delivered', AccountSid: TEST_ACCOUNT_SID, To: from };
    const res = await fetch(`${w.app.baseUrl}/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/status`, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(204);
    const deliveries = Object.values(await w.app.ruta.messenger.deliveries(code));
    expect(deliveries.map((d) => [d.kind, d.via, d.status]).sort()).toEqual([
      ['reminder', 'sms', 'delivered'],
      ['reminder', 'sms', 'queued'],
    ]);
    expect(JSON.stringify(deliveries)).not.toContain(from.slice(1));
  });

  it('sends nothing for a cancelled appointment, while a booking due by the same time is reminded', async () => {
    const [cancelled, kept] = [phone(), phone()];
    w.clock.now = START;
    const { code } = await bookByChat(w.app, cancelled, BOOK_MASON_ES());
    const { code: control } = await bookByChat(w.app, kept, BOOK_MASON_ES()); // the same slot or a later one
    for (const hours of [24, 2]) expect(await (await reminderJob(w, code, hours))?.getState()).toBe('delayed');
    await w.app.chat(cancelled, ['CITA', '2', '1']);
    expect((await w.app.ruta.bookings.get(code))?.status).toBe('cancelled');
    // Cancelling withdrew its reminders; the other booking's stay.
    for (const hours of [24, 2]) {
      expect(await reminderJob(w, code, hours)).toBeUndefined();
      expect(await (await reminderJob(w, control, hours))?.getState()).toBe('delayed');
    }
    for (const [i, hours] of [24, 2].entries()) {
      await advanceTo(w, Math.max(await dueOf(w, code, hours), await dueOf(w, control, hours)) + 60_000);
      // The machinery ran at this moment: the other booking got its reminder, and nothing is left to run.
      await reminderDone(w, control, hours);
      await idle(w);
      expect(sentTo(w, kept)).toHaveLength(i + 1);
      expect(sentTo(w, cancelled)).toEqual([]);
    }
    expect(await w.app.ruta.messenger.deliveries(code)).toEqual({});
  });

  it('uses the approved template outside WhatsApp\'s 24-hour window', async () => {
    const from = phone();
    w.clock.now = START;
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES(), 'whatsapp');
    const before = w.twilio.accepted.length;
    await advanceTo(w, (await dueOf(w, code, 24)) + 60_000); // about 45 hours after the worker's last message
    await eventually(() => w.twilio.accepted.slice(before).some((m) => m.form.To === `whatsapp:${from}`));
    const sent = w.twilio.accepted.slice(before).find((m) => m.form.To === `whatsapp:${from}`)!;
    expect(sent.form.ContentSid).toBe(TEMPLATE);
    expect(JSON.parse(sent.form.ContentVariables ?? '{}')).toEqual({ '1': 'INFOTEP Santo Domingo', '2': expect.stringMatching(/^lunes 23 de noviembre, \d+:00$/), '3': code });
    expect(sent.form.Body).toBeUndefined();
    expect(sent.form.From).toBe('whatsapp:+15005550006');
  });

  it('tells the worker when the institution cancels', async () => {
    const from = phone();
    w.clock.now = START;
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES());
    const before = w.twilio.accepted.length;
    expect((await w.app.ruta.bookings.cancel(code, 'institution')).ok).toBe(true);
    await eventually(() => w.twilio.accepted.length === before + 1);
    expect(w.twilio.accepted[before]!.form).toMatchObject({ To: from });
    expect(w.twilio.accepted[before]!.form.Body).toMatch(new RegExp(`^Ruta: INFOTEP Santo Domingo cancelo tu evaluacion del lunes 23 de noviembre, \\d+:00 \\(codigo ${code}\\)\\. Escribe CITA para elegir otro dia\\.$`));
  });
});

describe('reminders when Twilio fails or WhatsApp cannot be used', () => {
  let w: World;
  beforeAll(async () => {
    w = await world('reminders-fallback', { TWILIO_SMS_FROM: '+18095550199', REMINDER_HOURS: '24' });
  });
  afterAll(async () => {
    await w.queue.close();
    await w.app.close();
    await w.twilio.close();
  });

  it('retries with back-off after a Twilio 5xx and sends exactly once', async () => {
    const from = phone();
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES());
    const requests = w.twilio.requests;
    const before = w.twilio.accepted.length;
    w.twilio.failNext(2, 500, 20500);
    await advanceTo(w, REMINDER_24H + 60_000);
    // Completed: no attempt is left to come.
    expect((await reminderDone(w, code, 24)).attemptsMade).toBe(3);
    expect(w.twilio.requests - requests).toBe(3);
    expect(w.twilio.accepted.length).toBe(before + 1);
    expect(sentTo(w, from)).toHaveLength(1);
    expect(Object.values(await w.app.ruta.messenger.deliveries(code)).map((d) => d.status)).toEqual(['queued']);
  });

  it('does not retry a refusal (21211 invalid number) and records it', async () => {
    const from = phone();
    w.clock.now = START;
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES());
    const requests = w.twilio.requests;
    w.twilio.failNext(1, 400, 21211);
    await advanceTo(w, (await dueOf(w, code, 24)) + 60_000);
    expect((await reminderDone(w, code, 24)).attemptsMade).toBe(1);
    expect(w.twilio.requests).toBe(requests + 1);
    expect(Object.values(await w.app.ruta.messenger.deliveries(code))).toMatchObject([{ status: 'failed', error: 'twilio_21211' }]);
  });

  it('without a template, goes by SMS from the SMS number to a WhatsApp worker outside the window', async () => {
    const from = phone();
    w.clock.now = START;
    const { code } = await bookByChat(w.app, from, BOOK_MASON_ES(), 'whatsapp');
    const before = w.twilio.accepted.length;
    await advanceTo(w, (await dueOf(w, code, 24)) + 60_000);
    await eventually(() => w.twilio.accepted.slice(before).some((m) => m.form.To === from));
    const sent = w.twilio.accepted.slice(before).find((m) => m.form.To === from)!;
    expect(sent.form).toMatchObject({ From: '+18095550199' });
    expect(sent.form.Body).toMatch(new RegExp(`^Ruta: recuerda tu evaluacion el lunes 23 de noviembre, \\d+:00 en INFOTEP Santo Domingo\\. Codigo ${code}\\.`));
  });
});

describe('reminders with neither a template nor an SMS number', () => {
  it('records the failure instead of sending a free-form WhatsApp message Twilio would refuse (63016)', async () => {
    const w = await world('reminders-none', { REMINDER_HOURS: '24' });
    try {
      const from = phone();
      const { code } = await bookByChat(w.app, from, BOOK_MASON_ES(), 'whatsapp');
      const requests = w.twilio.requests;
      await advanceTo(w, REMINDER_24H + 60_000);
      // The reminder ran (and recorded why it could not go): only then does "no request" mean something.
      await reminderDone(w, code, 24);
      expect(w.twilio.requests).toBe(requests);
      expect(Object.values(await w.app.ruta.messenger.deliveries(code))).toMatchObject([{ kind: 'reminder', via: 'none', status: 'failed', error: 'no_template_no_sms' }]);
    } finally {
      await w.queue.close();
      await w.app.close();
      await w.twilio.close();
    }
  });
});
