import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PSEUDONYM_SECRET, DEV_TWILIO_AUTH_TOKEN } from '../../src/config.js';
import { devContactKeys } from '../../src/privacy/contactKeys.js';
import { childEnv, MAIN, runUntilExit, startChild } from '../support/childServer.js';
import { startFakeTwilio, type FakeTwilio } from '../support/fakeTwilio.js';
import { PRODUCTION_ENV } from '../support/production.js';
import { keysUnder, REDIS_URL, testRedis } from '../support/redis.js';

// The real process (`node dist/src/main.js`, built by `npx tsc -p tsconfig.json`) with NODE_ENV=production:
// each unsafe setting, alone in an otherwise correct production configuration, makes it exit non-zero
// within seconds, naming the variable and why, without a stack trace and without touching Redis.
// The same configuration without the unsafe setting starts and listens (the control).

/** A refusal must come this fast: no waiting, no retrying (the machine may be busy with other suites). */
const QUICK_MS = 10_000;
/** A process still alive after this is killed, and the case fails (its exit code is then SIGKILL). */
const KILL_AFTER_MS = 15_000;
/** A line of a stack trace: "    at fn (file:line:col)". */
const STACK_LINE = /^\s+at\s/m;

/** The refused processes' key prefix: it must stay empty. */
let redis: Awaited<ReturnType<typeof testRedis>>;
/** The control server's own prefix (a server that starts writes its job queue's keys). */
let controlRedis: Awaited<ReturnType<typeof testRedis>>;
let fake: FakeTwilio;
let good: Record<string, string>;
beforeAll(async () => {
  redis = await testRedis('startup');
  controlRedis = await testRedis('startup-control');
  fake = await startFakeTwilio(); // nothing can reach Twilio
  good = childEnv(redis.prefix, { ...PRODUCTION_ENV, REDIS_URL, TWILIO_API_URL: fake.url });
});
afterAll(async () => {
  process.stdout.write(`unsafe settings refused: ${refused.length}/${UNSAFE.length + REDIS_CASES}\n`);
  await fake?.close();
  await redis?.cleanup();
  await controlRedis?.cleanup();
});

type Change = Record<string, string | undefined>;
/** [what, change to the correct production environment (undefined removes the variable), variable, why]. */
const UNSAFE: Array<[string, Change, string, RegExp]> = [
  ['the development Twilio token', { TWILIO_AUTH_TOKEN: DEV_TWILIO_AUTH_TOKEN }, 'TWILIO_AUTH_TOKEN', /is the public development token/],
  ['TWILIO_AUTH_TOKEN=x', { TWILIO_AUTH_TOKEN: 'x' }, 'TWILIO_AUTH_TOKEN', /is not a Twilio auth token \(32 hexadecimal characters/],
  ['a Twilio token one character short', { TWILIO_AUTH_TOKEN: '0123456789abcdef0123456789abcde' }, 'TWILIO_AUTH_TOKEN', /is not a Twilio auth token \(32 hexadecimal characters/],
  ['no TWILIO_AUTH_TOKEN', { TWILIO_AUTH_TOKEN: undefined }, 'TWILIO_AUTH_TOKEN', /is required when NODE_ENV=production \(it proves webhooks come from Twilio\)/],
  ['the development pseudonym secret', { PSEUDONYM_SECRET: DEV_PSEUDONYM_SECRET }, 'PSEUDONYM_SECRET', /is the public development secret/],
  ['a 20-character pseudonym secret', { PSEUDONYM_SECRET: 'q'.repeat(20) }, 'PSEUDONYM_SECRET', /is too short to be a real secret \(at least 32 random characters/],
  ['the Twilio token as pseudonym secret', { PSEUDONYM_SECRET: PRODUCTION_ENV.TWILIO_AUTH_TOKEN! }, 'PSEUDONYM_SECRET', /must not be the Twilio auth token/],
  ['no PSEUDONYM_SECRET', { PSEUDONYM_SECRET: undefined }, 'PSEUDONYM_SECRET', /is required when NODE_ENV=production \(it keys every pseudonymous id\)/],
  ['no TWILIO_ACCOUNT_SID', { TWILIO_ACCOUNT_SID: undefined }, 'TWILIO_ACCOUNT_SID', /is required when NODE_ENV=production \(without it reminders would stay in a local outbox/],
  ['no CONTACT_KEYS', { CONTACT_KEYS: undefined }, 'CONTACT_KEYS', /is required when NODE_ENV=production \(it encrypts the phone numbers kept in bookings/],
  ['the development contact key', { CONTACT_KEYS: `dev:${devContactKeys()[0]!.key.toString('base64')}` }, 'CONTACT_KEYS', /contains the public development key/],
  ['no REDIS_URL', { REDIS_URL: undefined }, 'REDIS_URL', /is required when NODE_ENV=production \(all state lives in Redis/],
  ['an http PUBLIC_URL', { PUBLIC_URL: 'http://ruta.example.org' }, 'PUBLIC_URL', /must use https in production/],
  ['no PUBLIC_URL', { PUBLIC_URL: undefined }, 'PUBLIC_URL', /is required when NODE_ENV=production \(webhook signatures are checked against it\)/],
  ['a shifted test clock', { TEST_CLOCK_OFFSET_MS: '-1000000' }, 'TEST_CLOCK_OFFSET_MS', /is for tests only/],
  ['a test crash switch', { TEST_CRASH_AT: 'booking_written' }, 'TEST_CRASH_AT', /is for tests only/],
];
const REDIS_CASES = 2;

const refused: string[] = [];

function changed(change: Change): Record<string, string> {
  const env = { ...good };
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** What the process must never print, whatever it refuses: the configuration's real secrets. */
function expectNoSecrets(output: string): void {
  expect(output).not.toContain(PRODUCTION_ENV.TWILIO_AUTH_TOKEN!);
  expect(output).not.toContain(PRODUCTION_ENV.PSEUDONYM_SECRET!);
  expect(output).not.toContain(PRODUCTION_ENV.CONTACT_KEYS!.split(':')[1]!);
}

describe('production start with an unsafe setting (real process)', () => {
  it('control: the correct production configuration starts, listens and is ready', async () => {
    const child = await startChild({ ...good, REDIS_PREFIX: controlRedis.prefix });
    try {
      const ready = await fetch(`${child.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', store: 'redis' });
      expect(child.stderr.join('')).not.toMatch(/development|Invalid configuration/);
    } finally {
      expect(await child.kill('SIGTERM')).toBe(0);
    }
    // It did reach Redis (so the empty prefix of the refused processes means something).
    expect((await keysUnder(controlRedis.redis, controlRedis.prefix)).length).toBeGreaterThan(0);
  });

  it.each(UNSAFE)('refuses %s: exits 1 quickly, naming the variable and why', async (what, change, key, why) => {
    const started = Date.now();
    const { code, stderr } = await runUntilExit(changed(change), KILL_AFTER_MS);
    const ms = Date.now() - started;
    expect(code, stderr).toBe(1);
    expect(ms).toBeLessThan(QUICK_MS);
    expect(stderr).toMatch(/^Invalid configuration:/m);
    // The one problem, and only it: "  - VARIABLE: why".
    const problems = stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.startsWith(`  - ${key}: `), problems[0]).toBe(true);
    expect(problems[0]).toMatch(why);
    expect(stderr).not.toMatch(STACK_LINE);
    expectNoSecrets(stderr);
    // Refused before anything was written.
    expect(await keysUnder(redis.redis, redis.prefix)).toEqual([]);
    refused.push(what);
  });

  it('exits 1 within seconds with a clear message when Redis does not answer', async () => {
    const started = Date.now();
    const { code, stderr } = await runUntilExit(changed({ REDIS_URL: 'redis://127.0.0.1:1/0', REDIS_START_TIMEOUT_MS: '1500' }), KILL_AFTER_MS);
    const ms = Date.now() - started;
    expect(code, stderr).toBe(1);
    expect(ms).toBeLessThan(QUICK_MS);
    const said = /Redis at redis:\/\/127\.0\.0\.1:1\/0 did not answer after (\d+) attempts/.exec(stderr);
    expect(said, stderr).not.toBeNull();
    // Bounded retries, not a single try.
    expect(Number(said![1])).toBeGreaterThanOrEqual(2);
    expect(stderr).toMatch(/REDIS_URL/);
    expect(stderr).not.toMatch(STACK_LINE);
    expectNoSecrets(stderr);
    refused.push('Redis unreachable');
  });

  it('never prints the Redis password, on stderr or in its logs', async () => {
    const { code, stdout, stderr, ms } = await runCapturing(changed({ REDIS_URL: 'redis://:s3cret@127.0.0.1:1/0', REDIS_START_TIMEOUT_MS: '1500', LOG_LEVEL: 'debug' }));
    expect(code, stderr).toBe(1);
    expect(ms).toBeLessThan(QUICK_MS);
    expect(stderr).toMatch(/Redis at redis:\/\/\S*127\.0\.0\.1:1\/0 did not answer after \d+ attempts/);
    expect(stderr).not.toContain('s3cret');
    expect(stdout).not.toContain('s3cret');
    expect(stderr).not.toMatch(STACK_LINE);
    refused.push('Redis unreachable (URL with a password)');
  });
});

/** Like runUntilExit, but keeps stdout too (the JSON logs) and the time it took. */
async function runCapturing(env: Record<string, string>): Promise<{ code: number | NodeJS.Signals; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  const code = await new Promise<number | NodeJS.Signals>((resolve) => child.on('close', (c, s) => resolve(s ?? c ?? 0)));
  clearTimeout(timer);
  return { code, stdout: out.join(''), stderr: err.join(''), ms: Date.now() - started };
}
