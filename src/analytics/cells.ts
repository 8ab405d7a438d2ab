import { createHash } from 'node:crypto';
import { dayOf, EVENT_KINDS, type AnalyticsEvent, type EventKind } from './event.js';

/**
 * The aggregates are cells: day × country × language × channel × kind × detail, each with a
 * count and the distinct workers (aids) that made it. `detail` is the step for turn outcomes and
 * drop-offs, the trade, band, outcome, error code or fact for milestones, '-' when none.
 *
 * @example cellOf({ country: 'DO', language: 'es', channel: 'sms' }, 'not_understood', 'route.trade') === 'DO|es|sms|not_understood|route.trade'
 */
export type CellKind =
  | EventKind
  /** SMS segments sent (the count is the number of segments). */
  | 'segments'
  /** One per fact a route explained did not know ('infotep.cost'). */
  | 'fact_unknown'
  /** Distinct workers per wait bucket: first message → booking, booking → assessment. */
  | 'time_to_booking'
  | 'time_to_assessment'
  /** The last step of a conversation quiet for 24 h, still kept / already expired. */
  | 'dropoff_quiet'
  | 'dropoff_expired';

/** Every kind of cell. */
export const CELL_KINDS: readonly CellKind[] = [...EVENT_KINDS, 'segments', 'fact_unknown', 'time_to_booking', 'time_to_assessment', 'dropoff_quiet', 'dropoff_expired'];
const KNOWN_KINDS: ReadonlySet<string> = new Set<string>(CELL_KINDS);
const isCellKind = (k: string): k is CellKind => KNOWN_KINDS.has(k);

export interface Dims {
  country: string;
  language: string;
  channel: string;
}

export interface Cell extends Dims {
  kind: CellKind;
  detail: string;
}

export const NO_DETAIL = '-';

export function dimsOf(d: Dims): string {
  return `${d.country}|${d.language}|${d.channel}`;
}

export function cellOf(d: Dims, kind: CellKind, detail: string = NO_DETAIL): string {
  return `${dimsOf(d)}|${kind}|${detail}`;
}

/** 'DO|es|sms' back into its dimensions. */
export function parseDims(dims: string): Dims | undefined {
  const [country, language, channel, ...rest] = dims.split('|');
  return country && language && channel && rest.length === 0 ? { country, language, channel } : undefined;
}

export function parseCell(cell: string): Cell | undefined {
  const [country, language, channel, kind, detail] = cell.split('|');
  if (country === undefined || language === undefined || channel === undefined || kind === undefined || detail === undefined || !isCellKind(kind)) return undefined;
  return { country, language, channel, kind, detail };
}

/**
 * Each cell is counted at three levels: exact (`x`: country|language|channel), per country (`c`:
 * 'DO|*|*'), and overall (`a`: '*|*|*'). A coordinator's read uses the coarsest level its filters
 * allow — a dashboard over all countries reads one cell per row and day, not one per country ×
 * language × channel — so a 90-day read costs the same whatever the number of countries.
 */
export const LEVELS = ['x', 'c', 'a'] as const;
export type Level = (typeof LEVELS)[number];
export const ANY = '*';

/** A cell's dimensions at a level: 'DO|es|sms' → 'DO|*|*' (c) → '*|*|*' (a). */
export function dimsAt(d: Dims, level: Level): Dims {
  if (level === 'x') return d;
  return { country: level === 'c' ? d.country : ANY, language: ANY, channel: ANY };
}

/**
 * Whether a cell is one of these kinds and (below the overall level) of these countries: what a
 * read at `level` keeps of a hash holding other cells too.
 */
export function cellFilter(level: Level, kinds: readonly CellKind[], countries: readonly string[]): (cell: string) => boolean {
  const wanted = new Set<string>(kinds);
  const places = new Set(countries);
  return (cell) => {
    const [country = '', , , kind = ''] = cell.split('|');
    return wanted.has(kind) && (level === 'a' || places.has(country));
  };
}

/** Adds one cell at every level to a write: its count and, with an aid, its distinct worker. */
export function addCell(write: AggregateWrite, day: string, d: Dims, kind: CellKind, detail: string, by: number, aid: string | undefined): void {
  for (const level of LEVELS) {
    const cell = cellOf(dimsAt(d, level), kind, detail);
    write.counts.push({ day, level, cell, by });
    if (aid) write.workers.push({ day, cell, aid });
  }
}

/** The set of distinct workers of a cell on a day (a HyperLogLog in Redis). */
export const workersId = (day: string, cell: string) => `u:${day}:${cell}`;

/** A phrase's short id in key names (the phrase itself is the member of the day's phrase list). */
export function phraseHash(phrase: string): string {
  let hash = phraseHashes.get(phrase);
  if (hash === undefined) {
    // A reader names a phrase's sets once per day of its period: the hash is remembered (bounded).
    if (phraseHashes.size >= 10_000) phraseHashes.clear();
    phraseHashes.set(phrase, (hash = createHash('sha256').update(phrase).digest('hex').slice(0, 16)));
  }
  return hash;
}
const phraseHashes = new Map<string, string>();
/** The distinct workers who wrote a phrase, per day and country|language. */
export const phraseWorkersId = (day: string, group: string, phrase: string) => `pu:${day}:${group}|${phraseHash(phrase)}`;

/** What one write adds to the aggregates (the store turns it into one round trip). */
export interface AggregateWrite {
  /** Appended to the event stream. */
  events: AnalyticsEvent[];
  /** Added to a cell's count (kept per day and level). */
  counts: Array<{ day: string; level: Level; cell: string; by: number }>;
  /** Added to a cell's distinct workers. */
  workers: Array<{ day: string; cell: string; aid: string }>;
  /** An unmatched trade phrase, counted and with its distinct workers (group: 'DO|es'). */
  phrases: Array<{ day: string; group: string; phrase: string; aid: string }>;
  /** The conversation's latest step (drop-off), or its end (erase, opt-out: nothing to count later). */
  last?: LastSeen | { aid: string; forget: true };
}

/**
 * Where a conversation was last, to the hour, for the drop-off sweep. Kept under the aid only
 * (never the pid), until the sweep counts it or the conversation moves on.
 */
export interface LastSeen {
  aid: string;
  /** country|language|channel */
  dims: string;
  step: string;
  /** The hour of the last message (ms). */
  atMs: number;
  /** When the conversation itself expires if nothing more is written (ms). */
  expiresMs: number;
}

/** The detail a milestone's cell is kept under. */
function detailOf(e: AnalyticsEvent): string {
  switch (e.kind) {
    case 'understood':
    case 'reasked':
    case 'not_understood':
    case 'command':
      return e.step ?? NO_DETAIL;
    case 'route_explained':
      return e.trade ?? NO_DETAIL;
    case 'prescreen_completed':
      return e.band ?? NO_DETAIL;
    case 'outcome':
    case 'booking_cancelled':
    case 'centre_far':
      return e.detail ?? NO_DETAIL;
    case 'delivery_failed':
      return String(e.errorCode ?? 0);
    default:
      return NO_DETAIL;
  }
}

/**
 * The cells an event adds to (none for a simulator's test event): its own, its SMS segments, and
 * for a route explained one per unknown fact.
 */
export function aggregate(e: AnalyticsEvent, write: AggregateWrite): void {
  write.events.push(e);
  if (e.test) return;
  const day = dayOf(e.hour);
  const add = (kind: CellKind, detail: string, by = 1) => addCell(write, day, e, kind, detail, by, e.aid);
  add(e.kind, detailOf(e));
  if (e.segments) add('segments', NO_DETAIL, e.segments);
  for (const fact of e.unknownFacts ?? []) add('fact_unknown', fact);
  if (e.waited) add(e.kind === 'attended' ? 'time_to_assessment' : 'time_to_booking', e.waited);
}

export const emptyWrite = (): AggregateWrite => ({ events: [], counts: [], workers: [], phrases: [] });
