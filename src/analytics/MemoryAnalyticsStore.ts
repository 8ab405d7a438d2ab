import type { AnalyticsEvent } from './event.js';
import type { AnalyticsStore } from './AnalyticsStore.js';
import { cellFilter, phraseWorkersId, type AggregateWrite, type CellKind, type LastSeen, type Level } from './cells.js';

/** How much the quick start keeps in memory: the newest days and events, a bounded number of workers. */
export interface MemoryLimits {
  days: number;
  events: number;
  /** Distinct workers remembered per cell, and conversations waiting for the drop-off sweep. */
  workers: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = { days: 62, events: 10_000, workers: 10_000 };

/**
 * The quick start's analytics (no Redis): the same cells as RedisAnalyticsStore, with exact sets
 * instead of HyperLogLogs, bounded — only the newest `days` days, `events` events, and at most
 * `workers` ids per cell and waiting for the sweep (the oldest are dropped). Lost on restart.
 */
export class MemoryAnalyticsStore implements AnalyticsStore {
  private readonly days = new Map<string, { counts: Record<Level, Map<string, number>>; sets: Map<string, Set<string>>; phrases: Map<string, number> }>();
  private readonly events: AnalyticsEvent[] = [];
  private readonly last = new Map<string, LastSeen>();

  constructor(private readonly limits: MemoryLimits = DEFAULT_MEMORY_LIMITS) {}

  /** Nothing waits: every write is applied when made. */
  async flush(): Promise<void> {}

  async write(w: AggregateWrite): Promise<void> {
    this.events.push(...w.events);
    if (this.events.length > this.limits.events) this.events.splice(0, this.events.length - this.limits.events);
    for (const { day, level, cell, by } of w.counts) {
      const counts = this.day(day).counts[level];
      counts.set(cell, (counts.get(cell) ?? 0) + by);
    }
    for (const { day, cell, aid } of w.workers) this.addTo(this.day(day).sets, `u:${day}:${cell}`, aid);
    for (const { day, group, phrase, aid } of w.phrases) {
      const d = this.day(day);
      d.phrases.set(`${group}|${phrase}`, (d.phrases.get(`${group}|${phrase}`) ?? 0) + 1);
      this.addTo(d.sets, phraseWorkersId(day, group, phrase), aid);
    }
    if (w.last) {
      this.last.delete(w.last.aid);
      if (!('forget' in w.last)) this.last.set(w.last.aid, w.last);
      // Map order is insertion order: the first entry is the conversation quiet the longest.
      if (this.last.size > this.limits.workers) this.last.delete(this.last.keys().next().value!);
    }
  }

  async counts(days: readonly string[], level: Level, kinds: readonly CellKind[], countries: readonly string[]): Promise<Array<Record<string, number>>> {
    const keep = cellFilter(level, kinds, countries);
    return days.map((day) => Object.fromEntries([...(this.days.get(day)?.counts[level] ?? [])].filter(([cell]) => keep(cell))));
  }

  async distinct(groups: ReadonlyArray<readonly string[]>): Promise<number[]> {
    return groups.map((ids) => {
      const union = new Set<string>();
      for (const id of ids) for (const aid of this.days.get(id.split(':')[1] ?? '')?.sets.get(id) ?? []) union.add(aid);
      return union.size;
    });
  }

  async phrases(days: readonly string[]): Promise<Array<Record<string, number>>> {
    return days.map((day) => Object.fromEntries(this.days.get(day)?.phrases ?? []));
  }

  async due(beforeMs: number, limit: number): Promise<string[]> {
    return [...this.last.values()].filter((l) => l.atMs < beforeMs).slice(0, limit).map((l) => l.aid);
  }

  async claim(aid: string, beforeMs: number): Promise<LastSeen | undefined> {
    const l = this.last.get(aid);
    if (!l || l.atMs >= beforeMs) return undefined;
    this.last.delete(aid);
    return l;
  }

  async range(fromMs: number, toMs: number, limit: number, after?: string): Promise<{ events: AnalyticsEvent[]; next?: string }> {
    // The kept events in order; a cursor is an index into those of the period.
    const inPeriod = this.events.filter((e) => {
      const t = Date.parse(e.hour);
      return t >= fromMs && t <= toMs;
    });
    const start = after ? Number(after) : 0;
    const events = inPeriod.slice(start, start + limit);
    return start + limit < inPeriod.length ? { events, next: String(start + limit) } : { events };
  }

  async recent(limit: number): Promise<AnalyticsEvent[]> {
    return this.events.slice(-limit).reverse();
  }

  private day(day: string) {
    let d = this.days.get(day);
    if (!d) {
      d = { counts: { x: new Map(), c: new Map(), a: new Map() }, sets: new Map(), phrases: new Map() };
      this.days.set(day, d);
      const oldest = [...this.days.keys()].sort().slice(0, Math.max(0, this.days.size - this.limits.days));
      for (const o of oldest) this.days.delete(o);
    }
    return d;
  }

  private addTo(sets: Map<string, Set<string>>, id: string, aid: string): void {
    let s = sets.get(id);
    if (!s) sets.set(id, (s = new Set()));
    if (s.size < this.limits.workers) s.add(aid);
  }
}
