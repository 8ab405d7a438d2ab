import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../src/catalog/schema.js';
import { parseTimePreferences, type TimePreferences } from '../../src/language/timePreferences.js';
import { CalendarDay } from '../../src/language/calendarDay.js';

/** Every line of the set is read on this day (see the file's header). */
const TODAY = '2026-11-20';

interface Case {
  lang: Language;
  text: string;
  expected: string;
}

function readSet(): Case[] {
  const lines = readFileSync(join(import.meta.dirname, '../eval/time-preferences.tsv'), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('language\t'))
    .map((l) => {
      const [lang, text, expected, ...rest] = l.split('\t');
      if (!lang || !(LANGUAGES as readonly string[]).includes(lang) || !text || !expected || rest.length > 0) throw new Error(`bad eval line: ${l}`);
      return { lang: lang as Language, text, expected };
    });
}

/** The set's notation, canonical: sorted items, date runs "A..B" written out. */
function canonical(expected: string): string {
  if (expected === '-' || expected === 'any') return expected;
  const items = expected.split(' ').flatMap((item) => {
    const run = /^(\d{4}-\d\d-\d\d)\.\.(\d{4}-\d\d-\d\d)$/.exec(item);
    if (!run) return [item];
    const from = CalendarDay.of(run[1]!);
    const dates: string[] = [];
    for (let i = 0; from && from.plusDays(i) <= run[2]!; i++) dates.push(from.plusDays(i));
    return dates;
  });
  return [...new Set(items)].sort().join(' ');
}

const notation = (r: TimePreferences | undefined) => (r === undefined ? '-' : r.any ? 'any' : canonical([...r.dates, ...r.weekdays, ...r.parts].join(' ')));

/**
 * The figures measured on test/eval/time-preferences.tsv, as floors (README, "Reading days and times").
 * `n` is pinned: a changed set must be measured again. Raise a floor when a change improves it.
 * A miss is "asked again" when the parser returned undefined for a preference (the dialog asks
 * again: slow but safe) and "wrong" when it returned another reading (or read a non-answer).
 */
const FLOORS: Record<Language, { n: number; right: number; maxWrong: number }> = {
  es: { n: 68, right: 67, maxWrong: 0 },
  en: { n: 61, right: 60, maxWrong: 0 },
  ht: { n: 68, right: 66, maxWrong: 0 },
};

describe('parseTimePreferences on the evaluation set', () => {
  const cases = readSet();
  const results = LANGUAGES.map((lang) => {
    const mine = cases.filter((c) => c.lang === lang);
    const misses = mine.flatMap((c) => {
      const got = notation(parseTimePreferences(c.text, { today: TODAY }));
      const want = canonical(c.expected);
      if (got === want) return [];
      return [{ text: c.text, got, want, kind: got === '-' ? 'asked again' : 'wrong' }];
    });
    return { lang, n: mine.length, right: mine.length - misses.length, misses };
  });
  for (const r of results) {
    const wrong = r.misses.filter((m) => m.kind === 'wrong').length;
    console.log(`Time preferences, ${r.lang}: ${r.right}/${r.n} right (${((r.right / r.n) * 100).toFixed(1)}%), ${r.misses.length - wrong} asked again, ${wrong} wrong`);
    for (const m of r.misses) console.log(`  ${m.kind}: ${m.text} → ${m.got} (expected ${m.want})`);
  }

  it.each(results.map((r) => [r.lang, r] as const))('reads at least as many %s answers as measured', (lang, r) => {
    const floor = FLOORS[lang];
    expect(r.n, 'texts in the set (changed? measure again)').toBe(floor.n);
    expect(r.n).toBeGreaterThanOrEqual(40);
    expect(r.right).toBeGreaterThanOrEqual(floor.right);
    expect(r.misses.filter((m) => m.kind === 'wrong').length).toBeLessThanOrEqual(floor.maxWrong);
  });
});
