import type { AnalyticsStore } from './AnalyticsStore.js';
import { TURN_OUTCOMES, type TurnOutcome } from './event.js';
import { parseCell, phraseWorkersId, workersId, type Cell, type CellKind, type Level } from './cells.js';

/**
 * What a coordinator asks for: UTC days from..to (inclusive, YYYY-MM-DD) and optional filters.
 *
 * @example { from: '2026-11-01', to: '2026-11-30', country: ['DO'], channel: ['sms', 'whatsapp'] }
 */
export interface AnalyticsQuery {
  from: string;
  to: string;
  country?: readonly string[];
  language?: readonly string[];
  channel?: readonly string[];
}

/** A published number: shown only when at least k distinct workers make it, otherwise "<k" and never the number. */
export type KCount = { shown: true; value: number } | { shown: false; label: string };

/**
 * The funnel's stages and the cells each counts: distinct workers who reached the stage during
 * the period (an activity funnel: each stage is counted on its own days, so a stage can hold
 * workers whose first contact was before the period). 'prescreen' is a completed pre-screen,
 * 'booked' a booking or request made (confirmed or not), 'certified' an outcome 'competent'.
 * Distinct counts come from HyperLogLogs: exact for small numbers, about 1 % off for large ones.
 */
export const FUNNEL: ReadonlyArray<{ stage: string; kind: CellKind; detail?: string }> = [
  { stage: 'first_contact', kind: 'first_contact' },
  { stage: 'privacy_accepted', kind: 'privacy_accepted' },
  { stage: 'route', kind: 'route_explained' },
  { stage: 'prescreen', kind: 'prescreen_completed' },
  { stage: 'booked', kind: 'booking_requested' },
  { stage: 'attended', kind: 'attended' },
  { stage: 'certified', kind: 'outcome', detail: 'competent' },
];

/** The longest period one read covers (a read costs one hash per day). */
export const MAX_DAYS = 400;

/**
 * Coordinators' numbers from the aggregates. A read costs one hash per day of the period plus one
 * PFCOUNT per row shown (over that row's cells), never a pass over events. Every number that
 * describes workers goes through k-anonymity: a row made by fewer than k distinct workers is
 * returned as "<k".
 */
export class AnalyticsReader {
  constructor(
    private readonly store: AnalyticsStore,
    /** The least number of distinct workers a published number may describe. */
    readonly k: number,
    /** Every country events can have (the catalog's and UNKNOWN_COUNTRY): what "all countries" reads below the overall level. */
    readonly countries: readonly string[],
    /** A town's name from its id (the gazetteer), for the far-towns table; the id itself without it. */
    readonly placeName: (country: string, id: string) => string | undefined = () => undefined,
  ) {}

  /**
   * A reader for one page or request: each day's cell hashes (and phrase lists) are read once and
   * shared by every table it reads, instead of once per table.
   */
  sharingReads(): AnalyticsReader {
    return new AnalyticsReader(new SharedReads(this.store), this.k, this.countries, this.placeName);
  }

  /** Distinct workers per funnel stage, first contact → certified. */
  async funnel(q: AnalyticsQuery): Promise<Array<{ stage: string; workers: KCount }>> {
    const rows = await this.rows(q, [...new Set(FUNNEL.map((f) => f.kind))], (c) => {
      const stage = FUNNEL.find((f) => f.kind === c.kind && (f.detail === undefined || f.detail === c.detail));
      return stage?.stage;
    });
    return FUNNEL.map(({ stage }) => ({ stage, workers: this.kCount(rows.get(stage)?.workers ?? 0) }));
  }

  /**
   * Where conversations went quiet for 24 h: per last step and cause ('quiet': the conversation
   * is still kept; 'expired': it was forgotten, the worker starts over), most workers first.
   */
  async dropOff(q: AnalyticsQuery): Promise<Array<{ step: string; cause: 'quiet' | 'expired'; workers: KCount }>> {
    const rows = await this.rows(q, ['dropoff_quiet', 'dropoff_expired'], (c) => (c.kind === 'dropoff_quiet' || c.kind === 'dropoff_expired' ? `${c.detail}|${c.kind === 'dropoff_quiet' ? 'quiet' : 'expired'}` : undefined));
    return this.sorted(rows).map(([key, r]) => {
      const [step = '', cause] = key.split('|');
      return { step, cause: cause === 'expired' ? 'expired' : 'quiet', workers: this.kCount(r.workers) };
    });
  }

  /**
   * Turns per step and outcome (understood, reasked, not_understood, command): how many, and by
   * how many workers; both suppressed below k workers.
   */
  async turns(q: AnalyticsQuery, only: readonly TurnOutcome[] = TURN_OUTCOMES): Promise<Array<{ step: string; outcome: string; turns: KCount; workers: KCount }>> {
    const outcomes = new Set<string>(only);
    const rows = await this.rows(q, only, (c) => (outcomes.has(c.kind) ? `${c.detail}|${c.kind}` : undefined));
    return this.sorted(rows).map(([key, r]) => {
      const [step = '', outcome = ''] = key.split('|');
      const g = this.guarded(r);
      return { step, outcome, turns: g.count, workers: g.workers };
    });
  }

  /**
   * Any other cell kind by detail ('delivery_failed' by error code, 'fact_unknown' by fact,
   * 'segments', 'throttled', 'opt_out', 'erase'…): the sum of counts and distinct workers.
   */
  async totals(q: AnalyticsQuery, kind: CellKind): Promise<Array<{ detail: string; count: KCount; workers: KCount }>> {
    const rows = await this.rows(q, [kind], (c) => (c.kind === kind ? c.detail : undefined));
    return this.sorted(rows).map(([detail, r]) => ({ detail, ...this.guarded(r) }));
  }

  /** Like totals, per country as well ('centre_far' by country and town). */
  async totalsByCountry(q: AnalyticsQuery, kind: CellKind): Promise<Array<{ country: string; detail: string; count: KCount; workers: KCount }>> {
    const rows = await this.rows(q, [kind], (c) => (c.kind === kind ? `${c.country}|${c.detail}` : undefined), 'c');
    return this.sorted(rows).map(([key, r]) => {
      const [country = '', ...detail] = key.split('|');
      return { country, detail: detail.join('|'), ...this.guarded(r) };
    });
  }

  /** Trade descriptions that matched nothing, only those at least k distinct workers wrote. */
  async unmatchedTrades(q: AnalyticsQuery): Promise<Array<{ country: string; language: string; phrase: string; times: number; workers: number }>> {
    const days = daysBetween(q.from, q.to);
    const perDay = await this.store.phrases(days);
    const found = new Map<string, { times: number; days: number[] }>();
    perDay.forEach((phrases, i) => {
      for (const [member, times] of Object.entries(phrases)) {
        const [country = '', language = ''] = member.split('|', 2);
        if (!matches(q.country, country) || !matches(q.language, language)) continue;
        const row = found.get(member);
        if (row) {
          row.times += times;
          row.days.push(i);
        } else found.set(member, { times, days: [i] });
      }
    });
    // A phrase written fewer than k times cannot have k writers: never counted, never shown — and
    // its worker sets are never named (a name hashes the phrase: most phrases of a long period are rare).
    const entries = [...found.entries()]
      .filter(([, r]) => r.times >= this.k)
      .map(([member, r]) => {
        const [country = '', language = '', ...rest] = member.split('|');
        const phrase = rest.join('|');
        return [member, { times: r.times, ids: r.days.map((i) => phraseWorkersId(days[i]!, `${country}|${language}`, phrase)) }] as const;
      });
    const workers = await this.store.distinct(entries.map(([, r]) => r.ids));
    return entries
      .map(([member, r], i) => {
        const [country = '', language = '', ...rest] = member.split('|');
        return { country, language, phrase: rest.join('|'), times: r.times, workers: workers[i] ?? 0 };
      })
      .filter((r) => r.workers >= this.k)
      .sort((a, b) => b.workers - a.workers || a.phrase.localeCompare(b.phrase));
  }

  /**
   * Groups the period's matching cells into rows (`rowOf` names a cell's row, or skips it), with
   * counts and distinct workers, read at the coarsest level the filters allow (`finest`: no
   * coarser than this, when rows need the country).
   */
  private async rows(q: AnalyticsQuery, kinds: readonly CellKind[], rowOf: (cell: Cell) => string | undefined, finest: Level = 'a'): Promise<Map<string, { count: number; workers: number }>> {
    const days = daysBetween(q.from, q.to);
    const filtered = (f: readonly string[] | undefined) => f !== undefined && f.length > 0;
    const level: Level = filtered(q.language) || filtered(q.channel) ? 'x' : filtered(q.country) || finest === 'c' ? 'c' : 'a';
    const perDay = await this.store.counts(days, level, kinds, filtered(q.country) ? q.country! : this.countries);
    const groups = new Map<string, { count: number; cells: Array<[day: number, cell: string]> }>();
    // The same cells come back day after day: each is parsed and given its row once per read.
    const rowOfCell = new Map<string, string | undefined>();
    perDay.forEach((cells, i) => {
      for (const raw in cells) {
        let row = rowOfCell.get(raw);
        if (row === undefined && !rowOfCell.has(raw)) {
          const cell = parseCell(raw);
          row = cell && matches(q.country, cell.country) && matches(q.language, cell.language) && matches(q.channel, cell.channel) ? rowOf(cell) : undefined;
          rowOfCell.set(raw, row);
        }
        if (row === undefined) continue;
        const g = groups.get(row);
        if (g) {
          g.count += cells[raw]!;
          g.cells.push([i, raw]);
        } else groups.set(row, { count: cells[raw]!, cells: [[i, raw]] });
      }
    });
    // Every count comes with its worker, so a row counted fewer than k times has fewer than k
    // workers: it is suppressed without asking Redis (its `workers` is then that bound, below k,
    // and never published), nor naming its sets. Most rows of a long period are such rows.
    const keys = [...groups.keys()].filter((k) => groups.get(k)!.count >= this.k);
    const workers = await this.store.distinct(keys.map((k) => groups.get(k)!.cells.map(([i, raw]) => workersId(days[i]!, raw))));
    const counted = new Map(keys.map((k, i) => [k, workers[i] ?? 0]));
    return new Map([...groups].map(([k, g]) => [k, { count: g.count, workers: counted.get(k) ?? Math.min(g.count, this.k - 1) }]));
  }

  /** Shown rows first, most workers first; then suppressed rows by name only (their order must not hint at their numbers). */
  private sorted(rows: Map<string, { count: number; workers: number }>): Array<[string, { count: number; workers: number }]> {
    const rank = (r: { workers: number }) => (r.workers >= this.k ? r.workers : 0);
    return [...rows.entries()].sort(([a, x], [b, y]) => rank(y) - rank(x) || a.localeCompare(b));
  }

  private guarded(r: { count: number; workers: number }): { count: KCount; workers: KCount } {
    const safe = r.workers >= this.k;
    return { count: safe ? { shown: true, value: r.count } : this.hidden(), workers: this.kCount(r.workers) };
  }

  private kCount(workers: number): KCount {
    return workers >= this.k ? { shown: true, value: workers } : this.hidden();
  }

  private hidden(): KCount {
    return { shown: false, label: `<${this.k}` };
  }
}

/** A store whose day reads are made once per set of days (for one request; never kept longer). */
class SharedReads implements AnalyticsStore {
  private readonly countsOf = new Map<string, Promise<Array<Record<string, number>>>>();
  private readonly phrasesOf = new Map<string, Promise<Array<Record<string, number>>>>();

  constructor(private readonly store: AnalyticsStore) {}

  /** Per kind, so tables asking for the same kind share its read and never read another's. */
  async counts(days: readonly string[], level: Level, kinds: readonly CellKind[], countries: readonly string[]) {
    const where = level === 'a' ? '' : [...countries].sort().join(',');
    const perKind = await Promise.all(kinds.map((kind) => once(this.countsOf, `${level}:${kind}:${where}:${days.join(',')}`, () => this.store.counts(days, level, [kind], countries))));
    return days.map((_, i) => Object.assign({}, ...perKind.map((k) => k[i] ?? {})) as Record<string, number>);
  }
  phrases(days: readonly string[]) {
    return once(this.phrasesOf, days.join(','), () => this.store.phrases(days));
  }
  write(...args: Parameters<AnalyticsStore['write']>) {
    return this.store.write(...args);
  }
  flush() {
    return this.store.flush();
  }
  distinct(groups: ReadonlyArray<readonly string[]>) {
    return this.store.distinct(groups);
  }
  due(beforeMs: number, limit: number) {
    return this.store.due(beforeMs, limit);
  }
  claim(aid: string, beforeMs: number) {
    return this.store.claim(aid, beforeMs);
  }
  recent(limit: number) {
    return this.store.recent(limit);
  }
  range(...args: Parameters<AnalyticsStore['range']>) {
    return this.store.range(...args);
  }
}

function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  let found = cache.get(key);
  if (!found) {
    found = read();
    cache.set(key, found);
  }
  return found;
}

const matches = (filter: readonly string[] | undefined, value: string) => filter === undefined || filter.length === 0 || filter.includes(value);

/** The UTC days from..to inclusive (at most MAX_DAYS; an inverted or invalid period has none). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [];
  const days: string[] = [];
  for (let t = start; t <= end && days.length < MAX_DAYS; t += 24 * 3600_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
