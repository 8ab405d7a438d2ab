import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/booking/booking.js';
import type { BookingStore } from '../../src/booking/BookingStore.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { projectRoot } from '../../src/paths.js';
import { ContactSealer } from '../../src/privacy/ContactSealer.js';
import { legacyContactKey } from '../../src/privacy/contactKeys.js';
import { LocalOutbox } from '../../src/notify/LocalOutbox.js';
import { KeyRotation } from '../../src/privacy/KeyRotation.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { RedisTurnLock } from '../../src/store/RedisTurnLock.js';
import { runCli } from '../../src/tools/rutaCli.js';
import { bookByChat, BOOK_MASON_ES } from '../support/bookingJourney.js';
import { REDIS_ENV, testRedis } from '../support/redis.js';
import { SECRET, startTestApp, text, type TestApp } from '../support/testApp.js';

const NOW = new Date('2026-11-20T15:00:00Z');
const clock = { now: () => NOW };
const contactKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const K1 = contactKey('k1');
const K2 = contactKey('k2');
/** The pseudonym secret after the rotation (SECRET, the test apps' default, is the one before). */
const SECRET_B = 'rotated-pseudonym-secret-9876543210';
const silent = createLogger('silent');

let n = 0;
const phone = () => `+1809${String(7000000 + ++n)}`;

/** Everything a test opened, closed after it whatever happens. */
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A Redis prefix of the test's own, where successive "deployments" of Ruta run one after the other. */
async function deployment(label: string) {
  const redis = await testRedis(label);
  open.push(redis.cleanup);
  let running: TestApp | undefined;
  return {
    ...redis,
    /** Stops the running app (if any) and starts one with these settings on the same Redis and prefix. */
    async start(env: Record<string, string>): Promise<TestApp> {
      await running?.close();
      running = await startTestApp(label, env, redis, clock);
      const app = running;
      open.push(async () => {
        if (running === app) await app.close();
      });
      return app;
    },
  };
}

/** The rotation passes over the app's own Redis, prefix and sealer (what `ruta keys` builds from the same settings). */
const rotationOf = (app: TestApp, bookings: BookingStore = app.ruta.bookings.store) =>
  new KeyRotation({ redis: app.redis, prefix: app.prefix, sealer: app.ruta.sealer, bookings, store: app.ruta.store, lock: new RedisTurnLock(app.redis, app.prefix), log: silent });

/** The booking as the institution's API shows it. */
async function shownToInstitution(app: TestApp, code: string): Promise<{ phone: string | null }> {
  const { token } = await app.ruta.tokens.create('infotep');
  const res = await fetch(`${app.baseUrl}/api/v1/bookings/${code}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { phone: string | null };
}

/** A reminder for the booking as the app would send it (to its local outbox: no Twilio account here); the address it went to. */
async function remind(app: TestApp, code: string): Promise<string | undefined> {
  const booking = await app.ruta.bookings.get(code);
  const outbox = app.ruta.sender;
  if (!booking || !(outbox instanceof LocalOutbox)) throw new Error('no booking, or not the local outbox');
  const before = outbox.sent.length;
  await app.ruta.messenger.deliver(booking, 'reminder', `Ruta: recuerda tu evaluación (código ${code}).`, {}, `test-reminder-${randomBytes(4).toString('hex')}`);
  return outbox.sent.slice(before)[0]?.to;
}

/** A sealer built from CONTACT_KEYS exactly as the service parses it. */
const sealerFor = (contactKeys: string) => new ContactSealer(loadConfig({ CONTACT_KEYS: contactKeys }).CONTACT_KEYS);

/** A number sealed in the first format ('v1.', the key derived from the pseudonym secret), as bookings made before contact keys hold it. */
function sealFirstFormat(secret: string, address: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', legacyContactKey(secret), iv);
  const body = Buffer.concat([cipher.update(address, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Replaces a stored booking's sealed number (to set up what older deployments left behind). */
async function setContact(store: BookingStore, code: string, contact: string): Promise<void> {
  const stored = await store.get(code);
  expect(stored).toBeDefined();
  expect((await store.rewrite(stored!, { ...stored!.booking, contact })).ok).toBe(true);
}

/** The booking store, except that just before the first rewrite of `code` someone else changes that booking. */
function racingStore(inner: BookingStore, code: string, change: (b: Booking) => Booking): BookingStore {
  let raced = false;
  const rewrite: BookingStore['rewrite'] = async (previous, next) => {
    if (!raced && next.code === code) {
      raced = true;
      const now = await inner.get(code);
      expect((await inner.rewrite(now!, change(now!.booking))).ok).toBe(true);
    }
    return inner.rewrite(previous, next);
  };
  return new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'rewrite') return rewrite;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Books through the Bot Framework channel (Emulator, Web Chat): a booking with no number. */
async function bookByBotFramework(app: TestApp, user: string): Promise<string> {
  const replies = await botFramework(app, user, ['Hola', '1', '3', '2', '1', '1', 'santo domingo', '1', '0', '1']);
  const code = /Código: \*?([A-Z0-9]{6})/.exec(replies[replies.length - 1] ?? '')?.[1];
  if (!code) throw new Error(`no booking code in: ${replies[replies.length - 1]}`);
  return code;
}

async function botFramework(app: TestApp, user: string, lines: string[]): Promise<string[]> {
  const replies: string[] = [];
  for (const line of lines) {
    const res = await fetch(`${app.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `act-${randomBytes(4).toString('hex')}`,
        channelId: 'emulator',
        serviceUrl: 'http://localhost:9',
        deliveryMode: 'expectReplies',
        from: { id: user, name: 'User' },
        recipient: { id: 'ruta', name: 'Ruta' },
        conversation: { id: `conv-${user}` },
        text: line,
      }),
    });
    const body = (await res.json()) as { activities?: Array<{ text?: string }> };
    replies.push((body.activities ?? []).map((a) => a.text ?? '').join('\n'));
  }
  return replies;
}


describe('contact key rotation (ruta keys reseal)', () => {
  it('with a new key put first numbers still open; reseal moves every booking to it, the old key can go, and a second run reseals nothing', async () => {
    const d = await deployment('keys-contact');
    const first = await d.start({ CONTACT_KEYS: K1 });
    const sms = phone();
    const whatsapp = phone();
    const older = phone();
    const lost = phone();
    const codes = {
      sms: (await bookByChat(first, sms, BOOK_MASON_ES())).code,
      whatsapp: (await bookByChat(first, whatsapp, BOOK_MASON_ES('la romana'), 'whatsapp')).code,
      older: (await bookByChat(first, older, BOOK_MASON_ES())).code,
      lost: (await bookByChat(first, lost, BOOK_MASON_ES())).code,
      chat: await bookByBotFramework(first, 'emulator-user-contact'),
    };
    const store = first.ruta.bookings.store;
    const contactOf = async (code: string) => (await store.get(code))!.booking.contact;
    expect(first.ruta.sealer.keyIdOf((await contactOf(codes.sms))!)).toBe('k1');
    expect(await contactOf(codes.chat)).toBeNull();
    // What older deployments left: a number sealed before contact keys existed, and one whose key was removed too early.
    await setContact(store, codes.older, sealFirstFormat(SECRET, older));
    await setContact(store, codes.lost, sealerFor(contactKey('k0')).seal(lost));
    const lostContact = await contactOf(codes.lost);

    // k2 in front: new bookings are sealed with it, every earlier one still opens.
    const both = await d.start({ CONTACT_KEYS: `${K2},${K1}` });
    expect((await shownToInstitution(both, codes.sms)).phone).toBe(sms);
    expect((await shownToInstitution(both, codes.whatsapp)).phone).toBe(whatsapp);
    expect((await shownToInstitution(both, codes.older)).phone).toBe(older);
    expect(await remind(both, codes.sms)).toBe(sms);
    expect(await remind(both, codes.whatsapp)).toBe(`whatsapp:${whatsapp}`);
    expect(sealerFor(`${K2},${K1}`).open((await contactOf(codes.sms))!)).toBe(sms);

    // The institution changes the SMS booking while reseal is between reading and writing it: its change stays.
    const racing = racingStore(both.ruta.bookings.store, codes.sms, (b) => ({ ...b, firstName: 'Ana' }));
    const report = await rotationOf(both, racing).reseal();
    expect(report).toEqual({ bookings: 5, resealed: 3, alreadyCurrent: 0, unreadable: 1, noNumber: 1, retryLater: 0 });
    for (const code of [codes.sms, codes.whatsapp, codes.older]) expect(both.ruta.sealer.keyIdOf((await contactOf(code))!)).toBe('k2');
    expect((await store.get(codes.sms))!.booking.firstName).toBe('Ana');
    // What no key opens is reported and left as it was, never deleted.
    expect(await contactOf(codes.lost)).toBe(lostContact);
    expect(await contactOf(codes.chat)).toBeNull();

    // k1 removed: every booking still opens, for the institution and for reminders.
    const only = await d.start({ CONTACT_KEYS: K2 });
    expect((await shownToInstitution(only, codes.sms)).phone).toBe(sms);
    expect((await shownToInstitution(only, codes.whatsapp)).phone).toBe(whatsapp);
    expect((await shownToInstitution(only, codes.older)).phone).toBe(older);
    expect(await remind(only, codes.sms)).toBe(sms);
    expect(await remind(only, codes.older)).toBe(older);
    for (const [code, address] of [[codes.sms, sms], [codes.whatsapp, `whatsapp:${whatsapp}`], [codes.older, older]] as const) {
      expect(sealerFor(K2).open((await contactOf(code))!)).toBe(address);
    }
    expect(await rotationOf(only).reseal()).toEqual({ bookings: 5, resealed: 0, alreadyCurrent: 3, unreadable: 1, noNumber: 1, retryLater: 0 });
  });
});

/** The reply to CITA showing this appointment (SMS writes without accents, WhatsApp with them and in bold). */
const appointment = (code: string) => new RegExp(`Tu cita \\(c[oó]digo \\*?${code}\\*?\\):[\\s\\S]*lunes 23 de noviembre`);

describe('pseudonym secret rotation (ruta keys rotate-pseudonyms)', () => {
  it('moves a worker when they write, and one who never writes by the command; the previous secret can then go', async () => {
    const d = await deployment('keys-pseudonym');
    const before = await d.start({ CONTACT_KEYS: K1 });
    const writer = phone();
    const silentWorker = phone();
    const writerCode = (await bookByChat(before, writer, BOOK_MASON_ES())).code;
    const silentCode = (await bookByChat(before, silentWorker, BOOK_MASON_ES('la romana'), 'whatsapp')).code;
    const chatCode = await bookByBotFramework(before, 'emulator-user-pseudonym');
    const old = { writer: pseudonymize(SECRET, writer), silent: pseudonymize(SECRET, silentWorker) };
    const next = { writer: pseudonymize(SECRET_B, writer), silent: pseudonymize(SECRET_B, silentWorker) };
    const movedKeys = (pid: string) => [`state:conv/whatsapp/${pid}`, `{bookings}worker-bookings/${pid}`, `{bookings}active/${pid}/infotep:mason`];
    expect(await before.ruta.store.keysContaining(old.silent)).toEqual(expect.arrayContaining(movedKeys(old.silent)));

    const rotated = await d.start({ CONTACT_KEYS: K1, PSEUDONYM_SECRET: SECRET_B, PSEUDONYM_SECRET_PREVIOUS: SECRET });
    // (a) A worker who writes is moved at that message and finds their appointment.
    expect(text(await rotated.send(writer, 'CITA'))).toMatch(appointment(writerCode));
    expect(await rotated.ruta.store.keysContaining(old.writer)).toEqual([]);
    expect((await rotated.ruta.bookings.get(writerCode))!.pid).toBe(next.writer);
    // So is a chat (Bot Framework) sender, whose pseudonym comes from its channel and id.
    const [chatShown] = await botFramework(rotated, 'emulator-user-pseudonym', ['CITA']);
    expect(chatShown).toMatch(appointment(chatCode));

    // (b) One who never writes is moved by the command; the chat booking has no number to move it by.
    const rotation = rotationOf(rotated);
    const secrets = { secret: SECRET_B, previousSecret: SECRET };
    expect(await rotation.rotatePseudonyms(secrets)).toEqual({ workers: 3, moved: 1, alreadyCurrent: 1, skippedNoNumber: 1, unreadable: 0, unmatched: 0, retryLater: 0 });
    expect(await rotated.ruta.store.keysContaining(old.silent)).toEqual([]);
    expect(await rotated.ruta.store.keysContaining(next.silent)).toEqual(expect.arrayContaining(movedKeys(next.silent)));
    expect((await rotated.ruta.bookings.get(silentCode))!.pid).toBe(next.silent);
    expect((await rotated.ruta.bookings.get(chatCode))!.status).toBe('confirmed');
    expect(await rotation.rotatePseudonyms(secrets)).toEqual({ workers: 3, moved: 0, alreadyCurrent: 2, skippedNoNumber: 1, unreadable: 0, unmatched: 0, retryLater: 0 });

    // Without the previous secret the silent worker still finds their appointment, and can erase it.
    const after = await d.start({ CONTACT_KEYS: K1, PSEUDONYM_SECRET: SECRET_B });
    expect(text(await after.send(silentWorker, 'CITA', { channel: 'whatsapp' }))).toMatch(appointment(silentCode));
    const [, erased] = (await after.chat(silentWorker, ['BORRAR', '1'], { channel: 'whatsapp' })).map(text);
    expect(erased).toMatch(/borré todo/);
    expect(await after.ruta.bookings.get(silentCode)).toBeUndefined();
    expect(await after.ruta.store.keysContaining(next.silent)).toEqual([]);
    expect(await after.ruta.store.keysContaining(old.silent)).toEqual([]);
  });
});

describe('ruta keys as the package bin', () => {
  const bin = join(projectRoot(), 'dist/src/tools/ruta.js');
  const run = promisify(execFile);
  /** Runs the built command; its exit code and output, whether it succeeds or not. */
  async function ruta(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }
  async function cli(args: string[], env: Record<string, string>) {
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    let err = '';
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runCli(args, { stdin: new PassThrough(), stdout, stderr, env });
    return { code, err };
  }
  const counts = (stderr: string): unknown => JSON.parse(stderr.split('\n').find((l) => l.startsWith('{')) ?? 'null');

  it('new, reseal and rotate-pseudonyms print counts only (no number, no pseudonym) and refuse without the settings they need', { timeout: 60_000 }, async () => {
    const d = await deployment('keys-bin');
    const app = await d.start({ CONTACT_KEYS: K1 });
    const worker = phone();
    const { code } = await bookByChat(app, worker, BOOK_MASON_ES());
    await app.close();

    const base = { ...REDIS_ENV, REDIS_PREFIX: d.prefix, CONTACT_KEYS: K1, PSEUDONYM_SECRET: SECRET_B, PSEUDONYM_SECRET_PREVIOUS: SECRET };
    const [created, refused] = await Promise.all([ruta(['keys', 'new'], {}), ruta(['keys', 'reseal'], { ...base, CONTACT_KEYS: '' })]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^k[a-z0-9]+:[A-Za-z0-9+/]{43}=\n$/);
    expect(created.stderr).toMatch(/in front of the keys already in CONTACT_KEYS/);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/CONTACT_KEYS: is required/);

    const env = { ...base, CONTACT_KEYS: `${created.stdout.trim()},${K1}` };
    const resealed = await ruta(['keys', 'reseal'], env);
    expect([resealed.code, counts(resealed.stderr)]).toEqual([0, { bookings: 1, resealed: 1, alreadyCurrent: 0, unreadable: 0, noNumber: 0, retryLater: 0 }]);
    const moved = await ruta(['keys', 'rotate-pseudonyms'], env);
    expect([moved.code, counts(moved.stderr)]).toEqual([0, { workers: 1, moved: 1, alreadyCurrent: 0, skippedNoNumber: 0, unreadable: 0, unmatched: 0, retryLater: 0 }]);
    for (const out of [resealed, moved]) {
      const printed = out.stdout + out.stderr;
      expect(printed).not.toContain(worker.slice(-7));
      expect(printed).not.toContain(pseudonymize(SECRET, worker).slice(0, 8));
      expect(printed).not.toContain(pseudonymize(SECRET_B, worker).slice(0, 8));
    }
    // Run again (in-process: the same code without another process start), nothing is left to do.
    expect(counts((await cli(['keys', 'reseal'], env)).err)).toMatchObject({ resealed: 0, alreadyCurrent: 1 });
    expect(counts((await cli(['keys', 'rotate-pseudonyms'], env)).err)).toMatchObject({ moved: 0, alreadyCurrent: 1 });

    const after = await d.start({ CONTACT_KEYS: created.stdout.trim(), PSEUDONYM_SECRET: SECRET_B });
    expect((await after.ruta.bookings.get(code))!.pid).toBe(pseudonymize(SECRET_B, worker));
    expect((await shownToInstitution(after, code)).phone).toBe(worker);
  });
});
