import { z } from 'zod';
import { csvField } from '../api/csv.js';
import { LANGUAGES } from '../catalog/schema.js';
import { MAX_DAYS, type AnalyticsQuery, type AnalyticsReader, type KCount } from './AnalyticsReader.js';
import type { CellKind } from './cells.js';
import { CHANNELS, WAIT_BUCKETS, type WaitBucket } from './event.js';

/**
 * What coordinators read — the same tables in the console's dashboard, the API
 * (/api/v1/analytics/<table>) and their CSV files — from the k-anonymous AnalyticsReader. A number
 * describing fewer than k workers is never in a table: it is the string "<k".
 */

/** A published number: the count, or "<k" when fewer than k distinct workers make it. */
export type Published = number | string;
/** Which countries a coordinator may read: all, or these codes. */
export type CountryScope = 'all' | readonly string[];
export const published = (c: KCount): Published => (c.shown ? c.value : c.label);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a date');
/** "DO,MX" or repeated parameters, as a list of strings. */
const words = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''));

export const filterSchema = z.object({
  from: day.optional(),
  to: day.optional(),
  country: words.pipe(z.array(z.string().regex(/^[A-Za-z]{2}$/).transform((s) => s.toUpperCase())).max(20)).optional(),
  language: words.pipe(z.array(z.enum(LANGUAGES)).max(3)).optional(),
  channel: words.pipe(z.array(z.enum(CHANNELS)).max(3)).optional(),
});
export type Filters = z.infer<typeof filterSchema>;

export type ScopedQuery = { ok: true; query: AnalyticsQuery & { from: string; to: string } } | { ok: false; field: string; problem: 'invalid' | 'out_of_scope' | 'period' };

/**
 * Filters from a request, limited to a coordinator's countries: no country asked means every
 * country in scope; a country outside it is refused. The period defaults to the last 30 days
 * (UTC) ending `today`, and holds at most MAX_DAYS days.
 *
 * @example scopedQuery({ country: 'do' }, ['DO', 'HT'], '2026-11-30') // { ok: true, query: { from: '2026-11-01', to: '2026-11-30', country: ['DO'] } }
 */
export function scopedQuery(raw: unknown, scope: CountryScope, today: string): ScopedQuery {
  const parsed = filterSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, field: String(parsed.error.issues[0]?.path[0] ?? 'query'), problem: 'invalid' };
  const f = parsed.data;
  const to = f.to ?? today;
  const from = f.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1 || days > MAX_DAYS) return { ok: false, field: days < 1 ? 'to' : 'from', problem: 'period' };
  const asked = f.country && f.country.length > 0 ? f.country : undefined;
  if (asked && scope !== 'all' && asked.some((c: string) => !scope.includes(c))) return { ok: false, field: 'country', problem: 'out_of_scope' };
  const country = asked ?? (scope === 'all' ? undefined : [...scope]);
  return {
    ok: true,
    query: {
      from,
      to,
      ...(country ? { country } : {}),
      ...(f.language?.length ? { language: f.language } : {}),
      ...(f.channel?.length ? { channel: f.channel } : {}),
    },
  };
}

export const TABLES = ['funnel', 'dropoff', 'questions', 'unmatched', 'unknown-facts', 'far-towns', 'waits', 'cost'] as const;
export type TableName = (typeof TABLES)[number];

/** The funnel's stages, in order (AnalyticsReader.FUNNEL's). */
export const FUNNEL_STAGES = ['first_contact', 'privacy_accepted', 'route', 'prescreen', 'booked', 'attended', 'certified'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
const isStage = (s: string): s is FunnelStage => (FUNNEL_STAGES as readonly string[]).includes(s);

export interface FunnelRow {
  stage: FunnelStage;
  workers: Published;
  /** Share of the stage before, when both numbers are published (0–1), else null. */
  fromPrevious: number | null;
}

/** Cost rows: what was sent and what went wrong, with SMS segments per certified worker when both are published. */
export interface CostRow {
  measure: 'segments' | 'segments_per_certified' | 'delivery_failed' | 'opt_out' | 'erase' | 'throttled';
  detail: string;
  count: Published;
  workers: Published;
}

export interface Tables {
  funnel: FunnelRow[];
  dropoff: Array<{ step: string; cause: 'quiet' | 'expired'; workers: Published }>;
  /** Questions asked again or not understood, by step: where people get lost. */
  questions: Array<{ step: string; outcome: 'reasked' | 'not_understood'; turns: Published; workers: Published }>;
  unmatched: Array<{ country: string; language: string; phrase: string; workers: number }>;
  'unknown-facts': Array<{ fact: string; times: Published; workers: Published }>;
  /** Towns whose workers found no centre for their trade within FAR_KM: where a centre is missing. */
  'far-towns': Array<{ country: string; town: string; workers: Published }>;
  /** How long it took, in buckets: first message → booking, booking → assessment (buckets in order). */
  waits: Array<{ measure: 'to_booking' | 'to_assessment'; bucket: WaitBucket; workers: Published }>;
  cost: CostRow[];
}


/** Every table for one query: each day read once per level, and PFCOUNTs for the rows shown. */
export async function readTables(whole: AnalyticsReader, query: AnalyticsQuery): Promise<Tables> {
  const build = builders(whole, query);
  const built = await Promise.all(TABLES.map(async (t) => [t, await build[t]()] as const));
  return Object.fromEntries(built) as unknown as Tables;
}

/** One table (an API or CSV request): only what it needs is read. */
export async function readTable<T extends TableName>(whole: AnalyticsReader, query: AnalyticsQuery, table: T): Promise<Tables[T]> {
  return builders(whole, query)[table]() as Promise<Tables[T]>;
}

type Builders = { [T in TableName]: () => Promise<Tables[T]> };

/** How each table is made, sharing one reader (and its reads) between them; the funnel is read once even when cost needs it. */
function builders(whole: AnalyticsReader, query: AnalyticsQuery): Builders {
  const reader = whole.sharingReads();
  let funnel: ReturnType<AnalyticsReader['funnel']> | undefined;
  const readFunnel = () => (funnel ??= reader.funnel(query));
  const totals = async (measure: CostRow['measure'], kind: CellKind): Promise<CostRow[]> =>
    (await reader.totals(query, kind)).map((r) => ({ measure, detail: r.detail, count: published(r.count), workers: published(r.workers) }));
  const waits = async (measure: 'to_booking' | 'to_assessment', kind: CellKind) => {
    const rows = await reader.totals(query, kind);
    return WAIT_BUCKETS.flatMap((bucket) => {
      const row = rows.find((r) => r.detail === bucket);
      return row ? [{ measure, bucket, workers: published(row.workers) }] : [];
    });
  };
  return {
    funnel: async () => {
      const rows = await readFunnel();
      return rows.flatMap((row, i) => {
        const before = rows[i - 1]?.workers;
        if (!isStage(row.stage)) return [];
        return { stage: row.stage, workers: published(row.workers), fromPrevious: before?.shown && row.workers.shown && before.value > 0 ? Math.round((row.workers.value / before.value) * 1000) / 1000 : null };
      });
    },
    dropoff: async () => (await reader.dropOff(query)).map((d) => ({ step: d.step, cause: d.cause, workers: published(d.workers) })),
    questions: async () =>
      (await reader.turns(query, ['reasked', 'not_understood'])).flatMap((t) => (t.outcome === 'reasked' || t.outcome === 'not_understood' ? [{ step: t.step, outcome: t.outcome, turns: published(t.turns), workers: published(t.workers) }] : [])),
    unmatched: async () => (await reader.unmatchedTrades(query)).map((u) => ({ country: u.country, language: u.language, phrase: u.phrase, workers: u.workers })),
    'unknown-facts': async () => (await reader.totals(query, 'fact_unknown')).map((f) => ({ fact: f.detail, times: published(f.count), workers: published(f.workers) })),
    'far-towns': async () => (await reader.totalsByCountry(query, 'centre_far')).map((f) => ({ country: f.country, town: whole.placeName(f.country, f.detail) ?? f.detail, workers: published(f.workers) })),
    waits: async () => [...(await waits('to_booking', 'time_to_booking')), ...(await waits('to_assessment', 'time_to_assessment'))],
    cost: async () => {
      const [segments, certified] = await Promise.all([totals('segments', 'segments'), readFunnel().then((f) => f.find((r) => r.stage === 'certified')?.workers)]);
      const sent = segments[0]?.count;
      const perCertified = typeof sent === 'number' && certified?.shown && certified.value > 0 ? Math.round((sent / certified.value) * 10) / 10 : undefined;
      const rest = await Promise.all([totals('delivery_failed', 'delivery_failed'), totals('opt_out', 'opt_out'), totals('erase', 'erase'), totals('throttled', 'throttled')]);
      return [...segments, ...(perCertified !== undefined ? [{ measure: 'segments_per_certified' as const, detail: '-', count: perCertified, workers: published(certified!) }] : []), ...rest.flat()];
    },
  };
}

/** One table as CSV (RFC 4180, formula-safe), its columns in the order of the JSON rows. */
export function tableCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  const line = (values: unknown[]) => values.map((v) => csvField(v === null || v === undefined ? null : typeof v === 'number' ? v : String(v))).join(',');
  return [line([...columns]), ...rows.map((r) => line(columns.map((c) => r[c])))].join('\r\n') + '\r\n';
}

export const TABLE_COLUMNS: Record<TableName, readonly string[]> = {
  funnel: ['stage', 'workers', 'fromPrevious'],
  dropoff: ['step', 'cause', 'workers'],
  questions: ['step', 'outcome', 'turns', 'workers'],
  unmatched: ['country', 'language', 'phrase', 'workers'],
  'unknown-facts': ['fact', 'times', 'workers'],
  'far-towns': ['country', 'town', 'workers'],
  waits: ['measure', 'bucket', 'workers'],
  cost: ['measure', 'detail', 'count', 'workers'],
};
