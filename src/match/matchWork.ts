import type { Catalog, StandardChoice } from '../catalog/Catalog.js';
import type { Language, Occupation } from '../catalog/schema.js';
import type { DetectedLanguage } from '../language/detectLanguage.js';

/** A standard as reported to tools and the institution: who certifies it, its code (null: to confirm) and title. */
export interface StandardOut {
  institution: string;
  country: string;
  code: string | null;
  title: string;
  /** No published code: the institution's general route applies, the code is to be confirmed with it. */
  toConfirm?: true;
}

export interface CandidateOut {
  /** ISCO-08 unit group; null for a RENEC standard outside the curated trades (the registry gives none). */
  isco08: string | null;
  /** The curated occupation's id, or null for a RENEC-only match. */
  id: string | null;
  occupation: string;
  score: number;
  standards: StandardOut[];
}

export interface MatchOut {
  language: DetectedLanguage | null;
  candidates: CandidateOut[];
}

function standardOut(country: string, s: StandardChoice): StandardOut {
  return { institution: s.institution, country, code: s.code, title: s.title, ...(s.toConfirm ? { toConfirm: true as const } : {}) };
}

/** The standards of an occupation in one country, or in every country where the catalog names one. */
export function standardsOut(catalog: Catalog, occupation: Occupation, country?: string): StandardOut[] {
  if (country) return catalog.standardsFor(occupation, country).map((s) => standardOut(country, s));
  return Object.entries(occupation.standards).flatMap(([cc, refs]) => refs.map((r) => standardOut(cc, { ...r, toConfirm: r.code === null })));
}

/**
 * A worker's description → language and ranked occupations with the standards that certify
 * them (the `ruta match` output). In Mexico (or with no country given) the whole RENEC registry
 * is searched too, so a trade outside the curated list still reaches its EC standard.
 */
export function matchWork(
  catalog: Catalog,
  text: string,
  { country, limit = 3, ranked }: { country?: string; limit?: number; /** occupations already ranked (by a model) */ ranked?: Array<{ id: string; score: number }> } = {},
): MatchOut {
  const detection = catalog.languageDetector.detect(text);
  const detected = detection.language;
  const nameLanguage: Language = detected === 'fr' ? 'ht' : (detected ?? 'es');
  const order = ranked ?? catalog.rankOccupations(text, limit, detection).map((r) => ({ id: r.item.id, score: r.score }));
  const curated: CandidateOut[] = order.slice(0, limit).flatMap(({ id, score }) => {
    const o = catalog.occupation(id);
    return o ? [{ isco08: o.isco08, id: o.id, occupation: o.name[nameLanguage], score, standards: standardsOut(catalog, o, country) }] : [];
  });
  const candidates = [...curated];
  if (country === undefined || country === 'MX') {
    const named = new Set(curated.flatMap((c) => c.standards.map((s) => s.code)));
    for (const r of catalog.searchRenec(text, limit)) {
      if (candidates.length >= limit) break;
      if (named.has(r.item.code)) continue;
      // Registry-only matches come after the curated trades; their score never claims more than those.
      const previous = candidates[candidates.length - 1]?.score ?? 1;
      candidates.push({
        isco08: null,
        id: null,
        occupation: catalog.renecName(r.item, text),
        score: Math.min(r.score, previous),
        standards: [{ institution: 'conocer', country: 'MX', code: r.item.code, title: r.item.title }],
      });
    }
  }
  return { language: detected ?? null, candidates };
}
