import { describe, expect, it } from 'vitest';
import { occupationSubject, routeMessages } from '../../dialogs/routeMessages.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { LANGUAGES } from '../../src/catalog/schema.js';
import { createI18n } from '../../src/i18n.js';
import { readiness, type SelfAssessment } from '../../src/prescreen/readiness.js';
import { accuracy, formatAccuracy, readEvalSet } from '../eval/evalSet.js';

/**
 * The regional strategy's priority trades (logistics and warehouse, delivery, tourism, agribusiness
 * packing, office cleaning), added where a real standard exists: today only Mexico's RENEC lists one for each (the
 * research notes name none elsewhere), so other countries get their institution's general route.
 */
const PRIORITY: Record<string, { isco08: string; sector: string; mx: string[] }> = {
  warehouse: { isco08: '4321', sector: 'commerce', mx: ['EC0095', 'EC1210', 'EC1625'] },
  'forklift-operator': { isco08: '8344', sector: 'transport', mx: ['EC0200', 'EC1228'] },
  'delivery-rider': { isco08: '8321', sector: 'transport', mx: ['EC1631', 'EC1331', 'EC1348'] },
  courier: { isco08: '9621', sector: 'transport', mx: ['EC0699', 'EC0488'] },
  loader: { isco08: '9333', sector: 'transport', mx: ['EC0766'] },
  'tour-guide': { isco08: '5113', sector: 'hotels', mx: ['EC0072', 'EC1663'] },
  'produce-packing': { isco08: '9321', sector: 'agriculture', mx: ['EC1625', 'EC0596'] },
  // Office and building cleaning: the hotel housekeepers' unit group, with the cleaning-services standards.
  cleaner: { isco08: '9112', sector: 'hotels', mx: ['EC0154', 'EC0572', 'EC0960.01'] },
};
const IDS = Object.keys(PRIORITY);

const catalog = Catalog.load();
const i18n = await createI18n();

describe('priority trades in the catalog', () => {
  it.each(IDS)('%s loads validated, with its ISCO-08 unit group, sector and Mexican standards as RENEC publishes them', (id) => {
    const o = catalog.occupation(id);
    const want = PRIORITY[id]!;
    expect(o).toBeDefined();
    expect(o!.isco08).toBe(want.isco08);
    expect(catalog.iscoTitle(o!.isco08)).toBeDefined();
    expect(o!.sector).toBe(want.sector);
    const mx = o!.standards.MX ?? [];
    expect(mx.map((s) => s.code)).toEqual(want.mx);
    for (const ref of mx) {
      const renec = catalog.renecStandard(ref.code!);
      expect(renec, ref.code!).toBeDefined();
      expect(renec!.current).toBe(true);
      expect(ref.title).toBe(renec!.title);
      expect(ref.institution).toBe('conocer');
    }
    // No standard outside Mexico was found for these trades: none is claimed.
    expect(Object.keys(o!.standards)).toEqual(['MX']);
    // The first standard is the one the route answer and the pre-screen result name: one that RENEC lists
    // certifiers for, where the trade has one (courier's and loader's standards have none today).
    const certified = mx.filter((ref) => catalog.renecStandard(ref.code!)!.certifiers.length > 0);
    if (certified.length > 0) expect(catalog.renecStandard(mx[0]!.code!)!.certifiers.length).toBeGreaterThan(0);
  });

  it('a warehouse worker is no longer a shelf stocker by name ("bodeguero", "almacenista" are EC0095\'s occupations)', () => {
    const stocker = catalog.occupation('shelf-stocker')!;
    expect(stocker.terms.es).not.toContain('bodeguero');
    expect(stocker.terms.es).not.toContain('almacenista');
    expect(catalog.searchOccupations('soy bodeguero', 1).map((o) => o.id)).toEqual(['warehouse']);
    expect(catalog.searchOccupations('reponedor en supermercado', 1).map((o) => o.id)).toEqual(['shelf-stocker']);
  });
});

describe('priority trades from workers\' words (test/eval/occupations-priority.tsv)', () => {
  const cases = readEvalSet('occupations-priority.tsv');
  const rows = accuracy(cases, (c) => catalog.searchOccupations(c.text, 3).map((o) => o.id));
  console.log(formatAccuracy('Occupation matcher, occupations-priority.tsv (not held out)', rows));
  for (const r of rows) if (r.misses.length > 0) console.log(`  ${r.lang} misses (top-1):\n    ${r.misses.join('\n    ')}`);

  it.each(IDS.flatMap((id) => LANGUAGES.map((lang) => [id, lang] as const)))('%s has at least 3 phrasings in %s', (id, lang) => {
    expect(cases.filter((c) => c.expected === id && c.lang === lang).length).toBeGreaterThanOrEqual(3);
  });

  it.each(rows.map((r) => [r.lang, r] as const))('finds every one first, in %s', (_lang, r) => {
    expect(r.misses).toEqual([]);
    expect(r.hits1).toBe(r.n);
  });
});

describe('priority trades: route answers and pre-screens', () => {
  it.each(IDS.flatMap((id) => LANGUAGES.map((lang) => [id, lang] as const)))('%s in Mexico (%s): CONOCER names its standards', (id, lang) => {
    const [answer] = routeMessages(catalog, i18n.t(lang), lang, 'MX', occupationSubject(catalog.occupation(id)!, lang));
    expect(answer).toMatch(/CONOCER/);
    expect(answer).toContain(PRIORITY[id]!.mx[0]);
  });

  it.each(IDS)('%s elsewhere: the institution\'s general route, the code to be confirmed', (id) => {
    const choices = catalog.standardsFor(catalog.occupation(id)!, 'DO');
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.every((c) => c.toConfirm && c.code === null)).toBe(true);
  });

  it.each(IDS)('%s has a pre-screen of 6–10 statements in three languages, tied to its standard or ISCO group, that can be scored', (id) => {
    const p = catalog.prescreen(id)!;
    expect(p).toBeDefined();
    expect(p.statements.length).toBeGreaterThanOrEqual(6);
    for (const s of p.statements) {
      expect(s.unit).toMatch(/EC\d{4}|ISCO-08 \d{4}/);
      for (const lang of LANGUAGES) expect(s.text[lang].length).toBeGreaterThan(10);
    }
    expect(p.basis).toContain(PRIORITY[id]!.mx[0]);
    const all = (a: SelfAssessment) => Object.fromEntries(p.statements.map((s) => [s.id, a]));
    expect(readiness(p, all('yes'), 3, []).level).toBe('ready');
    expect(readiness(p, all('no'), 3, []).level).toBe('notYet');
  });
});
