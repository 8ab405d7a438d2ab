import type { Catalog } from '../catalog/Catalog.js';
import { fold } from '../language/text.js';
import type { Place, PlaceSearch } from '../geo/Gazetteer.js';
import { centreFields, centreSchema, type Centre } from './centre.js';
import type { CentreRow, CentreSources, PlaceDecision, RowDecision } from './centreSources.js';

/** What the builder needs of the gazetteer (src/geo/Gazetteer.ts). */
export interface PlaceFinder {
  search(country: string, text: string): PlaceSearch;
  regions(country: string): Place[];
}

/** A source row (or one city of it) left out of the directory, and why. */
export interface SkippedRow {
  at: string;
  country: string;
  institution: string;
  centre: string;
  city: string;
  reason: string;
}

export interface CentreDirectoryBuild {
  file: { note: string; centres: Centre[] };
  skipped: SkippedRow[];
  /** Kept, with a field dropped (a phone that is not a telephone number). */
  warnings: string[];
}

export const CENTRES_NOTE =
  'Assessment centres found in public sources (data/sources/centres-*.tsv), built by src/tools/buildCentres.ts with the decisions in ' +
  'data/centre-sources.json: do not edit by hand, change those and rebuild. None is onboarded: no institution has confirmed them, so a ' +
  "worker can only request an appointment, which the centre confirms. Coordinates are the town's (precision 'city') or the province's " +
  "('region'), never the street's. 'assesses' lists the trades a source shows the centre assessing (Mexico: the standards RENEC lists the " +
  "certifier for), 'unknown' when no source says. Addresses and phones are as published, with the source's date where it gave one.";

/** A row's own words saying the centre is not open yet ("planned 2016", "opening 2026"). */
const PLANNED = /\b(planned|opening(\s+in)?\s+(\d{4}|soon|later)|to open|under construction|not yet open)\b/i;
const NOT_FOUND = /^(|not found|not stated|n\/a|-)$/i;

/**
 * Builds data/centres.json from the researched rows: institution names mapped to catalog ids,
 * planned centres and unplaceable cities left out (each with its reason), towns placed with the
 * offline gazetteer, time zones by country (Mexico by state), trades from the decisions or RENEC.
 * Pure and deterministic: same rows and decisions, same output. Throws when a decision is wrong
 * (unknown occupation, duplicate id, invalid name): those are for the reviewer to fix, not to skip.
 *
 * @example buildCentreDirectory(rows, loadCentreSources(), gazetteer, Catalog.load()).file.centres[0].id === 'conocer-icat-cdmx'
 */
export function buildCentreDirectory(rows: readonly CentreRow[], sources: CentreSources, places: PlaceFinder, catalog: Catalog): CentreDirectoryBuild {
  const skipped: SkippedRow[] = [];
  const warnings: string[] = [];
  const centres: Centre[] = [];
  for (const row of rows) {
    const skip = (reason: string, city = row.city) => skipped.push({ at: row.at, country: row.country, institution: row.institution, centre: row.centreName, city, reason });
    const mapped = sources.institutions[row.institution];
    if (!mapped) {
      skip(`institution "${row.institution}" is not mapped in centre-sources.json`);
      continue;
    }
    if (mapped.id === null) {
      skip(`no catalog institution for "${row.institution}"${mapped.why ? `: ${mapped.why}` : ''}`);
      continue;
    }
    const institution = catalog.institution(mapped.id);
    if (!institution) throw new Error(`${row.at}: centre-sources.json maps "${row.institution}" to unknown institution ${mapped.id}`);
    if (institution.country !== row.country) throw new Error(`${row.at}: ${mapped.id} is an institution of ${institution.country}, the row is in ${row.country}`);
    const planned = PLANNED.exec(`${row.centreName} ${row.address}`);
    if (planned) {
      skip(`planned, not open: "${planned[0]}" in the source`);
      continue;
    }
    const decision: RowDecision | undefined = sources.rows[`${row.country}|${row.centreName}`];
    if (decision?.skip) {
      skip(decision.skip);
      continue;
    }
    const cities = row.city.split(';').map((c) => c.trim());
    if (cities.every((c) => NOT_FOUND.test(c) && !sources.places[`${row.country}|${c}`])) {
      skip('city not found in the source (and the country file does not place it)');
      continue;
    }
    if (!decision?.id || !decision.name) {
      skip('no id and name decided in centre-sources.json');
      continue;
    }
    const assesses = tradesOf(decision, catalog, row.at);
    if (assesses.length === 0) {
      skip(`RENEC lists "${decision.renecCertifier}" for none of the Mexican standards of Ruta's trades`);
      continue;
    }
    for (const cityText of cities) {
      const place = resolvePlace(row.country, cityText, sources.places[`${row.country}|${cityText}`], places);
      if (!place) {
        skip(`the gazetteer cannot place "${cityText}": add it to "places" in centre-sources.json`, cityText);
        continue;
      }
      if (cities.length > 1 && !decision.id.includes('{city}')) throw new Error(`${row.at}: the row names several cities, its id needs {city}`);
      const timeZone = (place.region === undefined ? undefined : sources.regionTimeZones[row.country]?.[place.region]) ?? sources.timeZones[row.country];
      if (!timeZone) throw new Error(`${row.at}: no time zone for ${row.country} in centre-sources.json`);
      const phone = phoneOf(row, decision, warnings);
      const candidate = {
        id: decision.id.replace('{city}', slug(place.city)),
        institution: mapped.id,
        name: decision.name.replace('{city}', place.city),
        city: place.city,
        // A row naming several cities gives no address for any one of them.
        address: decision.address !== undefined ? decision.address : cities.length > 1 || NOT_FOUND.test(row.address) ? null : row.address,
        phone,
        location: { lat: round(place.lat), lon: round(place.lon), precision: place.precision },
        timeZone,
        assesses: assesses === 'unknown' ? 'unknown' : [...assesses].sort(),
        onboarded: false,
        availability: null,
        sample: false,
        source: row.sourceUrl.split(/\s*;\s+/).map((s) => s.trim()).filter(Boolean).join('; '),
      };
      const parsed = centreSchema.safeParse(candidate);
      if (!parsed.success) throw new Error(`${row.at}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      if (centres.some((c) => c.id === parsed.data.id)) throw new Error(`${row.at}: duplicate centre id ${parsed.data.id}`);
      centres.push(parsed.data);
    }
  }
  const country = (c: Centre) => catalog.institution(c.institution)?.country ?? '';
  centres.sort((a, b) => cmp(country(a), country(b)) || cmp(a.institution, b.institution) || cmp(a.id, b.id));
  return { file: { note: CENTRES_NOTE, centres }, skipped, warnings };
}

/** The decided trades, those RENEC lists the certifier for (Mexico; [] when none), or 'unknown'. */
function tradesOf(decision: RowDecision, catalog: Catalog, at: string): string[] | 'unknown' {
  if (decision.assesses) {
    for (const o of decision.assesses) if (!catalog.occupation(o)) throw new Error(`${at}: unknown occupation ${o} in centre-sources.json`);
    return decision.assesses;
  }
  if (!decision.renecCertifier) return 'unknown';
  const name = fold(decision.renecCertifier);
  if (!catalog.registries.renec.some((s) => s.certifiers.some((c) => fold(c) === name))) throw new Error(`${at}: "${decision.renecCertifier}" is not a certifier in RENEC`);
  return catalog.occupations
    .filter((o) => (o.standards.MX ?? []).some((ref) => ref.code !== null && (catalog.renecStandard(ref.code)?.certifiers ?? []).some((c) => fold(c) === name)))
    .map((o) => o.id);
}

interface Resolved {
  city: string;
  region: string | undefined;
  lat: number;
  lon: number;
  precision: 'city' | 'region';
}

/** The town (or, when only a province is known, the province) a source's city names. */
function resolvePlace(country: string, cityText: string, decision: PlaceDecision | undefined, places: PlaceFinder): Resolved | undefined {
  const shown = decision?.city ?? cityText.replace(/\s*\(.*\)\s*$/, '').trim();
  let place: Place | undefined;
  if (decision?.region !== undefined && decision.town === undefined) {
    place = places.regions(country).find((r) => fold(r.name) === fold(decision.region!));
  } else {
    const found = places.search(country, decision?.town ?? shown);
    const candidates = found.kind === 'found' ? [found.place] : found.kind === 'choose' ? found.places : [];
    const fits = decision?.region === undefined ? candidates : candidates.filter((p) => p.region !== undefined && fold(p.region) === fold(decision.region!));
    place = fits.length === 1 ? fits[0] : undefined;
  }
  if (!place) return undefined;
  return { city: shown, region: place.region, lat: place.lat, lon: place.lon, precision: place.kind === 'town' ? 'city' : 'region' };
}

/** The published phone without its date ("02 299 3377 (2008)"), or null when missing or not a telephone number. */
function phoneOf(row: CentreRow, decision: RowDecision, warnings: string[]): string | null {
  if (decision.phone !== undefined) return decision.phone;
  const text = row.phone.replace(/\s*\((19|20)\d{2}\)\s*$/, '').trim();
  if (NOT_FOUND.test(text)) return null;
  if (centreFields.shape.phone.safeParse(text).success) return text;
  warnings.push(`${row.at}: phone "${row.phone}" is not a telephone number, left out (set "phone" in centre-sources.json)`);
  return null;
}

/** Five decimals (about a metre): the gazetteer's precision, and stable output. */
const round = (x: number) => Math.round(x * 1e5) / 1e5;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const slug = (text: string) => fold(text).replace(/ /g, '-');
