import { z } from 'zod';
import { templatesSchema } from './notify/templates.js';

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
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    HOST: z.string().default('0.0.0.0'),
    /** Public base URL Twilio calls (signatures are computed over it), e.g. https://ruta.example.org */
    PUBLIC_URL: optionalString.pipe(z.url().optional()),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
    REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
    /** Prefix of every Redis key, so several deployments (or tests) can share one server. */
    REDIS_PREFIX: z.string().default('ruta:'),
    /** Secret for pseudonymous ids (HMAC of phone numbers). */
    PSEUDONYM_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    /** Inactive conversations of workers who accepted the privacy notice expire after this many seconds. */
    CONVERSATION_TTL_SECONDS: seconds(30 * 24 * 3600),
    /** Conversations of workers who did not accept are forgotten sooner. */
    UNCONSENTED_TTL_SECONDS: seconds(24 * 3600),
    /** A MessageSid is remembered this long to drop re-deliveries. */
    DEDUP_TTL_SECONDS: seconds(2 * 24 * 3600),
    /** How long a turn may wait for the previous turn of the same sender (Twilio gives up at 15 s). */
    TURN_WAIT_MS: z.coerce.number().int().positive().default(10_000),
    /** Bot Framework (/api/messages): anonymous when MICROSOFT_APP_ID is empty. */
    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MICROSOFT_APP_TENANT_ID: optionalString,
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
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const required: Array<keyof typeof env> = ['REDIS_URL', 'TWILIO_AUTH_TOKEN', 'PUBLIC_URL', 'PSEUDONYM_SECRET'];
    for (const key of required) {
      if (env[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
      }
    }
  });

type Env = z.infer<typeof configSchema>;

/** Validated configuration with development defaults filled in. */
export interface Config extends Omit<Env, 'PUBLIC_URL' | 'TWILIO_AUTH_TOKEN' | 'PSEUDONYM_SECRET'> {
  PUBLIC_URL: string;
  TWILIO_AUTH_TOKEN: string;
  PSEUDONYM_SECRET: string;
  /** Which settings fell back to development defaults (for the start-up warning). */
  defaulted: Array<'PUBLIC_URL' | 'TWILIO_AUTH_TOKEN' | 'PSEUDONYM_SECRET' | 'REDIS_URL'>;
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
  return {
    ...e,
    PUBLIC_URL: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    TWILIO_AUTH_TOKEN: e.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN,
    PSEUDONYM_SECRET: e.PSEUDONYM_SECRET ?? DEV_PSEUDONYM_SECRET,
    defaulted,
  };
}
