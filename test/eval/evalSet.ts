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
