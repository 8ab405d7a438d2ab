import { createRedisClient } from '../store/redisClient.js';
import type { Catalog } from '../catalog/Catalog.js';
import { AnalyticsReader, FUNNEL, type AnalyticsQuery, type KCount } from '../analytics/AnalyticsReader.js';
import { RedisAnalyticsStore } from '../analytics/RedisAnalyticsStore.js';
import { UNKNOWN_COUNTRY } from '../analytics/event.js';
import type { Config } from '../config.js';

/**
 * `ruta report [--country CC] [--since 1d|7d|30d|YYYY-MM-DD]`: the funnel and the worst drop-off
 * steps in the terminal, from the same k-anonymous reader as the console (a number describing
 * fewer than ANALYTICS_K workers prints as "<k"). Days are UTC; `--since 7d` is the last 7 days,
 * today included; a date runs from that day to today.
 */

export const REPORT_USAGE = `  ruta report [--country CC] [--since 1d|7d|30d|YYYY-MM-DD]
                                                 funnel and worst drop-off steps (needs REDIS_URL)`;

/** The period `--since` names, ending today (UTC); undefined when it is not one of the accepted forms. */
export function reportPeriod(since: string, now: Date): { from: string; to: string } | undefined {
  const to = now.toISOString().slice(0, 10);
  const days = /^(\d{1,3})d$/.exec(since);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 400) return undefined;
    return { from: new Date(now.getTime() - (n - 1) * 86_400_000).toISOString().slice(0, 10), to };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(since) && !Number.isNaN(Date.parse(`${since}T00:00:00Z`)) && since <= to) return { from: since, to };
  return undefined;
}

const STAGE_NAMES: Record<string, string> = {
  first_contact: 'First contact',
  privacy_accepted: 'Privacy accepted',
  route: 'Route explained',
  prescreen: 'Pre-screen completed',
  booked: 'Booked or requested',
  attended: 'Attended',
  certified: 'Certified',
};

const show = (c: KCount) => (c.shown ? String(c.value) : c.label);

/** Conversion from the stage before, when both numbers may be shown. */
export function conversion(previous: KCount | undefined, current: KCount): string {
  if (!previous?.shown || !current.shown || previous.value === 0) return '';
  return `${Math.round((current.value / previous.value) * 100)}%`;
}

export async function reportLines(reader: AnalyticsReader, query: AnalyticsQuery, worst = 5): Promise<string[]> {
  const funnel = await reader.funnel(query);
  const drop = await reader.dropOff(query);
  const lines = [`Ruta — ${query.country?.join(', ') ?? 'all countries'}, ${query.from} to ${query.to} (UTC); fewer than ${reader.k} workers shows as <${reader.k}`, ''];
  const width = Math.max(...FUNNEL.map((f) => (STAGE_NAMES[f.stage] ?? f.stage).length));
  lines.push(`${'Stage'.padEnd(width)}  ${'Workers'.padStart(7)}  From previous`);
  funnel.forEach((row, i) => {
    lines.push(`${(STAGE_NAMES[row.stage] ?? row.stage).padEnd(width)}  ${show(row.workers).padStart(7)}  ${conversion(funnel[i - 1]?.workers, row.workers)}`.trimEnd());
  });
  lines.push('', `Worst drop-off steps (conversations quiet for a day; "expired": forgotten meanwhile)`);
  const shown = drop.filter((d) => d.workers.shown).slice(0, worst);
  if (shown.length === 0) lines.push(`  none with ${reader.k} or more workers`);
  for (const d of shown) lines.push(`  ${show(d.workers).padStart(6)}  ${d.step}${d.cause === 'expired' ? ' (expired)' : ''}`);
  const hidden = drop.length - drop.filter((d) => d.workers.shown).length;
  if (hidden > 0) lines.push(`  and ${hidden} step(s) with fewer than ${reader.k} workers`);
  return lines;
}

export async function reportCommand(
  catalog: Catalog,
  { country, since = '30d' }: { country?: string; since?: string },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; now: () => Date },
  config: Config,
): Promise<number> {
  const { stdout, stderr } = io;
  if (!config.REDIS_URL) {
    stderr.write("Analytics are kept in the service's Redis: set REDIS_URL (and REDIS_PREFIX if the service uses one).\n");
    return 2;
  }
  const code = country?.toUpperCase();
  if (code !== undefined && !catalog.country(code)) {
    stderr.write(`Unknown country ${country}. Known: ${catalog.countries.map((c) => c.code).join(' ')}\n`);
    return 2;
  }
  const period = reportPeriod(since, io.now());
  if (!period) {
    stderr.write(`--since takes 1d, 7d, 30d (any number of days up to 400) or a date such as 2026-11-01, not ${since}\n`);
    return 2;
  }
  const redis = createRedisClient(config.REDIS_URL, { cluster: config.REDIS_CLUSTER === 'on', maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const store = new RedisAnalyticsStore(redis, config.REDIS_PREFIX, {
      eventDays: config.ANALYTICS_EVENT_RETENTION_DAYS,
      aggregateDays: config.ANALYTICS_AGGREGATE_RETENTION_DAYS,
      lastSeenMs: (config.ANALYTICS_QUIET_HOURS + 7 * 24) * 3600_000, // not written here: the report only reads
    });
    const reader = new AnalyticsReader(store, config.ANALYTICS_K, [...catalog.countries.map((c) => c.code), UNKNOWN_COUNTRY]);
    const lines = await reportLines(reader, { ...period, ...(code ? { country: [code] } : {}) });
    stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    stderr.write(`Could not read the analytics: ${(err as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
