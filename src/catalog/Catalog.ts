import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import { LanguageDetector, type Detection } from '../language/detectLanguage.js';
import { contentWords, keySimilarity, matchKey } from '../match/tokens.js';
import { saysOddJobs } from '../match/oddJobs.js';
import { occupationIndex, renecIndex, type PhraseIndex, type Ranked } from '../match/OccupationMatcher.js';
import { catalogSchema, prescreensSchema, type CatalogData, type Country, type Institution, type Language, type Occupation, type Prescreen, type Sector, type StandardRef } from './schema.js';
import { parseIsco, parseRenec, type RenecStandard } from './tsv.js';
import { IscoGroups, iscoWordsSchema, type IscoGroup, type IscoWords } from '../match/iscoGroups.js';

/**
 * The facts Ruta tells workers: countries, institutions and their routes, sectors and occupations.
 * Validated with zod when loaded; everything else reads it through this class.
 *
 * @example const catalog = Catalog.load(); catalog.countryFromPhone('+18095550100')?.code === 'DO'
 */
/** Where the RENEC registry's rows come from (cited with every standard Ruta names from it). */
export const RENEC_SOURCE = 'CONOCER, RENEC registry of competency standards (data/mx-conocer-standards.tsv, extracted 2025-11-28)';

/** A standard as Ruta names it to a worker: a catalog reference, or the institution's general route with the code to be confirmed. */
export type StandardChoice = StandardRef & { toConfirm: boolean };

export interface Prescreens {
  source: string;
  occupations: Record<string, Prescreen>;
}

export interface Registries {
  /** ISCO-08 unit group → Spanish title. */
  isco: Map<string, string>;
  /** Mexico's RENEC registry. */
  renec: RenecStandard[];
  /** Pre-screen statements and evidence per curated occupation (data/prescreen.json). */
  prescreens?: Prescreens;
  /** Words workers use for trades outside the catalog, per ISCO-08 unit group (data/isco-words.json). */
  iscoWords?: IscoWords;
}

/**
 * The facts Ruta tells workers: countries, institutions and their routes, sectors and occupations,
 * plus the ISCO-08 table and Mexico's RENEC registry. Validated when loaded; everything else
 * reads it through this class.
 *
 * @example const catalog = Catalog.load(); catalog.countryFromPhone('+18095550100')?.code === 'DO'
 */
export class Catalog {
  private occupationIdx: PhraseIndex<Occupation> | undefined;
  /** Language identification that also knows the trade names of each language ("albañil", "kizinyè"). */
  readonly languageDetector: LanguageDetector;
  private renecIdx: PhraseIndex<RenecStandard> | undefined;
  private renecByCode: Map<string, RenecStandard> | undefined;
  private iscoIdx: IscoGroups | undefined;

  private constructor(
    readonly data: CatalogData,
    readonly registries: Registries,
  ) {
    this.languageDetector = new LanguageDetector({
      es: data.occupations.flatMap((o) => [o.name.es, ...o.terms.es]),
      en: data.occupations.flatMap((o) => [o.name.en, ...o.terms.en]),
      ht: data.occupations.flatMap((o) => [o.name.ht, ...o.terms.ht]),
    });
  }

  /** Reads and validates data/*.json and the registries; throws with every problem listed when invalid. */
  static load(dataDir = join(projectRoot(), 'data')): Catalog {
    const read = (name: string): unknown => JSON.parse(readFileSync(join(dataDir, name), 'utf8'));
    return Catalog.fromData(
      {
        countries: read('countries.json'),
        institutions: read('institutions.json'),
        sectors: read('sectors.json'),
        occupations: read('occupations.json'),
      },
      {
        isco: parseIsco(readFileSync(join(dataDir, 'isco08-unit-groups-es.tsv'), 'utf8')),
        renec: parseRenec(readFileSync(join(dataDir, 'mx-conocer-standards.tsv'), 'utf8')),
        prescreens: read('prescreen.json'),
        iscoWords: read('isco-words.json'),
      },
    );
  }

  /** Validates catalog data; `input.prescreens` is data/prescreen.json as read (validated here). */
  static fromData(
    raw: unknown,
    input: Omit<Registries, 'prescreens' | 'iscoWords'> & { prescreens?: unknown; iscoWords?: unknown } = { isco: new Map(), renec: [] },
  ): Catalog {
    let registries: Registries = { isco: input.isco, renec: input.renec };
    const parsed = catalogSchema.safeParse(raw);
    const problems = parsed.success ? [] : parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    if (parsed.success && registries.isco.size > 0)
      for (const o of parsed.data.occupations)
        if (!registries.isco.has(o.isco08)) problems.push(`  - occupation ${o.id}: ${o.isco08} is not an ISCO-08 unit group`);
    if (parsed.success && input.prescreens !== undefined) {
      const pre = prescreensSchema.safeParse(input.prescreens);
      if (!pre.success) problems.push(...pre.error.issues.map((i) => `  - prescreen.json ${i.path.join('.')}: ${i.message}`));
      else {
        const ids = new Set(parsed.data.occupations.map((o) => o.id));
        for (const o of ids) if (!pre.data.occupations[o]) problems.push(`  - prescreen.json: no pre-screen for occupation ${o}`);
        for (const o of Object.keys(pre.data.occupations)) if (!ids.has(o)) problems.push(`  - prescreen.json: unknown occupation ${o}`);
        registries = { ...registries, prescreens: pre.data };
      }
    }
    if (input.iscoWords !== undefined) {
      const words = iscoWordsSchema.safeParse(input.iscoWords);
      if (!words.success) problems.push(...words.error.issues.map((i) => `  - isco-words.json ${i.path.join('.')}: ${i.message}`));
      else {
        for (const code of Object.keys(words.data.groups)) if (!registries.isco.has(code)) problems.push(`  - isco-words.json: ${code} is not an ISCO-08 unit group`);
        registries = { ...registries, iscoWords: words.data };
      }
    }
    if (!parsed.success || problems.length > 0) throw new Error(`Invalid catalog in data/:\n${problems.join('\n')}`);
    return new Catalog(parsed.data, registries);
  }

  /**
   * The curated occupations' phrase index, built on first use (about 45 ms: every phrase's words
   * and phonetic keys), so not on the way to a server's first answers; the server warms it a
   * second after it listens (issue 13: start-up).
   */
  get occupationIndex(): PhraseIndex<Occupation> {
    return (this.occupationIdx ??= occupationIndex(this.data.occupations));
  }

  /** The phrase index of RENEC's current standards, built on first use. */
  get renecIndex(): PhraseIndex<RenecStandard> {
    return (this.renecIdx ??= renecIndex(this.registries.renec.filter((s) => s.current)));
  }

  get countries(): readonly Country[] {
    return this.data.countries;
  }

  get sectors(): readonly Sector[] {
    return this.data.sectors;
  }

  get occupations(): readonly Occupation[] {
    return this.data.occupations;
  }

  country(code: string): Country | undefined {
    return this.data.countries.find((c) => c.code === code);
  }

  institution(id: string): Institution | undefined {
    return this.data.institutions.find((i) => i.id === id);
  }

  institutionsOf(countryCode: string): Institution[] {
    const country = this.country(countryCode);
    return (country?.institutions ?? []).flatMap((id) => this.institution(id) ?? []);
  }

  occupation(id: string): Occupation | undefined {
    return this.data.occupations.find((o) => o.id === id);
  }

  occupationsIn(sectorId: string): Occupation[] {
    return this.data.occupations.filter((o) => o.sector === sectorId);
  }

  /** ISCO-08 unit group title (Spanish, the official CIUO-08 wording). */
  iscoTitle(code: string): string | undefined {
    return this.registries.isco.get(code);
  }

  /** The pre-screen (statements and evidence) of a curated occupation. */
  prescreen(occupationId: string): Prescreen | undefined {
    return this.registries.prescreens?.occupations[occupationId];
  }

  renecStandard(code: string): RenecStandard | undefined {
    this.renecByCode ??= new Map(this.registries.renec.map((s) => [s.code, s]));
    return this.renecByCode.get(code);
  }

  /**
   * The standards that certify an occupation in a country: the catalog's own, or — where no
   * code is known — each of the country's institutions with its general route, code to confirm.
   */
  standardsFor(occupation: Occupation, countryCode: string): StandardChoice[] {
    const known = occupation.standards[countryCode] ?? [];
    const withKnown = new Set(known.map((s) => s.institution));
    return [
      ...known.map((s) => ({ ...s, toConfirm: s.code === null })),
      ...this.institutionsOf(countryCode)
        .filter((i) => !withKnown.has(i.id))
        .map((i) => ({ institution: i.id, code: null, title: `${i.acronym} general certification route (standard code to be confirmed with ${i.acronym})`, source: i.sources.join('; '), toConfirm: true })),
    ];
  }

  /**
   * The country a phone number suggests (longest dialling prefix wins), or undefined.
   * Only a suggestion about where the number is registered — never about nationality.
   */
  countryFromPhone(e164: string): Country | undefined {
    const digits = e164.replace(/^whatsapp:/, '').replace(/\D/g, '');
    let best: { country: Country; length: number } | undefined;
    for (const country of this.data.countries)
      for (const prefix of country.dialPrefixes)
        if (digits.startsWith(prefix) && (!best || prefix.length > best.length)) best = { country, length: prefix.length };
    return best?.country;
  }

  /** Curated occupations a worker's own words point to, best first (see OccupationMatcher). */
  rankOccupations(typed: string, limit = 3, detected: Detection = this.languageDetector.detect(typed)): Array<Ranked<Occupation>> {
    const language = detected.language === 'fr' ? 'ht' : detected.confidence >= 0.5 ? detected.language : undefined;
    return this.occupationIndex.rank(typed, { limit, relative: 0.5, plausibleOnly: true, oddJobs: saysOddJobs(typed), ...(language ? { language } : {}) });
  }

  /** Occupations a typed description points to, best first. */
  searchOccupations(typed: string, limit = 3): Occupation[] {
    return this.rankOccupations(typed, limit).map((r) => r.item);
  }

  /**
   * The name under which to show a RENEC standard to someone who described their work this way:
   * the registry occupation that shares most words with the description, else the title (the
   * registry's occupation lists are sometimes loose: EC1340, heavy machinery, lists financial advisers first).
   */
  renecName(standard: RenecStandard, typed: string): string {
    const typedKeys = contentWords(typed).map(matchKey);
    let best = { name: standard.title, hits: 0 };
    for (const name of standard.occupations) {
      const hits = contentWords(name)
        .map(matchKey)
        .filter((k) => typedKeys.some((q) => keySimilarity(q, k) > 0)).length;
      if (hits > best.hits) best = { name, hits };
    }
    return best.name;
  }

  /**
   * For work the catalog does not cover: the ISCO-08 unit groups a description is closest to, best
   * first (see IscoGroups); none when nothing in it names a kind of work.
   */
  closestIscoGroups(typed: string, language?: Language, limit = 2): IscoGroup[] {
    this.iscoIdx ??= new IscoGroups(this.registries.isco, this.registries.iscoWords ?? { source: 'none', groups: {} });
    return this.iscoIdx.closest(typed, language, limit);
  }

  /**
   * Standards of Mexico's whole RENEC registry that a description points to, best first; only
   * plausible ones (the same calibration rule as the curated trades: "tapicero de muebles" is not
   * EC0960 "limpieza … de muebles", which rests on "muebles" alone).
   */
  searchRenec(typed: string, limit = 5): Array<Ranked<RenecStandard>> {
    return this.renecIndex.rank(typed, { limit, relative: 0.6, plausibleOnly: true, oddJobs: saysOddJobs(typed) });
  }
}
