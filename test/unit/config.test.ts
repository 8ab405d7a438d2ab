import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_PSEUDONYM_SECRET, DEV_TWILIO_AUTH_TOKEN, loadConfig } from '../../src/config.js';
import { devContactKeys } from '../../src/privacy/contactKeys.js';
import { PRODUCTION_ENV } from '../support/production.js';

/** The problems loadConfig reports for `env`, one line each; fails the test if it accepts it. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

const PRODUCTION = PRODUCTION_ENV;

describe('loadConfig', () => {
  it('runs on embedded defaults for development', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.PUBLIC_URL).toBe('http://localhost:3978');
    expect(c.TWILIO_AUTH_TOKEN).toBe(DEV_TWILIO_AUTH_TOKEN);
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.defaulted).toEqual(['PUBLIC_URL', 'TWILIO_AUTH_TOKEN', 'PSEUDONYM_SECRET', 'REDIS_URL', 'CONTACT_KEYS']);
    expect(c.CONTACT_KEYS.map((k) => k.id)).toEqual(['dev']);
    expect(c.CONVERSATION_TTL_SECONDS).toBe(30 * 24 * 3600);
    expect([c.LIMIT_SENDER_BURST, c.LIMIT_SENDER_PER_MINUTE, c.LIMIT_SENDER_SEGMENTS_PER_DAY]).toEqual([10, 30, 300]);
  });

  it('starts in production with real-looking settings', () => {
    const c = loadConfig(PRODUCTION);
    expect(c.defaulted).toEqual([]);
    expect(c.CONTACT_KEYS.map((k) => k.id)).toEqual(['k1']);
  });

  it('refuses to start in production without Redis, Twilio and the secrets, naming each and why', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const key of ['REDIS_URL', 'TWILIO_AUTH_TOKEN', 'TWILIO_ACCOUNT_SID', 'PUBLIC_URL', 'PSEUDONYM_SECRET', 'CONTACT_KEYS']) {
      expect(problems.find((p) => p.startsWith(`${key}: is required when NODE_ENV=production (`))).toBeDefined();
    }
  });

  // Each unsafe production setting alone, and the sentence that names it.
  it.each<[string, Record<string, string>, RegExp]>([
    ['the development Twilio token', { TWILIO_AUTH_TOKEN: DEV_TWILIO_AUTH_TOKEN }, /^TWILIO_AUTH_TOKEN: is the public development token/],
    ['a Twilio token that is not 32 hex characters', { TWILIO_AUTH_TOKEN: 'x' }, /^TWILIO_AUTH_TOKEN: is not a Twilio auth token \(32 hexadecimal characters/],
    ['a 31-character Twilio token', { TWILIO_AUTH_TOKEN: 'a'.repeat(31) }, /^TWILIO_AUTH_TOKEN: is not a Twilio auth token/],
    ['no account SID', { TWILIO_ACCOUNT_SID: '' }, /^TWILIO_ACCOUNT_SID: is required .*local outbox/],
    ['the development pseudonym secret', { PSEUDONYM_SECRET: DEV_PSEUDONYM_SECRET }, /^PSEUDONYM_SECRET: is the public development secret/],
    ['a short pseudonym secret', { PSEUDONYM_SECRET: 's'.repeat(20) }, /^PSEUDONYM_SECRET: is too short to be a real secret/],
    ['the auth token as pseudonym secret', { PSEUDONYM_SECRET: '0123456789abcdef0123456789abcdef' }, /^PSEUDONYM_SECRET: must not be the Twilio auth token/],
    ['no contact key', { CONTACT_KEYS: '' }, /^CONTACT_KEYS: is required/],
    ['the development contact key', { CONTACT_KEYS: `dev:${devContactKeys()[0]!.key.toString('base64')}` }, /^CONTACT_KEYS: contains the public development key/],
    ['a contact key of the wrong size', { CONTACT_KEYS: `k1:${randomBytes(16).toString('base64')}` }, /^CONTACT_KEYS: key k1 must be 32 random bytes/],
    ['no Redis', { REDIS_URL: '' }, /^REDIS_URL: is required/],
    ['a public URL without https', { PUBLIC_URL: 'http://ruta.example.org' }, /^PUBLIC_URL: must use https in production/],
    ['the previous pseudonym secret equal to the current one', { PSEUDONYM_SECRET_PREVIOUS: 'p'.repeat(48) }, /^PSEUDONYM_SECRET_PREVIOUS: is the same as PSEUDONYM_SECRET/],
    ['a crash point for tests', { TEST_CRASH_AT: 'booking_written' }, /^TEST_CRASH_AT: is for tests only/],
    ['a Bot Framework app id without its password', { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001' }, /^MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID/],
    ['a Bot Framework password too short to be real', { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x' }, /^MICROSOFT_APP_PASSWORD: is too short/],
    ['a loopback Bot Framework reply host', { BOT_SERVICE_URL_HOSTS: 'localhost' }, /^BOT_SERVICE_URL_HOSTS: localhost is a loopback or private address/],
    ['a private Bot Framework reply host', { BOT_SERVICE_URL_HOSTS: '10.0.0.5' }, /^BOT_SERVICE_URL_HOSTS: 10\.0\.0\.5 is a loopback or private address/],
  ])('refuses %s in production', (_what, change, message) => {
    const problems = problemsOf({ ...PRODUCTION, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('accepts the development defaults outside production', () => {
    expect(() => loadConfig({ TWILIO_AUTH_TOKEN: DEV_TWILIO_AUTH_TOKEN, PSEUDONYM_SECRET: DEV_PSEUDONYM_SECRET, TEST_CRASH_AT: 'booking_written' })).not.toThrow();
  });

  it('explains invalid values clearly', () => {
    const problems = problemsOf({ PORT: 'eighty', REDIS_URL: 'localhost:6379', TWILIO_ACCOUNT_SID: 'nope' }).join('\n');
    expect(problems).toMatch(/^PORT: /m);
    expect(problems).toMatch(/REDIS_URL: must start with redis:\/\//);
    expect(problems).toMatch(/TWILIO_ACCOUNT_SID: must look like AC/);
  });

  it('takes a Redis Cluster as several comma-separated nodes with REDIS_CLUSTER=on, and refuses braces in REDIS_PREFIX', () => {
    const urls = 'redis://10.0.0.1:7000, redis://10.0.0.2:7000,rediss://10.0.0.3:7000';
    expect(loadConfig({ REDIS_URL: urls, REDIS_CLUSTER: 'on' })).toMatchObject({ REDIS_URL: urls, REDIS_CLUSTER: 'on' });
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.1:7000' }).REDIS_CLUSTER).toBe('off');
    expect(problemsOf({ REDIS_URL: urls })).toEqual(['REDIS_URL: names several servers: set REDIS_CLUSTER=on for a Redis Cluster, or give one URL']);
    expect(problemsOf({ REDIS_URL: 'redis://10.0.0.1:7000,10.0.0.2:7000', REDIS_CLUSTER: 'on' }).join('\n')).toMatch(/REDIS_URL: must start with redis:\/\/ or rediss:\/\/ \(a cluster/);
    expect(problemsOf({ REDIS_CLUSTER: 'yes' }).join('\n')).toMatch(/^REDIS_CLUSTER: /);
    expect(problemsOf({ REDIS_PREFIX: '{ruta}:' }).join('\n')).toMatch(/^REDIS_PREFIX: must not contain \{ or \}/);
  });

  it('batches Redis writes by default, and names what replaced REDIS_AUTO_PIPELINING instead of ignoring it', () => {
    expect(loadConfig({}).REDIS_BATCHING).toBe('writes');
    expect(loadConfig({ REDIS_BATCHING: 'auto-pipelining' }).REDIS_BATCHING).toBe('auto-pipelining');
    expect(problemsOf({ REDIS_BATCHING: 'on' }).join('\n')).toMatch(/^REDIS_BATCHING: /);
    expect(problemsOf({ REDIS_AUTO_PIPELINING: 'off' })).toEqual(["REDIS_AUTO_PIPELINING: was replaced by REDIS_BATCHING: 'writes' (the default), 'auto-pipelining' (what REDIS_AUTO_PIPELINING=on did) or 'off'"]);
  });

  it('reads an empty SAMPLE_CENTRES (as .env.example leaves it) as unset, and refuses unknown values', () => {
    expect(loadConfig({ SAMPLE_CENTRES: '' }).SAMPLE_CENTRES).toBeUndefined();
    expect(loadConfig({ SAMPLE_CENTRES: 'only' }).SAMPLE_CENTRES).toBe('only');
    expect(problemsOf({ SAMPLE_CENTRES: 'some' }).join()).toMatch(/SAMPLE_CENTRES/);
  });

  it('strips a trailing slash from PUBLIC_URL (signatures are computed over it)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://ruta.example.org/' }).PUBLIC_URL).toBe('https://ruta.example.org');
  });
});
