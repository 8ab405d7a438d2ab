import { describe, expect, it } from 'vitest';
import { occupationSubject, publicSources, ROUTE_DETAILS, routeDetail, routeMessages } from '../../dialogs/routeMessages.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { LANGUAGES } from '../../src/catalog/schema.js';
import { toSmsText } from '../../src/channels/render.js';
import { countSegments } from '../../src/channels/segments.js';
import { createI18n } from '../../src/i18n.js';

const catalog = Catalog.load();
const i18n = await createI18n();
/** A path of Ruta's repository or research notes: never something a worker reads. */
const INTERNAL = /\.(md|tsv|json)\b|(^|[\s(/])(shared|reference|data|src)\/|institutions\.md/i;

describe('route answers, every country, trade and language', () => {
  const cases = catalog.countries.flatMap((country) => LANGUAGES.flatMap((lang) => catalog.occupations.map((o) => [country.code, lang, o.id] as const)));

  it(`no internal path in any rendered fact (${cases.length} short answers, each with its ${ROUTE_DETAILS.length} details)`, () => {
    const found: string[] = [];
    for (const [code, lang, id] of cases) {
      const t = i18n.t(lang);
      const texts = [...routeMessages(catalog, t, lang, code, occupationSubject(catalog.occupation(id)!, lang)), ...ROUTE_DETAILS.flatMap((d) => routeDetail(d, catalog, t, lang, code, { subject: occupationSubject(catalog.occupation(id)!, lang) }))];
      for (const text of texts) if (INTERNAL.test(text)) found.push(`${code} ${lang} ${id}: ${text.match(INTERNAL)![0]}`);
    }
    expect([...new Set(found)]).toEqual([]);
  });

  it('the short answer is at most 3 SMS segments everywhere, and names what is unknown in one line', () => {
    const over: string[] = [];
    for (const [code, lang, id] of cases) {
      for (const text of routeMessages(catalog, i18n.t(lang), lang, code, occupationSubject(catalog.occupation(id)!, lang))) {
        const segments = countSegments(toSmsText(text)).segments;
        if (segments > 3) over.push(`${code} ${lang} ${id}: ${segments}`);
        const asks = text.split('\n').filter((l) => /^\*(Pregunta a|Ask|Mande) /.test(l));
        expect(asks.length, `${code} ${lang} ${id}`).toBeLessThanOrEqual(1);
      }
    }
    expect(over).toEqual([]);
  });
});

describe('publicSources', () => {
  it('drops repository paths and repeats', () => {
    expect(publicSources([{ source: 'sena.edu.co; SENA centres (shared/reference/institutions.md); sena.edu.co' }, null, { source: 'data/centres.json' }])).toEqual(['sena.edu.co']);
  });
});
