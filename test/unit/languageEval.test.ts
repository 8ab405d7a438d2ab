import { describe, expect, it } from 'vitest';
import { LanguageDetector } from '../../src/bot/detectLanguage.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { accuracy, formatAccuracy, readEvalSet } from '../eval/evalSet.js';

const catalog = Catalog.load();
const detector = catalog.languageDetector;

describe.each([
  ['short first messages', ['languages.tsv']],
  ['short messages, second set', ['languages-2.tsv']],
  ['work descriptions', ['occupations.tsv', 'occupations-2.tsv', 'occupations-3.tsv', 'occupations-4.tsv']],
])('language identification: %s', (title, files) => {
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

  it.each(withExpected.map((r) => [r.lang, r] as const))('identifies at least 90%% of %s messages', (_lang, r) => {
    expect(r.n).toBeGreaterThanOrEqual(20);
    expect(r.top1).toBeGreaterThanOrEqual(0.9);
  });
});
