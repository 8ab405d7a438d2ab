import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { LANGUAGES, type Language } from '../../src/catalog/schema.js';
import { replyLanguage } from '../../src/language/detectLanguage.js';
import { WorkProfiler } from '../../src/match/WorkProfiler.js';
import { accuracy, formatAccuracy, notMatched, readEvalSet, type Floors } from '../eval/evalSet.js';

/**
 * Held-out sets (test/eval/BASELINE-issue11.md, "Held-out sets"): written on 2026-12-05, after issue
 * 11's changes, from how workers type, and never used to tune the matcher or the language detector.
 * They measure the same three things as issue11Eval.test.ts, the same way: known trades
 * (occupations-6.tsv), trades the catalog does not cover (unknown-trades-2.tsv) and first messages
 * (languages-4.tsv). Each figure is pinned as a floor at the value measured on main (4502701); `n` is
 * pinned too, so a set that changes must be measured again and the baseline updated.
 *
 * Keep them held out: do not add a set's missed words to the catalog's terms or the language lexicon
 * because they are missed here. A change made for other reasons that raises a figure raises its floor;
 * a change that lowers one must say why in the baseline.
 */

const catalog = Catalog.load();
// As in issue11Eval.test.ts: no language model, so readWork is the deterministic reading.
const profiler = new WorkProfiler(catalog, { now: () => new Date('2026-11-20T15:00:00Z') });

/** Known trades (occupations-6.tsv): top-1 / top-3 of Catalog.searchOccupations. */
// Before issue 11 (80fabd2): es 82/85 of 89, en 81/86 of 89, ht 78/81 of 84.
// Main 4502701: es 81/82 (91.0% / 92.1%), en 77/78 (86.5% / 87.6%), ht 70/70 (83.3% / 83.3%).
const KNOWN_FLOORS: Floors = {
  es: { n: 89, top1: 81, top3: 82 },
  // en top-3 78 → 77 and ht 70 → 71 with the rule that another language's task words count only as
  // written ("housekeeper for a family…" lost its second proposal, domestic work, which the Creole "kay" had given).
  en: { n: 89, top1: 77, top3: 77 },
  ht: { n: 84, top1: 71, top3: 71 },
};
// After the regional vocabulary (branch vocab, written by a helper who never opened these sets):
// es 86/86 of 89 (96.6% / 96.6%), en 82/82 (92.1% / 92.1%), ht 77/79 of 84 (91.7% / 94.0%).
KNOWN_FLOORS.es = { n: 89, top1: 86, top3: 86 };
KNOWN_FLOORS.en = { n: 89, top1: 82, top3: 82 };
KNOWN_FLOORS.ht = { n: 84, top1: 77, top3: 79 };

/** Unknown trades (unknown-trades-2.tsv): texts for which readWork proposes no trade (the bot says it is not sure). */
// Before issue 11 (80fabd2): es 16/28, en 18/27, ht 15/27 (confident ≥ 0.8: 2, 0, 0).
// Main 4502701: es 25/28 (89.3%), en 24/27 (88.9%), ht 26/27 (96.3%), none confident.
const UNKNOWN_FLOORS: Record<Language, { n: number; notMatched: number }> = {
  es: { n: 28, notMatched: 26 },
  en: { n: 27, notMatched: 25 },
  ht: { n: 27, notMatched: 26 },
};
// After the regional vocabulary: es 26 → 25 ("remendon … coso zapatos" now reads garment sewing), ht 26 → 25
// ("m travay nan call center" reads mason again); en 25. Confident (≥ 0.8): es 1, en 1, ht 0.
UNKNOWN_FLOORS.es = { n: 28, notMatched: 25 };
UNKNOWN_FLOORS.ht = { n: 27, notMatched: 25 };
/** For information: a wrong proposal with at least this score counts as a confident one. */
const CONFIDENT = 0.8;

/** First messages (languages-4.tsv): the reply language picked for a first message (French → Creole); undetermined is a miss. */
// Before issue 11 (80fabd2): es 42/48, en 44/48, ht 44/47. Main 4502701: es 43/48 (89.6%), en 44/48 (91.7%), ht 44/47 (93.6%).
const LANGUAGE_FLOORS: Floors = {
  es: { n: 48, top1: 43 },
  en: { n: 48, top1: 44 },
  ht: { n: 47, top1: 44 },
};
// After stretched greetings were read as their word (asked of the vocabulary helper by the lead, who had seen
// this set's misses: so these gains are not a held-out figure): es 45/48 (93.8%), en 45/48 (93.8%), ht 47/47.
Object.assign(LANGUAGE_FLOORS, {
  es: { n: 48, top1: 45 },
  en: { n: 48, top1: 45 },
  ht: { n: 47, top1: 47 },
});

describe('held out: known trades as workers write them (test/eval/occupations-6.tsv)', () => {
  const rows = accuracy(readEvalSet('occupations-6.tsv'), (c) => catalog.searchOccupations(c.text, 3).map((o) => o.id));
  console.log(formatAccuracy('Occupation matcher, occupations-6.tsv (held out)', rows));
  for (const r of rows) if (r.misses.length > 0) console.log(`  ${r.lang} misses (top-1):\n    ${r.misses.join('\n    ')}`);

  it('labels every text with an occupation the catalog has', () => {
    const labels = new Set(readEvalSet('occupations-6.tsv').map((c) => c.expected));
    expect([...labels].filter((id) => catalog.occupation(id) === undefined)).toEqual([]);
    expect(labels.size, 'every occupation of the 31 named at least once').toBeGreaterThanOrEqual(31);
  });

  it.each(rows.map((r) => [r.lang, r] as const))('ranks at least as many trades right as measured, in %s', (lang, r) => {
    const floor = KNOWN_FLOORS[lang];
    expect(r.n, 'descriptions in the set (changed? measure again and update BASELINE-issue11.md)').toBe(floor.n);
    expect(r.n).toBeGreaterThanOrEqual(45);
    expect(r.hits1, `top-1 (${floor.top1}/${floor.n} measured)`).toBeGreaterThanOrEqual(floor.top1);
    expect(r.hits3, `top-3 (${floor.top3}/${floor.n} measured)`).toBeGreaterThanOrEqual(floor.top3!);
  });
});

describe('held out: trades the catalog does not cover are not matched (test/eval/unknown-trades-2.tsv)', () => {
  const cases = readEvalSet('unknown-trades-2.tsv');
  const rows = notMatched('Unknown trades, unknown-trades-2.tsv (held out)', cases, (text) => profiler.deterministic(text).occupations, CONFIDENT);

  it('expects no match for every text', () => {
    expect(cases.filter((c) => c.expected !== 'none').map((c) => c.text)).toEqual([]);
  });

  it.each(rows.map((r) => [r.lang, r] as const))('leaves at least as many unknown trades unmatched as measured, in %s', (lang, r) => {
    const floor = UNKNOWN_FLOORS[lang];
    expect(r.n, 'descriptions in the set (changed? measure again and update BASELINE-issue11.md)').toBe(floor.n);
    expect(r.n).toBeGreaterThanOrEqual(25);
    expect(r.notMatched, `not matched (${floor.notMatched}/${floor.n} measured)`).toBeGreaterThanOrEqual(floor.notMatched);
  });
});

describe('held out: first-message language (test/eval/languages-4.tsv)', () => {
  const rows = accuracy(
    readEvalSet('languages-4.tsv').map((c) => ({ ...c, expected: c.lang })),
    (c) => {
      const l = replyLanguage(c.text, catalog.languageDetector);
      return l === undefined ? [] : [l];
    },
  );
  console.log(formatAccuracy('Language identification, languages-4.tsv (held out; undetermined counts as a miss: the bot then asks)', rows, { top3: false }));
  for (const r of rows) if (r.misses.length > 0) console.log(`  ${r.lang} misses:\n    ${r.misses.join('\n    ')}`);

  it.each(rows.map((r) => [r.lang, r] as const))('identifies at least as many %s first messages as measured', (lang, r) => {
    const floor = LANGUAGE_FLOORS[lang];
    expect(r.n, 'messages in the set (changed? measure again and update BASELINE-issue11.md)').toBe(floor.n);
    expect(r.n).toBeGreaterThanOrEqual(45);
    expect(r.hits1, `${floor.top1}/${floor.n} measured`).toBeGreaterThanOrEqual(floor.top1);
  });
});
