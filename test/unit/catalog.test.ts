import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/Catalog.js';
import { parseRenec } from '../../src/catalog/tsv.js';
import { projectRoot } from '../../src/paths.js';

const catalog = Catalog.load();
const raw = (name: string): unknown => JSON.parse(readFileSync(join(projectRoot(), 'data', name), 'utf8'));

describe('catalog', () => {
  it('covers the countries the service promises, each with an institution', () => {
    const codes = catalog.countries.map((c) => c.code).sort();
    expect(codes).toEqual(['BZ', 'CL', 'CO', 'CR', 'DO', 'EC', 'GT', 'HN', 'MX', 'NI', 'PA', 'PE', 'SV']);
    for (const c of catalog.countries) expect(catalog.institutionsOf(c.code).length).toBeGreaterThan(0);
  });

  it('uses the expected institution slugs', () => {
    const ids = catalog.countries.flatMap((c) => c.institutions);
    for (const id of ['conocer', 'infotep', 'ina', 'intecap', 'infop', 'insaforp', 'inadeh', 'inatec', 'sena', 'chilevalora']) expect(ids).toContain(id);
    expect(catalog.institutionsOf('DO')[0]?.acronym).toBe('INFOTEP');
    expect(catalog.institutionsOf('MX')[0]?.acronym).toBe('CONOCER');
    expect(catalog.institutionsOf('CR')[0]?.acronym).toBe('INA');
  });

  it('gives every known fact a source and three languages', () => {
    for (const inst of catalog.data.institutions) {
      expect(inst.sources.length).toBeGreaterThan(0);
      const facts = Object.values(inst.route).filter((f) => f !== null);
      for (const f of facts) {
        expect(f.source.length).toBeGreaterThan(3);
        for (const lang of ['es', 'en', 'ht'] as const) expect(f.text[lang]).toBeTruthy();
      }
    }
  });

  it('rejects an invalid catalog with a clear message', () => {
    const bad = {
      countries: raw('countries.json'),
      institutions: raw('institutions.json'),
      sectors: raw('sectors.json'),
      occupations: [{ id: 'X', isco08: '71', sector: 'nowhere', name: { es: 'a', en: 'b' }, terms: { es: [], en: [], ht: [] }, tasks: { es: [], en: [], ht: [] }, standards: {} }],
    };
    expect(() => Catalog.fromData(bad)).toThrow(/Invalid catalog in data\/:[\s\S]*occupations\.0\.id: must be a lowercase slug/);
  });

  it('suggests the country from the number, never from nationality', () => {
    expect(catalog.countryFromPhone('+18095550100')?.code).toBe('DO');
    expect(catalog.countryFromPhone('whatsapp:+18295550100')?.code).toBe('DO');
    expect(catalog.countryFromPhone('+18495550100')?.code).toBe('DO');
    expect(catalog.countryFromPhone('+12125550100')).toBeUndefined(); // US number: ask
    expect(catalog.countryFromPhone('+50937000000')).toBeUndefined(); // Haitian number: ask where they are
    expect(catalog.countryFromPhone('+5215512345678')?.code).toBe('MX');
    expect(catalog.countryFromPhone('+50688887777')?.code).toBe('CR');
    expect(catalog.countryFromPhone('+50199998888')?.code).toBe('BZ');
  });

  it('finds occupations from the words workers use', () => {
    expect(catalog.searchOccupations('albañil')[0]?.id).toBe('mason');
    expect(catalog.searchOccupations('bòs mason').map((o) => o.id)).toEqual(['mason']);
    expect(catalog.searchOccupations('plomero')[0]?.id).toBe('plumber');
    expect(catalog.searchOccupations('mesonero')[0]?.id).toBe('waiter');
    expect(catalog.searchOccupations('I drive a taxi')[0]?.id).toBe('taxi-driver');
    expect(catalog.searchOccupations('xyz')).toEqual([]);
  });

  it('builds the occupations\' index on first use, not when it loads (start-up), and only once', () => {
    const fresh = Catalog.load();
    const built = () => (fresh as unknown as { occupationIdx?: unknown }).occupationIdx;
    expect(built()).toBeUndefined();
    expect(fresh.searchOccupations('albañil')[0]?.id).toBe('mason');
    const index = built();
    expect(index).toBeDefined();
    expect(fresh.occupationIndex).toBe(index);
  });

  it('keys every curated occupation by a real ISCO-08 unit group', () => {
    expect(catalog.registries.isco.size).toBe(436);
    for (const o of catalog.occupations) expect(catalog.iscoTitle(o.isco08), o.id).toBeTruthy();
    expect(catalog.iscoTitle('7112')).toBe('Albañiles');
    const wrong = { countries: raw('countries.json'), institutions: raw('institutions.json'), sectors: raw('sectors.json'), occupations: (raw('occupations.json') as Array<{ isco08: string }>).map((o, i) => (i === 0 ? { ...o, isco08: '7199' } : o)) };
    expect(() => Catalog.fromData(wrong, catalog.registries)).toThrow(/mason: 7199 is not an ISCO-08 unit group/);
  });

  it('refuses a RENEC extract with a row that has no EC code or no title, naming the row', () => {
    const header = 'code\tlevel\tsector\ttitle\toccupations\tcertifier_count\tcertifiers\tcurrent';
    const good = 'EC0326\t2\tConstrucción\tAlbañilería\tAlbañil|Albañil\t1\tCentro A\tyes';
    expect(parseRenec([header, good].join('\n'))).toEqual([{ code: 'EC0326', level: '2', sector: 'Construcción', title: 'Albañilería', occupations: ['Albañil'], certifiers: ['Centro A'], current: true }]);
    expect(() => parseRenec([header, good, 'EC12345\t2\tX\tTítulo\t\t0\t\tno'].join('\n'))).toThrow(/row 2: code: "EC12345" is not an EC code/);
    expect(() => parseRenec([header, good, 'EC0327\t2\tX\t  \t\t0\t\tno'].join('\n'))).toThrow(/row 2: title: empty/);
    expect(() => parseRenec(['code\ttitle', good].join('\n'))).toThrow(/unexpected header/);
  });

  it('loads all 1,477 standards of Mexico\'s RENEC registry, rows with line breaks included', () => {
    expect(catalog.registries.renec).toHaveLength(1477);
    const ec1232 = catalog.renecStandard('EC1232');
    expect(ec1232?.title).toBe('Depilación facial y corporal con hilo');
    expect(ec1232?.occupations).toContain('Ayudante de estilista o de peluquero');
    expect(ec1232?.occupations).toContain('Barberos');
    expect(catalog.renecStandard('EC0326')?.title).toBe('Realizar trabajos de albañilería en obra negra de edificación');
  });

  it('searches the whole RENEC registry, beyond the curated trades', () => {
    expect(catalog.searchRenec('brigadista de proteccion civil')[0]?.item.code).toBe('EC0002');
    expect(catalog.searchRenec('traductor de lenguas indigenas').map((r) => r.item.code)).toContain('EC0001');
    expect(catalog.searchRenec('albañil obra negra').map((r) => r.item.code)).toContain('EC0326');
  });

  it('names a general route with the code to confirm where no standard code is known', () => {
    const mason = catalog.occupation('mason')!;
    expect(catalog.standardsFor(mason, 'MX')).toEqual([expect.objectContaining({ institution: 'conocer', code: 'EC0326', toConfirm: false })]);
    expect(catalog.standardsFor(mason, 'DO')).toEqual([expect.objectContaining({ institution: 'infotep', code: null, toConfirm: true })]);
  });

  it('gives every curated occupation its words in all three languages', () => {
    for (const o of catalog.occupations)
      for (const lang of ['es', 'en', 'ht'] as const) {
        expect(o.terms[lang].length, `${o.id} ${lang}`).toBeGreaterThan(0);
        expect(o.tasks[lang].length, `${o.id} ${lang}`).toBeGreaterThan(0);
      }
  });
});

describe('development sample centres (data/sample-centres.json)', () => {
  it('give every institution a centre, at its head-office city (marked as such), in a valid IANA time zone of its country', async () => {
    const { loadCentres } = await import('../../src/booking/CentreDirectory.js');
    const { isTimeZone } = await import('../../src/booking/centre.js');
    const catalog = Catalog.load();
    const centres = loadCentres(catalog, { samples: true }).filter((c) => c.sample);
    for (const inst of catalog.data.institutions) {
      const own = centres.filter((c) => c.institution === inst.id);
      expect(own.length, inst.id).toBeGreaterThan(0);
      expect(own[0]!.location).toEqual({ lat: inst.hq.lat, lon: inst.hq.lon, precision: 'hq-city' });
      expect(own[0]!.address, inst.id).toBeNull();
      expect(isTimeZone(own[0]!.timeZone)).toBe(true);
      expect(own[0]!.source).toMatch(/defaults/);
    }
    expect(centres.find((c) => c.institution === 'conocer')?.timeZone).toBe('America/Mexico_City');
    expect(centres.find((c) => c.institution === 'chilevalora')?.timeZone).toBe('America/Santiago');
  });
});
