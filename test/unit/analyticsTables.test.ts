import { describe, expect, it } from 'vitest';
import { AnalyticsReader, FUNNEL } from '../../src/analytics/AnalyticsReader.js';
import { MemoryAnalyticsStore } from '../../src/analytics/MemoryAnalyticsStore.js';
import { FUNNEL_STAGES, readTables, scopedQuery, TABLES, tableCsv } from '../../src/analytics/tables.js';

describe("coordinators' tables", () => {
  it('name the reader\'s funnel stages, in its order', () => {
    expect(FUNNEL.map((f) => f.stage)).toEqual([...FUNNEL_STAGES]);
  });

  it('read filters within a scope: default 30 days to today, countries from the scope, outside it refused', () => {
    expect(scopedQuery({}, ['DO', 'CR'], '2026-11-30')).toEqual({ ok: true, query: { from: '2026-11-01', to: '2026-11-30', country: ['DO', 'CR'] } });
    expect(scopedQuery({ country: 'do', language: 'ht,es', channel: ['sms'] }, 'all', '2026-11-30')).toEqual({ ok: true, query: { from: '2026-11-01', to: '2026-11-30', country: ['DO'], language: ['ht', 'es'], channel: ['sms'] } });
    expect(scopedQuery({ country: 'MX' }, ['DO'], '2026-11-30')).toEqual({ ok: false, field: 'country', problem: 'out_of_scope' });
    expect(scopedQuery({ from: '2026-12-01', to: '2026-11-30' }, 'all', '2026-11-30')).toMatchObject({ ok: false, problem: 'period' });
    expect(scopedQuery({ from: '2025-01-01', to: '2026-11-30' }, 'all', '2026-11-30')).toMatchObject({ ok: false, problem: 'period' });
    expect(scopedQuery({ language: 'fr' }, 'all', '2026-11-30')).toMatchObject({ ok: false, field: 'language', problem: 'invalid' });
  });

  it('write CSV with "<k" as it is and formula-looking text defused', () => {
    expect(tableCsv([{ phrase: '=cmd()', workers: '<5' }, { phrase: 'albañil, obra', workers: 7 }], ['phrase', 'workers'])).toBe("phrase,workers\r\n'=cmd(),<5\r\n\"albañil, obra\",7\r\n");
  });

  it('read each day once for all the tables of a page (not once per table)', async () => {
    const store = new MemoryAnalyticsStore();
    const reads = { counts: 0, phrases: 0 };
    const distinctReads = new Set<string>();
    const counts = store.counts.bind(store);
    const phrases = store.phrases.bind(store);
    store.counts = (days, level, kinds, countries) => {
      reads.counts += days.length * kinds.length;
      for (const day of days) for (const kind of kinds) distinctReads.add(`${level} ${kind} ${day}`);
      return counts(days, level, kinds, countries);
    };
    store.phrases = (days) => ((reads.phrases += days.length), phrases(days));
    const tables = await readTables(new AnalyticsReader(store, 5, ['DO', 'CR', 'MX', 'XX']), { from: '2026-11-01', to: '2026-11-30' });
    expect(Object.keys(tables).sort()).toEqual([...TABLES].sort());
    // Each day and kind read once (overall for every table, per country for the far towns: they name the country).
    expect(reads.counts).toBe(distinctReads.size);
    expect(distinctReads.has('c centre_far 2026-11-05')).toBe(true);
    expect(distinctReads.has('a understood 2026-11-05')).toBe(false); // no table shows it
    expect(reads.phrases).toBe(30);
  });
});
