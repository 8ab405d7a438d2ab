import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AnalyticsStore } from './AnalyticsStore.js';
import type { AnalyticsEvent } from './event.js';
import type { CountryScope } from './tables.js';

/**
 * The NDJSON export of anonymous events, for loading into a warehouse (BigQuery, ClickHouse,
 * DuckDB) once one Redis is outgrown. One JSON object per line, this schema (also in the README):
 *
 * | field | type | what |
 * |---|---|---|
 * | hour | string, ISO UTC hour | when (never finer than the hour) |
 * | conversation | string, 16 hex, or null | an id for this export only: HMAC of the analytics id with a key made for the request and thrown away, so two exports (or the stream and an export) cannot be joined |
 * | country, language, channel | strings | as in the dashboard's filters |
 * | kind | string | a turn outcome (understood, reasked, not_understood, command) or a milestone |
 * | step, segments, trade, unknown_facts, band, detail, waited, error_code | optional | as recorded (see event.ts); waited is a bucket (lt1h, 1h_1d, 1_7d, 7_14d, 14_30d, gt30d) |
 *
 * Never exported: simulator events, phone numbers, pseudonyms, message text, the analytics id itself.
 */
export const exportedEventSchema = z
  .object({
    hour: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/),
    conversation: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
    country: z.string().regex(/^[A-Z]{2}$/),
    language: z.string(),
    channel: z.string(),
    kind: z.string(),
    step: z.string().optional(),
    segments: z.number().int().optional(),
    trade: z.string().optional(),
    unknown_facts: z.array(z.string()).optional(),
    band: z.string().optional(),
    detail: z.string().optional(),
    waited: z.string().optional(),
    error_code: z.number().int().optional(),
  })
  .strict();
export type ExportedEvent = z.infer<typeof exportedEventSchema>;

const PAGE = 1000;

/** The events of the days from..to (UTC) within a scope, as NDJSON lines, page by page. */
export async function* eventLines(store: AnalyticsStore, period: { from: string; to: string }, scope: CountryScope, countries?: readonly string[]): AsyncGenerator<string> {
  const key = randomBytes(32);
  const conversation = (aid: string | undefined) => (aid ? createHmac('sha256', key).update(aid).digest('hex').slice(0, 16) : null);
  const fromMs = Date.parse(`${period.from}T00:00:00Z`);
  const toMs = Date.parse(`${period.to}T23:00:00Z`);
  const allowed = (c: string) => (scope === 'all' || scope.includes(c)) && (!countries || countries.length === 0 || countries.includes(c));
  let after: string | undefined;
  do {
    const page = await store.range(fromMs, toMs, PAGE, after);
    for (const e of page.events) if (!e.test && allowed(e.country)) yield `${JSON.stringify(exported(e, conversation(e.aid)))}\n`;
    after = page.next;
  } while (after);
}

function exported(e: AnalyticsEvent, conversation: string | null): ExportedEvent {
  return {
    hour: e.hour,
    conversation,
    country: e.country,
    language: e.language,
    channel: e.channel,
    kind: e.kind,
    ...(e.step !== undefined ? { step: e.step } : {}),
    ...(e.segments !== undefined ? { segments: e.segments } : {}),
    ...(e.trade !== undefined ? { trade: e.trade } : {}),
    ...(e.unknownFacts !== undefined ? { unknown_facts: [...e.unknownFacts] } : {}),
    ...(e.band !== undefined ? { band: e.band } : {}),
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    ...(e.waited !== undefined ? { waited: e.waited } : {}),
    ...(e.errorCode !== undefined ? { error_code: e.errorCode } : {}),
  };
}
