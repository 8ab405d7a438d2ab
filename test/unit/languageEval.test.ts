import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { accuracy, formatAccuracy, readEvalSet, type Floors } from '../eval/evalSet.js';

const catalog = Catalog.load();
const detector = catalog.languageDetector;

/**
 * The figures measured on each set (README, "Language identification"), as floors: a change to the
 * detector or its lexicon that identifies fewer messages fails here. `n` is pinned too: a set that
 * changes must be measured again (and the README updated). Raise a floor when a change improves it.
 */
const SETS: Array<[title: string, files: string[], floors: Floors]> = [
  // 100%, 100%, 100%
  ['short first messages', ['languages.tsv'], { es: { n: 25, top1: 25 }, en: { n: 25, top1: 25 }, ht: { n: 25, top1: 25 } }],
  // 95%, 100%, 100%
  ['short messages, second set', ['languages-2.tsv'], { es: { n: 20, top1: 19 }, en: { n: 20, top1: 20 }, ht: { n: 20, top1: 20 } }],
  // 99.2%, 96.7%, 100%
  [
    'work descriptions',
    ['occupations.tsv', 'occupations-2.tsv', 'occupations-3.tsv', 'occupations-4.tsv'],
    { es: { n: 130, top1: 129 }, en: { n: 123, top1: 119 }, ht: { n: 126, top1: 126 } },
  ],
];

describe.each(SETS)('language identification: %s', (title, files, floors) => {
  const cases = files.flatMap((f) => readEvalSet(f));
  // Reply language: French is answered in Creole, so it counts as 'ht' here.
  const withExpected = accuracy(
    cases.map((c) => ({ ...c, expected: c.lang })),
    (c) => {
      const d = detector.detect(c.text).language;
      return d === undefined ? [] : [d === 'fr' ? 'ht' : d];
    },
  );
  console.log(formatAccuracy(`Language identification, ${title} (${files.join(', ')})`, withExpected, { top3: false }));
  for (const r of withExpected) if (r.misses.length > 0) console.log(`  ${r.lang} misses:\n    ${r.misses.join('\n    ')}`);

  it.each(withExpected.map((r) => [r.lang, r] as const))('identifies at least as many %s messages as measured', (lang, r) => {
    const floor = floors[lang];
    expect(r.n, 'messages in the set (changed? measure again and update the README)').toBe(floor.n);
    expect(r.n).toBeGreaterThanOrEqual(20);
    expect(r.hits1, `${floor.top1}/${floor.n} measured`).toBeGreaterThanOrEqual(floor.top1);
  });
});
