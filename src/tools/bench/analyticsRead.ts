import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { RedisClient } from '../../store/redisClient.js';
import { z } from 'zod';
import { ApiTokens } from '../../api/ApiTokens.js';
import { TABLES } from '../../analytics/tables.js';
import { Accounts } from '../../console/accounts/Accounts.js';
import { RedisStore } from '../../store/RedisStore.js';
import { seedAnalytics, type SeedResult } from './analyticsSeed.js';
import { BENCH_PREFIX, clearPrefix, machineOf, percentile, start, stop } from './run.js';

/**
 * `npm run bench:analytics`: what coordinators wait for with a year's worth of analytics in Redis
 * (issue 12: p95 ≤ 200 ms with 1,000,000 events).
 *
 *  1. seeds `--events` events (default 1,000,000) of a realistic cohort over `--days` days (90)
 *     under a fresh prefix, through EventRecorder and RedisAnalyticsStore (analyticsSeed.ts),
 *     relative to this machine's clock — the one Ruta's process runs on;
 *  2. starts Ruta (`node dist/src/main.js`) on that prefix, invites a coordinator for every
 *     country and joins as them in the console (as a person would: the invitation page and its
 *     form), and makes a coordinator API token;
 *  3. requests, one at a time after `--warmup` unmeasured ones, `--requests` times each (or as
 *     many as `--budget` seconds per request kind allow, at least 20): the dashboard
 *     /console/analytics for the last 30 and 90 days, for every country and for DO alone, and every
 *     table of GET /api/v1/analytics/<table> for 30 and 90 days; each answer is checked (200 and
 *     the page's or table's shape), so a fast error is never a fast answer;
 *  4. prints p50/p95/p99 per request and writes bench-results/analytics-read.json, with the
 *     seeding time and the Redis memory the events take (INFO before and after, and MEMORY USAGE
 *     of every key under the prefix), then deletes the prefix.
 * A benchmark, never a timed test: figures depend on the machine (printed with them).
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const DAY_MS = 24 * 3600_000;

/** A coordinator's ways in: the console's session cookie and an API token. */
export interface CoordinatorAccess {
  cookie: string;
  token: string;
}

/** Cookies a response sets, as `name=value` pairs (the console's session). */
function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

/**
 * A coordinator for every country, invited in `prefix`'s store (as `ruta user invite --role
 * coordinator` does) and joined through the console's invitation form, and a coordinator API token.
 * `now`: the server's clock (the invitation must not have expired by it).
 */
export async function coordinatorAccess(baseUrl: string, redis: RedisClient, prefix: string, now: () => Date = () => new Date()): Promise<CoordinatorAccess> {
  const store = new RedisStore(redis, prefix);
  const invited = await new Accounts(store, now).invite({ email: `bench-${randomBytes(4).toString('hex')}@coordinators.example`, institution: 'infotep', role: 'coordinator', centres: 'all', countries: 'all', invitedBy: 'bench' });
  if (!invited.ok) throw new Error(`invitation refused: ${invited.reason}`);
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await fetch(`${baseUrl}/console/invite/${invited.token}`, { redirect: 'manual' });
  cookiesOf(page, jar);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`no invitation form (${page.status})`);
  const password = `bench ${randomBytes(12).toString('hex')}`;
  const joined = await fetch(`${baseUrl}/console/invite/${invited.token}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ _csrf: csrf, name: 'Bench', password, confirm: password }).toString(),
  });
  cookiesOf(joined, jar);
  if (joined.status !== 303) throw new Error(`joining failed with ${joined.status}`);
  const { token } = await new ApiTokens(store, now).createCoordinator('all');
  return { cookie: cookie(), token };
}

/** One measured request: what it asks for and how an answer is known to be the real one. */
interface Probe {
  name: string;
  period: number;
  country: string;
  path: string;
  headers: Record<string, string>;
  ok: (status: number, body: string) => boolean;
}

const apiBody = z.object({ table: z.string(), rows: z.array(z.unknown()) });

/** The dashboard (30/90 days × every country / DO) and every API table (30/90 days). */
export function probes(access: CoordinatorAccess, today: string, periods: readonly number[] = [30, 90]): Probe[] {
  const fromOf = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const out: Probe[] = [];
  for (const period of periods) {
    for (const country of ['', 'DO']) {
      const q = new URLSearchParams({ from: fromOf(period), to: today, ...(country ? { country } : {}) });
      out.push({ name: 'dashboard', period, country: country || 'all', path: `/console/analytics?${q}`, headers: { cookie: access.cookie }, ok: (s, body) => s === 200 && body.includes('id="funnel-title"') && body.includes('id="cost-title"') });
    }
  }
  for (const period of periods) {
    for (const table of TABLES) {
      const q = new URLSearchParams({ from: fromOf(period), to: today });
      out.push({ name: `api ${table}`, period, country: 'all', path: `/api/v1/analytics/${table}?${q}`, headers: { authorization: `Bearer ${access.token}` }, ok: (s, body) => s === 200 && apiBody.safeParse(JSON.parse(body)).success });
    }
  }
  return out;
}

export interface ReadResult {
  name: string;
  period: number;
  country: string;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Size of one answer (bytes), and its rows where it is a table. */
  bytes: number;
}

/** Fewer answers than this make no p95: a probe's time budget never stops it before. */
const MIN_REQUESTS = 20;

/**
 * Each probe `requests` times, one request at a time, after `warmup` unmeasured ones — or, when
 * `budgetMs` is given and spent, as many as were made by then (at least MIN_REQUESTS), so a run
 * where reads take seconds still ends in minutes; `requests` in the result says how many.
 */
export async function measureReads(baseUrl: string, list: readonly Probe[], { requests, warmup, budgetMs }: { requests: number; warmup: number; budgetMs?: number }): Promise<ReadResult[]> {
  const results: ReadResult[] = [];
  for (const p of list) {
    const ms: number[] = [];
    let errors = 0;
    let bytes = 0;
    let measuring = 0;
    for (let i = 0; i < warmup + requests; i++) {
      if (i === warmup) measuring = performance.now();
      if (budgetMs !== undefined && i > warmup && ms.length >= Math.min(MIN_REQUESTS, requests) && performance.now() - measuring > budgetMs) break;
      const t = performance.now();
      let ok = false;
      try {
        const res = await fetch(baseUrl + p.path, { headers: p.headers, redirect: 'manual' });
        const body = await res.text();
        ok = p.ok(res.status, body);
        bytes = Buffer.byteLength(body);
      } catch {
        ok = false;
      }
      const elapsed = performance.now() - t;
      if (i < warmup) continue;
      ms.push(elapsed);
      if (!ok) errors++;
    }
    ms.sort((a, b) => a - b);
    const r = (x: number) => Math.round(x * 10) / 10;
    results.push({ name: p.name, period: p.period, country: p.country, requests: ms.length, errors, p50: r(percentile(ms, 50)), p95: r(percentile(ms, 95)), p99: r(percentile(ms, 99)), max: r(ms.at(-1) ?? NaN), bytes });
  }
  return results;
}

/** Bytes Redis holds for every key under `prefix` (MEMORY USAGE, exact), and how many keys. */
async function memoryUnder(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number; byShape: Record<string, { keys: number; bytes: number }> }> {
  let keys = 0;
  let bytes = 0;
  const shapes = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 2000);
    cursor = next;
    const p = redis.pipeline();
    for (const key of batch) p.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const sizes = ((await p.exec()) ?? []).map(([, n]) => Number(n ?? 0));
    batch.forEach((key, i) => {
      keys++;
      bytes += sizes[i]!;
      // `{analytics}:u:2026-11-20:DO|es|sms|understood|route.trade` → `{analytics}:u`
      const shape = key.slice(prefix.length).replace(/^(\{analytics\}:[a-z]+).*$/, '$1').replace(/^([a-z]+[:/]).*$/, '$1*');
      const s = shapes.get(shape) ?? { keys: 0, bytes: 0 };
      s.keys++;
      s.bytes += sizes[i]!;
      shapes.set(shape, s);
    });
  } while (cursor !== '0');
  return { keys, bytes, byShape: Object.fromEntries([...shapes].sort((a, b) => b[1].bytes - a[1].bytes)) };
}

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '90' },
      requests: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '3' },
      budget: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
    },
  });
  const settings = z
    .object({ events: z.coerce.number().int().min(100).max(20_000_000), days: z.coerce.number().int().min(1).max(90), requests: z.coerce.number().int().min(1).max(100_000), warmup: z.coerce.number().int().min(0).max(1000), budget: z.coerce.number().min(1).max(86_400), seed: z.coerce.number().int() })
    .parse(values);
  const prefix = `${BENCH_PREFIX}analytics-read:`;
  const redis = new Redis(REDIS_URL);
  await clearPrefix(redis, prefix);
  const log = (line: string) => process.stderr.write(`bench:analytics: ${line}\n`);

  const nowMs = Date.now();
  const before = await usedMemory(redis);
  log(`seeding ${settings.events} events over ${settings.days} days under ${prefix}…`);
  const seeded: SeedResult = await seedAnalytics(redis, prefix, { events: settings.events, nowMs, days: settings.days, seed: settings.seed });
  const after = await usedMemory(redis);
  const memory = await memoryUnder(redis, prefix);
  log(`seeded ${seeded.events} events (${seeded.conversations} conversations) in ${(seeded.ms / 1000).toFixed(1)} s; measuring…`);

  const ruta = await start('ruta', prefix, {
    warm: false,
    // Reads only: the drop-off sweep (every 15 minutes) must not run in the middle of a series.
    env: { ANALYTICS: 'on', ANALYTICS_SWEEP_INTERVAL_MS: String(24 * 3_600_000) },
  });
  let results: ReadResult[];
  try {
    const access = await coordinatorAccess(ruta.baseUrl, redis, prefix);
    results = await measureReads(ruta.baseUrl, probes(access, new Date(nowMs).toISOString().slice(0, 10)), { ...settings, budgetMs: settings.budget * 1000 });
  } finally {
    await stop(ruta);
    await clearPrefix(redis, prefix);
  }
  const cleared = await usedMemory(redis);
  await redis.quit();

  const machine = machineOf();
  const redisMemory = { usedBeforeMb: mb(before), usedAfterSeedMb: mb(after), usedAfterClearMb: mb(cleared), seededKeys: memory.keys, seededBytesMb: mb(memory.bytes), byShape: Object.fromEntries(Object.entries(memory.byShape).map(([k, v]) => [k, { keys: v.keys, mb: mb(v.bytes) }])) };
  const report = { machine, settings, seeded, redisMemory, results };
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results', 'analytics-read.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(formatReads(report));
}

export function formatReads(report: { machine: Record<string, unknown>; settings: Record<string, unknown>; seeded: SeedResult; redisMemory: { usedBeforeMb: number; usedAfterSeedMb: number; seededKeys: number; seededBytesMb: number }; results: ReadResult[] }): string {
  const { seeded, redisMemory: m } = report;
  const lines = [
    `Machine: ${JSON.stringify(report.machine)}`,
    `Settings: ${JSON.stringify(report.settings)}`,
    `Seeded: ${seeded.events} events, ${seeded.conversations} conversations, ${seeded.turns} turns, ${seeded.firstHour} … ${seeded.lastHour}; ${seeded.dropoffs} drop-offs counted, ${seeded.waiting} waiting for the sweep; seeded in ${(seeded.ms / 1000).toFixed(1)} s`,
    `Redis: used_memory ${m.usedBeforeMb} MB before, ${m.usedAfterSeedMb} MB after seeding; the prefix's ${m.seededKeys} keys: ${m.seededBytesMb} MB (MEMORY USAGE)`,
    '',
    'request | days | country | p50 ms | p95 ms | p99 ms | max ms | errors | bytes',
  ];
  for (const r of report.results) lines.push([r.name, r.period, r.country, r.p50, r.p95, r.p99, r.max, `${r.errors}/${r.requests}`, r.bytes].join(' | '));
  const worst = Math.max(...report.results.map((r) => r.p95));
  lines.push('', `Worst p95: ${worst} ms (issue 12: ≤ 200 ms)`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:analytics failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
