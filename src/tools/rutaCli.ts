import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Catalog } from '../catalog/Catalog.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger } from '../log.js';
import { matchWork, type MatchOut } from '../match/matchWork.js';
import { loadChatModel, WorkProfiler } from '../match/WorkProfiler.js';
import { createRedisClient } from '../store/redisClient.js';
import { ApiTokens } from '../api/ApiTokens.js';
import type { CountryScope } from '../console/accounts/Accounts.js';
import { RedisStore } from '../store/RedisStore.js';
import { newContactKey } from '../privacy/contactKeys.js';
import { ContactSealer } from '../privacy/ContactSealer.js';
import { KeyRotation } from '../privacy/KeyRotation.js';
import { userCommand } from './userCommand.js';
import { REPORT_USAGE, reportCommand } from './reportCommand.js';

const USAGE = `Usage:
  ruta match [--country CC] [--limit N] [TEXT]   occupations and standards for a description of work
  ruta detect [TEXT]                             language of a message (es, en, ht; fr is reported as such)
  ruta token create --institution ID             a new institution API token, printed once (needs REDIS_URL)
  ruta token revoke TOKEN_ID                     revokes a token (its id, or the token itself)
  ruta token list --institution ID               an institution's token ids and when they were made
  ruta token create --coordinator [--countries DO,HT]
                                                 a coordinator token: anonymous figures of those countries
                                                 (all without --countries), refused on institution endpoints
  ruta token list --coordinator                  coordinator token ids and when they were made
  ruta user invite --institution ID --role admin|staff --email E [--centre ID …]
                                                 a one-time console sign-in link, printed (needs REDIS_URL)
  ruta user invite --institution ID --role coordinator --email E [--countries DO,HT]
                                                 a coordinator (no worker pages; all countries without
                                                 --countries), listed on that institution's users page
  ruta user list --institution ID                an institution's console accounts
  ruta user disable --email E                    ends an account's access to the console
${REPORT_USAGE}
  ruta keys new                                  a new CONTACT_KEYS entry (goes in front of the existing ones)
  ruta keys reseal                               seals every booking's number with the first CONTACT_KEYS key
                                                 (needs REDIS_URL, REDIS_PREFIX, CONTACT_KEYS, PSEUDONYM_SECRET)
  ruta keys rotate-pseudonyms                    moves workers from PSEUDONYM_SECRET_PREVIOUS's pseudonyms to
                                                 PSEUDONYM_SECRET's (needs REDIS_URL, REDIS_PREFIX, CONTACT_KEYS,
                                                 PSEUDONYM_SECRET, PSEUDONYM_SECRET_PREVIOUS)

Without TEXT, each line of standard input is one text and each answer one JSON line.
With LLM_MODEL=provider:model set, 'match' reads the description with that model first
(falling back to the deterministic matcher); otherwise it is fully offline.
`;

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  /** Today, for `report --since` (tests freeze it; the machine's clock otherwise). */
  now?: () => Date;
}

/**
 * The `ruta` command line: `match` and `detect` (JSON on stdout), `token` and `keys`. Returns the exit code.
 * (src/tools/rutaBin.ts is the executable.)
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { stdout, stderr } = io;
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        country: { type: 'string' },
        limit: { type: 'string', default: '3' },
        institution: { type: 'string' },
        role: { type: 'string' },
        email: { type: 'string' },
        centre: { type: 'string', multiple: true },
        countries: { type: 'string' },
        coordinator: { type: 'boolean', default: false },
        since: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    stdout.write(USAGE);
    return 0;
  }
  if (command === 'keys') return keysCommand(positionals, io);
  const catalog = Catalog.load();
  const countries = countryScope(catalog, values.countries, io);
  if (countries === undefined) return 2;
  if (command === 'token') return tokenCommand(catalog, positionals, values.coordinator ? { coordinator: countries } : values.institution, io);
  if (command === 'user') return userCommand(catalog, positionals, { ...values, countries }, io, USAGE);
  if (command === 'report') {
    const config = configOrReport(io);
    if (!config) return 2;
    return reportCommand(catalog, { ...(values.country ? { country: values.country } : {}), ...(values.since ? { since: values.since } : {}) }, { stdout, stderr, now: io.now ?? (() => new Date()) }, config);
  }
  const country = values.country?.toUpperCase();
  if (country !== undefined && !catalog.country(country)) {
    stderr.write(`Unknown country ${values.country}. Known: ${catalog.countries.map((c) => c.code).join(' ')}\n`);
    return 2;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10) {
    stderr.write('--limit must be a whole number from 1 to 10\n');
    return 2;
  }

  let answer: (text: string) => Promise<object>;
  if (command === 'detect') {
    answer = async (text) => {
      const d = catalog.languageDetector.detect(text);
      return { language: d.language ?? null, confidence: d.confidence };
    };
  } else if (command === 'match') {
    // Logs go to stderr: stdout is JSON only.
    const log = createLogger('warn', (line) => stderr.write(`${line}\n`));
    const config = configOrReport(io);
    if (!config) return 2;
    const model = await loadChatModel(config.LLM_MODEL, log);
    const profiler = model ? new WorkProfiler(catalog, { model, timeoutMs: config.LLM_TIMEOUT_MS, log, now: () => new Date() }) : undefined;
    answer = async (text): Promise<MatchOut & { via?: string }> => {
      if (!profiler) return matchWork(catalog, text, { country, limit });
      const profile = await profiler.profile(text);
      return { ...matchWork(catalog, text, { country, limit, ranked: profile.occupations }), via: profile.via };
    };
  } else {
    stderr.write(`Unknown command ${command}\n\n${USAGE}`);
    return 2;
  }

  if (positionals.length > 0) {
    stdout.write(`${JSON.stringify(await answer(positionals.join(' ')))}\n`);
    return 0;
  }
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) stdout.write(`${JSON.stringify(await answer(line))}\n`);
  return 0;
}

/** `--countries DO,HT` as a country scope ('all' without it); undefined after saying what is wrong. */
function countryScope(catalog: Catalog, raw: string | undefined, io: CliIo): CountryScope | undefined {
  if (raw === undefined || raw.trim().toLowerCase() === 'all') return 'all';
  const codes = [...new Set(raw.split(',').map((c) => c.trim().toUpperCase()).filter((c) => c !== ''))];
  const unknown = codes.filter((c) => !catalog.country(c));
  if (codes.length === 0 || unknown.length > 0) {
    io.stderr.write(`--countries must be country codes separated by commas (or all). Unknown: ${unknown.join(' ') || '(none given)'}. Known: ${catalog.countries.map((c) => c.code).join(' ')}\n`);
    return undefined;
  }
  return codes;
}

/**
 * `ruta token create|revoke|list`: API tokens, kept (hashed) in the service's Redis — an
 * institution's (`--institution ID`), or a coordinator's (`--coordinator [--countries DO,HT]`).
 */
async function tokenCommand(catalog: Catalog, args: string[], owner: string | { coordinator: CountryScope } | undefined, io: CliIo): Promise<number> {
  const { stdout, stderr } = io;
  const [action, target] = args;
  const coordinator = typeof owner === 'object' ? owner.coordinator : undefined;
  const institution = typeof owner === 'string' ? owner : undefined;
  const config = configOrReport(io);
  if (!config) return 2;
  if (!config.REDIS_URL) {
    stderr.write('Tokens are kept in the service\'s Redis: set REDIS_URL (and REDIS_PREFIX if the service uses one).\n');
    return 2;
  }
  if ((action === 'create' || action === 'list') && !coordinator && (!institution || !catalog.institution(institution))) {
    stderr.write(`--institution must be one of: ${catalog.data.institutions.map((i) => i.id).join(' ')} (or --coordinator for a coordinator token)\n`);
    return 2;
  }
  if (action !== 'create' && action !== 'list' && !(action === 'revoke' && target)) {
    stderr.write(USAGE);
    return 2;
  }
  const redis = createRedisClient(config.REDIS_URL, { cluster: config.REDIS_CLUSTER === 'on', maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const tokens = new ApiTokens(new RedisStore(redis, config.REDIS_PREFIX), () => new Date());
    if (action === 'create') {
      const { id, token } = coordinator ? await tokens.createCoordinator(coordinator) : await tokens.create(institution!);
      stdout.write(`${token}\n`);
      const whose = coordinator ? `a coordinator (countries: ${coordinator === 'all' ? 'all' : coordinator.join(' ')})` : institution;
      stderr.write(`Token ${id} for ${whose}. It is shown only now: store it safely. Revoke it with: ruta token revoke ${id}\n`);
    } else if (action === 'list') {
      stdout.write(`${JSON.stringify(coordinator ? await tokens.listCoordinator() : await tokens.list(institution!))}\n`);
    } else if (!(await tokens.revoke(target!))) {
      stderr.write('No such token (already revoked?).\n');
      return 1;
    } else {
      stderr.write('Revoked.\n');
    }
    return 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Why each `keys` command needs a setting (named when it is missing). */
const KEYS_NEEDS: Record<'reseal' | 'rotate-pseudonyms', Partial<Record<Config['defaulted'][number] | 'PSEUDONYM_SECRET_PREVIOUS', string>>> = {
  reseal: {
    REDIS_URL: "is required: bookings are in the service's Redis (set REDIS_PREFIX too, as the service has it)",
    CONTACT_KEYS: 'is required: the service\'s keys, newest first, exactly as the service has them',
    PSEUDONYM_SECRET: 'is required: numbers sealed before contact keys existed open with it',
  },
  'rotate-pseudonyms': {
    REDIS_URL: "is required: bookings are in the service's Redis (set REDIS_PREFIX too, as the service has it)",
    CONTACT_KEYS: 'is required: the new pseudonym of a worker is computed from their number, sealed in their bookings',
    PSEUDONYM_SECRET: 'is required: the new secret, the one the service now runs with',
    PSEUDONYM_SECRET_PREVIOUS: 'is required: the secret before the rotation, whose pseudonyms are moved',
  },
};

/**
 * `ruta keys new|reseal|rotate-pseudonyms` (README, "Key rotation"). Counts go to stderr as one
 * JSON line; nothing printed names a number or a pseudonym.
 */
async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { stdout, stderr } = io;
  const [action] = args;
  if (action === 'new') {
    stdout.write(`${newContactKey(new Date())}\n`);
    stderr.write('Put it in front of the keys already in CONTACT_KEYS (CONTACT_KEYS=<new>,<old>…) on every process, restart them, then run: ruta keys reseal\n');
    return 0;
  }
  if ((action !== 'reseal' && action !== 'rotate-pseudonyms') || args.length > 1) {
    stderr.write(USAGE);
    return 2;
  }
  const config = configOrReport(io);
  if (!config) return 2;
  const unset = new Set<string>(config.defaulted);
  if (config.PSEUDONYM_SECRET_PREVIOUS === undefined) unset.add('PSEUDONYM_SECRET_PREVIOUS');
  const missing = Object.entries(KEYS_NEEDS[action]).filter(([key]) => unset.has(key));
  if (missing.length > 0) {
    stderr.write(`ruta keys ${action}: ${new ConfigError(missing.map(([key, why]) => `${key}: ${why}`)).message}\n`);
    return 2;
  }
  const previous = config.PSEUDONYM_SECRET_PREVIOUS;
  // As the service builds it: numbers of the first format ('v1.') open with a pseudonym secret.
  const sealer = new ContactSealer(config.CONTACT_KEYS, previous ? [config.PSEUDONYM_SECRET, previous] : [config.PSEUDONYM_SECRET]);
  const redis = createRedisClient(config.REDIS_URL!, { cluster: config.REDIS_CLUSTER === 'on', maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const rotation = KeyRotation.onRedis(redis, config.REDIS_PREFIX, sealer, createLogger('warn', (line) => stderr.write(`${line}\n`)));
    const report = action === 'reseal' ? await rotation.reseal() : await rotation.rotatePseudonyms({ secret: config.PSEUDONYM_SECRET, previousSecret: previous! });
    stderr.write(`${JSON.stringify(report)}\n`);
    if (('bookings' in report ? report.bookings : report.workers) === 0) stderr.write(`No bookings under the prefix ${config.REDIS_PREFIX} (is REDIS_PREFIX the service's?).\n`);
    const unit = 'bookings' in report ? 'bookings' : 'workers';
    if (report.unreadable > 0) stderr.write(`${report.unreadable} ${unit}: the number opens with no key in CONTACT_KEYS (left as they are, not deleted).\n`);
    if ('unmatched' in report && report.unmatched > 0) stderr.write(`${report.unmatched} workers are under neither pseudonym of their number (an older secret?): left as they are.\n`);
    if (report.retryLater > 0) {
      stderr.write(`${report.retryLater} ${unit} changed or were busy while this ran: run it again.\n`);
      return 1;
    }
    return 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The validated configuration, or undefined after writing its problems to stderr. */
export function configOrReport(io: CliIo): Config | undefined {
  try {
    return loadConfig(io.env);
  } catch (err) {
    io.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `${String(err)}\n`);
    return undefined;
  }
}
