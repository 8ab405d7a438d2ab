import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import { closeEnough, fold, words } from '../bot/text.js';
import { catalogSchema, type CatalogData, type Country, type Institution, type Occupation, type Sector } from './schema.js';

/**
 * The facts Ruta tells workers: countries, institutions and their routes, sectors and occupations.
 * Validated with zod when loaded; everything else reads it through this class.
 *
 * @example const catalog = Catalog.load(); catalog.countryFromPhone('+18095550100')?.code === 'DO'
 */
export class Catalog {
  /** Every occupation's names and synonyms, folded once (searching is on the hot path). */
  private readonly searchPhrases: Array<{ occupation: Occupation; phrases: Array<{ folded: string; words: string[] }> }>;

  private constructor(readonly data: CatalogData) {
    this.searchPhrases = data.occupations.map((occupation) => ({
      occupation,
      phrases: [occupation.name.es, occupation.name.en, occupation.name.ht, ...occupation.synonyms].map((p) => {
        const folded = fold(p);
        return { folded, words: folded.split(' ').filter((w) => w.length >= 3) };
      }),
    }));
  }

  /** Reads and validates data/*.json; throws with every problem listed when invalid. */
  static load(dataDir = join(projectRoot(), 'data')): Catalog {
    const read = (name: string): unknown => JSON.parse(readFileSync(join(dataDir, name), 'utf8'));
    return Catalog.fromData({
      countries: read('countries.json'),
      institutions: read('institutions.json'),
      sectors: read('sectors.json'),
      occupations: read('occupations.json'),
    });
  }

  static fromData(raw: unknown): Catalog {
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
      throw new Error(`Invalid catalog in data/:\n${lines.join('\n')}`);
    }
    return new Catalog(parsed.data);
  }

  get countries(): readonly Country[] {
    return this.data.countries;
  }

  get sectors(): readonly Sector[] {
    return this.data.sectors;
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

  /**
   * Occupations whose name or synonyms match a typed description, best first.
   * A simple word matcher with typo tolerance; the pre-screen work replaces it with a ranked matcher.
   */
  searchOccupations(typed: string, limit = 3): Occupation[] {
    const typedWords = words(typed).filter((w) => w.length >= 3);
    if (typedWords.length === 0) return [];
    const typedFolded = fold(typed);
    const scored = this.searchPhrases.map(({ occupation, phrases }) => {
      let score = 0;
      for (const { folded, words: phraseWords } of phrases) {
        if (folded === typedFolded) score = Math.max(score, 10);
        const hits = phraseWords.filter((pw) => typedWords.some((tw) => tw === pw || (pw.length >= 5 && closeEnough(tw, pw)))).length;
        if (phraseWords.length > 0 && hits > 0) score = Math.max(score, (5 * hits) / phraseWords.length + hits);
      }
      return { occupation, score };
    });
    const best = Math.max(0, ...scored.map((s) => s.score));
    // Keep only candidates close to the best: "bòs mason" must not also offer every other "bòs".
    return scored
      .filter((s) => s.score > 0 && s.score >= best / 2)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((s) => s.occupation);
  }
}
