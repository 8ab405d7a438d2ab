import { z } from 'zod';
import { templatesSchema } from './notify/templates.js';
import { isLoopbackHost, isPublicAddress } from './net/addressPolicy.js';
import { parseContactKeys, devContactKeys, type ContactKey } from './privacy/contactKeys.js';

/** The development Twilio auth token used when none is configured (never in production). */
export const DEV_TWILIO_AUTH_TOKEN = 'ruta-dev-auth-token';
/** The development pseudonym secret used when none is configured (never in production). */
export const DEV_PSEUDONYM_SECRET = 'ruta-dev-pseudonym-secret';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Every setting Ruta reads, validated once at start.
 *
 * @example
 *   const config = loadConfig({ PORT: '8080', REDIS_URL: 'redis://127.0.0.1:6379/0' });
 */
const baseSchema = z.object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().default('0.0.0.0'),
    /** Public base URL Twilio calls (signatures are computed over it), e.g. https://ruta.example.org */
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    /** One server, or with REDIS_CLUSTER=on a cluster's seed nodes, comma-separated. */
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\/[^,\s]+(\s*,\s*rediss?:\/\/[^,\s]+)*$/, 'must start with redis:// or rediss:// (a cluster: several such URLs, comma-separated)')
        .optional(),
    ),
    /**
     * 'on': REDIS_URL names nodes of a Redis Cluster. Ruta's keys carry hash tags so that every
     * script and transaction keeps its keys in one slot: a sender's turn lock and marks together,
     * all bookings together, all analytics together, the job queue together.
     */
    REDIS_CLUSTER: z.enum(['on', 'off']).default('off'),
    /**
     * How commands go to Redis (see RedisBatching): 'writes', each connection's commands of one
     * turn of the event loop in one write; 'auto-pipelining', ioredis's (a batch waits for the
     * previous one's replies); 'off', one write per command, for a proxy in front of Redis that
     * cannot take several commands at once.
     */
    REDIS_BATCHING: z.enum(['writes', 'auto-pipelining', 'off']).default('writes'),
    /** Replaced by REDIS_BATCHING (2026-12-06); refused with a note saying so rather than ignored. */
    REDIS_AUTO_PIPELINING: z.string().optional(),
    /** Prefix of every Redis key, so several deployments (or tests) can share one server. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[^{}]*$/, 'must not contain { or }: Ruta adds its own hash tags after the prefix, and a brace in it would move keys that must stay together into different slots of a cluster')
      .default('ruta:'),
    /** Secret for pseudonymous ids (HMAC of phone numbers). */
    PSEUDONYM_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /**
     * The secret before the last rotation: a worker's data found under their old pseudonym is moved
     * to the new one when they next write (see "Key rotation" in the README).
     */
    PSEUDONYM_SECRET_PREVIOUS: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /**
     * Keys that encrypt the phone numbers kept in bookings, `id:base64` (32 random bytes each),
     * comma-separated, newest first: the first seals, every one opens what it sealed.
     * Generate one with `npx ruta keys new`.
     */
    CONTACT_KEYS: optionalString.transform((v, ctx) => {
      if (v === undefined) return undefined;
      const parsed = parseContactKeys(v);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.keys;
    }),
    /** Inactive conversations of workers who accepted the privacy notice expire after this many seconds. */
    CONVERSATION_TTL_SECONDS: seconds(30 * 24 * 3600),
    /** Conversations of workers who did not accept are forgotten sooner. */
    UNCONSENTED_TTL_SECONDS: seconds(24 * 3600),
    /** A MessageSid is remembered this long to drop re-deliveries. */
    DEDUP_TTL_SECONDS: seconds(2 * 24 * 3600),
    /** How long a turn may wait for the previous turn of the same sender (Twilio gives up at 15 s). */
    TURN_WAIT_MS: z.coerce.number().int().positive().default(10_000),
    /**
     * A running turn holds its sender's lock for this long and renews it while it runs, so the
     * turn of a process that died frees its sender within about this time.
     */
    TURN_LEASE_MS: z.coerce.number().int().min(500).max(60_000).default(3_000),
    /**
     * How many server processes share PORT (node:cluster: a primary forks them and starts again any
     * that dies). More than one needs REDIS_URL: every process must see the same state.
     */
    PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    /** Per sender: at most this many messages in 10 seconds … */
    LIMIT_SENDER_BURST: z.coerce.number().int().min(1).max(1000).default(10),
    /** … this many a minute … */
    LIMIT_SENDER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    /** … and replies of at most this many SMS segments a day (a whole journey is 25–50). */
    LIMIT_SENDER_SEGMENTS_PER_DAY: z.coerce.number().int().min(1).max(100_000).default(300),
    /** For everyone together: at most this many turns a minute (bounds the cost of a flood from many numbers). */
    LIMIT_GLOBAL_PER_MINUTE: z.coerce.number().int().min(1).max(10_000_000).default(6_000),
    /** At start, how long to wait for Redis (retrying) before giving up with a clear message. */
    REDIS_START_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    /**
     * Development sample centres (onboarded, with invented hours, so instant booking can be tried):
     * 'with' the real directory (development default), 'only' (tests and demos), 'none'
     * (production: the only value it accepts).
     */
    SAMPLE_CENTRES: optionalString.pipe(z.enum(['with', 'only', 'none']).optional()),
    /** How often bookings whose reminders or webhooks were not queued (a crash) are looked for. */
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /**
     * Bot Framework: extra hosts /api/messages may reply to (comma-separated), besides the Bot
     * Framework channels' own (*.botframework.com, smba.trafficmanager.net, …).
     */
    BOT_SERVICE_URL_HOSTS: optionalString.transform((v) => (v === undefined ? [] : v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))),
    /**
     * Tests only (refused in production): the process kills itself (SIGKILL) at this point between
     * writing a booking and queuing its reminders and webhooks, to prove nothing is lost.
     */
    TEST_CRASH_AT: z.enum(['booking_written', 'effects_partial', 'effects_queued']).optional(),
    /**
     * Tests only (refused in production): the clock runs this many ms ahead of (or behind) the
     * machine's, so test servers in child processes share one calendar with the tests that drive them.
     */
    TEST_CLOCK_OFFSET_MS: z.coerce.number().int().optional(),
    /** Bot Framework (/api/messages): anonymous when MICROSOFT_APP_ID is empty. */
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MICROSOFT_APP_TENANT_ID: optionalString,
    /** Where the Bot Framework SDK reads the channels' token signing keys (sovereign clouds; tests use a local one). */
    MICROSOFT_OPENID_METADATA_URL: optionalString.pipe(z.url().optional()),
    /**
     * Optional language model for reading workers' descriptions, as LangChain's `provider:model`
     * (e.g. openai:gpt-4o-mini, anthropic:claude-3-5-haiku-latest, ollama:llama3.1). The provider's
     * package must be installed (npm install @langchain/openai). Without it Ruta is fully deterministic.
     */
    LLM_MODEL: optionalString.pipe(z.string().regex(/^[a-z][a-z0-9-]*:\S+$/, 'must look like provider:model, e.g. openai:gpt-4o-mini').optional()),
    /** How long a model may take before Ruta answers with the deterministic matcher instead. */
    LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(4_000),
    /** Booking: slots are offered this many days ahead … */
    BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(180).default(28),
    /** … starting at least this many hours from now … */
    BOOKING_MIN_LEAD_HOURS: z.coerce.number().int().min(0).max(14 * 24).default(12),
    /** … and a booking (with the worker's sealed number) is deleted this many days after its slot. */
    BOOKING_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
    /** Reminders are sent this many hours before an appointment (comma-separated). */
    REMINDER_HOURS: z
      .string()
      .default('24,2')
      .transform((v) => v.split(',').map((h) => Number(h.trim())))
      .pipe(z.array(z.number().positive().max(24 * 14)).min(0).max(5)),
    /** Twilio REST base URL, for a proxy (tests point it at a fake Twilio). */
    TWILIO_API_URL: optionalString.pipe(z.url().optional()),
    /** An SMS-capable Twilio number (E.164) for reminders when WhatsApp cannot be used. */
    TWILIO_SMS_FROM: optionalString.pipe(z.string().regex(/^\+\d{6,15}$/, 'must be an E.164 number such as +18095550100').optional()),
    /**
     * Approved WhatsApp templates for messages outside the 24-hour window, as JSON:
     * {"reminder":{"es":"HX…","en":"HX…","ht":"HX…"},"cancelled":{…}}. Variables: 1 centre, 2 date and time, 3 code.
     */
    TWILIO_TEMPLATES: optionalString.transform((v, ctx) => {
      if (v === undefined) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    }).pipe(templatesSchema),
    /** Background jobs (reminders, notices, webhooks): attempts and first back-off before giving up. */
    JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
    JOB_BACKOFF_MS: z.coerce.number().int().min(1).max(3600_000).default(30_000),
    /**
     * The console (/console) runs behind the TLS proxy: which proxies it trusts for the person's
     * address (sign-in limits) and for https (the Secure cookie), as Express's `trust proxy`:
     * 'loopback' (a proxy on the same machine, the default), a number of hops, addresses or
     * subnets (comma-separated), or 'false'. Only the console trusts it; the webhooks never do.
     */
    CONSOLE_TRUST_PROXY: z
      .string()
      .trim()
      .default('loopback')
      .transform((v): boolean | number | string => (v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
    /**
     * Analytics (issue 12): 'on' records one anonymous event write per turn and counts drop-offs;
     * 'off' records nothing (no event, aggregate or last step; no drop-off sweep) and the
     * coordinators' dashboard and API say analytics are off instead of showing empty tables —
     * for a deployment that must not keep them, and for the benchmark's comparison.
     */
    ANALYTICS: z.enum(['on', 'off']).default('on'),
    /**
     * Analytics: anonymous events are kept in a Redis stream this many days (trimmed
     * with MINID on each append; each event carries its conversation's random id, so one
     * conversation can be followed through the stream until then).
     */
    ANALYTICS_EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(400).default(90),
    /** Daily counts and distinct-worker sets (no identity at all) are kept this many days after their day. */
    ANALYTICS_AGGREGATE_RETENTION_DAYS: z.coerce.number().int().min(1).max(1100).default(400),
    /** k-anonymity: a published number describing fewer distinct workers than this is shown as "<k". */
    ANALYTICS_K: z.coerce.number().int().min(2).max(100).default(5),
    /** A conversation with no message for this many hours counts as a drop-off at its last step. */
    ANALYTICS_QUIET_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
    /** How often the drop-off sweep looks for quiet conversations. */
    ANALYTICS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(24 * 3_600_000).default(15 * 60_000),
    /**
     * Analytics writes wait at most this long to go to Redis together (one script call for all the
     * turns of that time): a turn never waits for them; a crash loses at most this much of the statistics.
     */
    ANALYTICS_FLUSH_MS: z.coerce.number().int().min(0).max(5_000).default(100),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export const configSchema = baseSchema
  .superRefine((env, ctx) => {
    if (env.PROCESSES > 1 && env.REDIS_URL === undefined) ctx.addIssue({ code: 'custom', path: ['PROCESSES'], message: 'more than one process needs REDIS_URL (the in-memory store is not shared between processes)' });
    if (env.REDIS_AUTO_PIPELINING !== undefined) ctx.addIssue({ code: 'custom', path: ['REDIS_AUTO_PIPELINING'], message: "was replaced by REDIS_BATCHING: 'writes' (the default), 'auto-pipelining' (what REDIS_AUTO_PIPELINING=on did) or 'off'" });
    if (env.REDIS_URL?.includes(',') && env.REDIS_CLUSTER !== 'on') ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'names several servers: set REDIS_CLUSTER=on for a Redis Cluster, or give one URL' });
    if (env.NODE_ENV !== 'production') return;
    for (const problem of productionProblems(env)) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  });

/** A Twilio auth token: 32 hexadecimal characters (twilio.com/docs/iam/api/authtoken). */
const TWILIO_TOKEN = /^[0-9a-f]{32}$/i;
const MIN_SECRET = 32;

/**
 * What production refuses, each naming the setting and why. Development and tests run on
 * embedded defaults; production never does, because those defaults are public (in this
 * repository) and a deployment using them could be impersonated or decrypted by anyone.
 */
function productionProblems(env: z.infer<typeof baseSchema>): Array<{ key: string; message: string }> {
  const out: Array<{ key: string; message: string }> = [];
  const add = (key: string, message: string) => out.push({ key, message });
  const required: Record<string, string> = {
    REDIS_URL: 'is required when NODE_ENV=production (all state lives in Redis; memory is lost on restart and not shared)',
    TWILIO_AUTH_TOKEN: 'is required when NODE_ENV=production (it proves webhooks come from Twilio)',
    TWILIO_ACCOUNT_SID: 'is required when NODE_ENV=production (without it reminders would stay in a local outbox, never sent)',
    PUBLIC_URL: 'is required when NODE_ENV=production (webhook signatures are checked against it)',
    PSEUDONYM_SECRET: 'is required when NODE_ENV=production (it keys every pseudonymous id)',
    CONTACT_KEYS: 'is required when NODE_ENV=production (it encrypts the phone numbers kept in bookings; generate one with npx ruta keys new)',
  };
  for (const [key, why] of Object.entries(required)) if (env[key as keyof typeof env] === undefined) add(key, why);

  const token = env.TWILIO_AUTH_TOKEN;
  if (token === DEV_TWILIO_AUTH_TOKEN) add('TWILIO_AUTH_TOKEN', 'is the public development token; use the auth token of your Twilio account');
  else if (token !== undefined && !TWILIO_TOKEN.test(token)) add('TWILIO_AUTH_TOKEN', 'is not a Twilio auth token (32 hexadecimal characters, from the Twilio console)');

  const secret = env.PSEUDONYM_SECRET;
  if (secret === DEV_PSEUDONYM_SECRET) add('PSEUDONYM_SECRET', 'is the public development secret; anyone could link pseudonyms to phone numbers');
  else if (secret !== undefined && secret.length < MIN_SECRET) add('PSEUDONYM_SECRET', `is too short to be a real secret (at least ${MIN_SECRET} random characters, e.g. openssl rand -base64 48)`);
  if (secret !== undefined && secret === token) add('PSEUDONYM_SECRET', 'must not be the Twilio auth token');
  const previous = env.PSEUDONYM_SECRET_PREVIOUS;
  if (previous !== undefined && previous === secret) add('PSEUDONYM_SECRET_PREVIOUS', 'is the same as PSEUDONYM_SECRET; it must be the secret used before the rotation');
  if (previous === DEV_PSEUDONYM_SECRET) add('PSEUDONYM_SECRET_PREVIOUS', 'is the public development secret');

  const dev = devContactKeys()[0]!;
  if (env.CONTACT_KEYS?.some((k) => k.key.equals(dev.key))) add('CONTACT_KEYS', 'contains the public development key');

  if (env.PUBLIC_URL !== undefined && !env.PUBLIC_URL.startsWith('https://')) add('PUBLIC_URL', 'must use https in production (Twilio signs the URL it calls; phone numbers travel in the requests)');
  if (env.TEST_CRASH_AT !== undefined) add('TEST_CRASH_AT', 'is for tests only');
  if (env.SAMPLE_CENTRES !== undefined && env.SAMPLE_CENTRES !== 'none') add('SAMPLE_CENTRES', 'sample centres have invented hours: never in production');
  if (env.TEST_CLOCK_OFFSET_MS !== undefined) add('TEST_CLOCK_OFFSET_MS', 'is for tests only');
  if (env.MICROSOFT_APP_ID !== undefined && env.MICROSOFT_APP_TYPE !== 'UserAssignedMSI') {
    const password = env.MICROSOFT_APP_PASSWORD;
    if (password === undefined) add('MICROSOFT_APP_PASSWORD', 'is required with MICROSOFT_APP_ID (Bot Framework authentication)');
    else if (password.length < 16) add('MICROSOFT_APP_PASSWORD', 'is too short to be a real client secret');
  }
  for (const host of env.BOT_SERVICE_URL_HOSTS) {
    if (isLoopbackHost(host) || (/^[0-9.:[\]]+$/.test(host) && !isPublicAddress(host))) add('BOT_SERVICE_URL_HOSTS', `${host} is a loopback or private address`);
  }
  return out;
}

type Env = z.infer<typeof configSchema>;

/** Validated configuration with development defaults filled in. */
export interface Config extends Omit<Env, 'PUBLIC_URL' | 'TWILIO_AUTH_TOKEN' | 'PSEUDONYM_SECRET' | 'CONTACT_KEYS'> {
  PUBLIC_URL: string;
  TWILIO_AUTH_TOKEN: string;
  PSEUDONYM_SECRET: string;
  CONTACT_KEYS: ContactKey[];
  /** Which settings fell back to development defaults (for the start-up warning). */
  defaulted: Array<'PUBLIC_URL' | 'TWILIO_AUTH_TOKEN' | 'PSEUDONYM_SECRET' | 'REDIS_URL' | 'CONTACT_KEYS'>;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the environment; throws ConfigError with one line per problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const defaulted: Config['defaulted'] = [];
  if (e.PUBLIC_URL === undefined) defaulted.push('PUBLIC_URL');
  if (e.TWILIO_AUTH_TOKEN === undefined) defaulted.push('TWILIO_AUTH_TOKEN');
  if (e.PSEUDONYM_SECRET === undefined) defaulted.push('PSEUDONYM_SECRET');
  if (e.REDIS_URL === undefined) defaulted.push('REDIS_URL');
  if (e.CONTACT_KEYS === undefined) defaulted.push('CONTACT_KEYS');
  return {
    ...e,
    CONTACT_KEYS: e.CONTACT_KEYS ?? devContactKeys(),
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    TWILIO_AUTH_TOKEN: e.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN,
    PSEUDONYM_SECRET: e.PSEUDONYM_SECRET ?? DEV_PSEUDONYM_SECRET,
    defaulted,
  };
}
