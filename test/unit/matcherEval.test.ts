import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { accuracy, formatAccuracy, readEvalSet } from '../eval/evalSet.js';

const catalog = Catalog.load();

describe.each(['occupations.tsv', 'occupations-2.tsv', 'occupations-3.tsv', 'occupations-4.tsv'])('occupation matcher evaluation (test/eval/%s)', (file) => {
  const cases = readEvalSet(file);
  const rows = accuracy(cases, (c) => catalog.searchOccupations(c.text, 3).map((o) => o.id));
  // Printed for the record: the note and README quote these figures.
  console.log(formatAccuracy(`Occupation matcher, ${file}`, rows));
  for (const r of rows) if (r.misses.length > 0) console.log(`  ${r.lang} misses:\n    ${r.misses.join('\n    ')}`);

  it('has at least 20 descriptions per language', () => {
    for (const r of rows) expect(r.n).toBeGreaterThanOrEqual(20);
  });
  it.each(rows.map((r) => [r.lang, r] as const))('ranks the right trade in the top 3 for at least 90%% in %s', (_lang, r) => {
    expect(r.top3).toBeGreaterThanOrEqual(0.9);
  });
});

describe('occupation matcher on messages that name no trade', () => {
  const notTrades = ['hola', 'buenas tardes', 'gracias', 'cuanto cuesta', 'que es esto', 'no entiendo', 'qwerty', 'xyzzy', 'ok', 'hello', 'how much does it cost', 'thanks a lot', 'bonjou', 'konbyen li koute', 'mesi anpil', 'sak pase'];
  it.each(notTrades)('finds no trade in "%s"', (text) => {
    expect(catalog.searchOccupations(text)).toEqual([]);
  });
});
