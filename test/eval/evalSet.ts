import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, type Language } from '../../src/catalog/schema.js';

export interface EvalCase {
  lang: Language;
  expected: string;
  text: string;
}

/** Reads a tab-separated evaluation set from test/eval (comment lines start with #). */
export function readEvalSet(name: string): EvalCase[] {
  const lines = readFileSync(join(import.meta.dirname, name), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('lang\t'))
    .map((l) => {
      const [lang, expected, ...rest] = l.split('\t');
      if (!lang || !(LANGUAGES as readonly string[]).includes(lang) || !expected || rest.length === 0) throw new Error(`bad eval line: ${l}`);
      return { lang: lang as Language, expected, text: rest.join('\t') };
    });
}

export interface Accuracy {
  lang: Language;
  n: number;
  /** Cases whose first answer was the expected one, and the share of them. */
  hits1: number;
  top1: number;
  /** Cases with the expected answer among the first three, and the share of them. */
  hits3: number;
  top3: number;
  /** Cases whose first answer was not the expected one. */
  misses: string[];
}

/** Top-1 / top-3 accuracy per language of a ranking function over an evaluation set. */
export function accuracy(cases: EvalCase[], rank: (c: EvalCase) => string[]): Accuracy[] {
  return LANGUAGES.map((lang) => {
    const mine = cases.filter((c) => c.lang === lang);
    let top1 = 0;
    let top3 = 0;
    const misses: string[] = [];
    for (const c of mine) {
      const ranked = rank(c);
      if (ranked[0] === c.expected) top1 += 1;
      if (ranked.slice(0, 3).includes(c.expected)) top3 += 1;
      if (ranked[0] !== c.expected) misses.push(`${c.text} → [${ranked.join(', ')}] (expected ${c.expected})`);
    }
    return { lang, n: mine.length, hits1: top1, top1: top1 / (mine.length || 1), hits3: top3, top3: top3 / (mine.length || 1), misses };
  });
}

/**
 * What an evaluation set scored when it was last measured, per language, as counts: `n` cases, at
 * least `top1` right first (and `top3` in the first three). Tests assert it as a floor.
 * @example { es: { n: 36, top1: 35, top3: 36 } } // 97.2% / 100%
 */
export type Floors = Record<Language, { n: number; top1: number; top3?: number }>;

export function formatAccuracy(title: string, rows: Accuracy[], { top3 = true } = {}): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [title, ...rows.map((r) => `  ${r.lang}: n=${r.n}  ${top3 ? `top-1 ${pct(r.top1)}  top-3 ${pct(r.top3)}` : `accuracy ${pct(r.top1)}`}`)].join('\n');
}

/** One language's result on a set of work the catalog does not cover (expected: no trade proposed). */
export interface NotMatched<Found extends { id: string; score: number }> {
  lang: Language;
  n: number;
  /** Texts for which no trade was proposed (the bot says it is not sure). */
  notMatched: number;
  /** Wrong proposals whose top score is at least `confident`. */
  confident: number;
  proposed: Array<{ c: EvalCase; found: Found[] }>;
}

/**
 * Per language, how many texts of uncovered work get no trade from `read`, and the proposals
 * made instead; printed under `title`, with every proposal, for the record.
 */
export function notMatched<Found extends { id: string; score: number }>(title: string, cases: EvalCase[], read: (text: string) => Found[], confident: number): Array<NotMatched<Found>> {
  const pct = (a: number, n: number) => `${((a / (n || 1)) * 100).toFixed(1)}%`;
  const rows = LANGUAGES.map((lang) => {
    const mine = cases.filter((c) => c.lang === lang);
    const proposed = mine.map((c) => ({ c, found: read(c.text) })).filter((r) => r.found.length > 0);
    return { lang, n: mine.length, notMatched: mine.length - proposed.length, confident: proposed.filter((r) => r.found[0]!.score >= confident).length, proposed };
  });
  console.log(
    [
      `${title}: not matched (the bot proposes no trade); confident wrong match (top score ≥ ${confident})`,
      ...rows.map((r) => `  ${r.lang}: n=${r.n}  not matched ${r.notMatched}/${r.n} ${pct(r.notMatched, r.n)}  proposed a trade ${r.n - r.notMatched}  confident ${r.confident}`),
    ].join('\n'),
  );
  for (const r of rows)
    if (r.proposed.length > 0)
      console.log(`  ${r.lang} proposed:\n    ${r.proposed.map(({ c, found }) => `${c.text} → [${found.map((o) => `${o.id} ${o.score.toFixed(2)}`).join(', ')}]`).join('\n    ')}`);
  return rows;
}
