import { z } from 'zod';
import { LANGUAGES, localizedListSchema, localizedSchema, type Language, type Route } from './schema.js';

/**
 * The facts of a route an institution can confirm and publish (issue 10). The summary stays Ruta's
 * own introduction of the institution.
 */
export const FACT_NAMES = ['steps', 'documents', 'withoutPapers', 'cost', 'duration', 'validity', 'contact'] as const;
export type FactName = (typeof FACT_NAMES)[number];
export const factNameSchema = z.enum(FACT_NAMES);
export const isFactName = (x: unknown): x is FactName => typeof x === 'string' && (FACT_NAMES as readonly string[]).includes(x);

/** Limits of what an institution may publish: long enough for a real answer, short enough for SMS. */
export const FACT_LIMITS = { textChars: 600, stepLines: 12, stepChars: 300, sourceChars: 300 } as const;

const meta = {
  /** Where the institution says it comes from: "Resolución 123/2026", a URL. */
  source: z.string().trim().min(1).max(FACT_LIMITS.sourceChars),
  /** When it was published, on the injected clock. */
  confirmedAt: z.iso.datetime(),
  /** The calendar day of `confirmedAt` in the institution's time zone: what workers are told. */
  confirmedOn: z.iso.date(),
  /** The institution's acronym, as workers see it ("INFOTEP"); the person is only in the audit log. */
  confirmedBy: z.string().trim().min(1),
};

/**
 * A fact as an institution published it, replacing the researched one for workers.
 *
 * @example { name: 'cost', text: { es: 'Gratis', en: 'Free', ht: 'Gratis' }, source: 'Resolución 123/2026',
 *            confirmedAt: '2026-12-04T15:00:00.000Z', confirmedOn: '2026-12-04', confirmedBy: 'INFOTEP' }
 */
export const publishedFactSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('steps'), text: localizedListSchema, ...meta }),
  z.object({ name: z.enum(['documents', 'withoutPapers', 'cost', 'duration', 'validity', 'contact']), text: localizedSchema, ...meta }),
]);
export type PublishedFact = z.infer<typeof publishedFactSchema>;

/** Who confirmed a fact and on which day, as workers are told. */
export interface Confirmation {
  by: string;
  /** YYYY-MM-DD, in the institution's time zone: the day workers are told. */
  on: string;
  /** The instant it was published (ISO 8601, UTC). */
  at: string;
}

/**
 * A route as workers get it: the researched route with the institution's published facts laid over
 * it, and which facts the institution confirmed. A function of the route alone, so any layout of the
 * answer can use it.
 */
export type EffectiveRoute = Route & { confirmed: Partial<Record<FactName, Confirmation>> };

/**
 * The researched route with published facts overlaid: a published fact replaces the researched one
 * (or an unknown one, which stops being unknown); nothing else changes.
 *
 * @example effectiveRoute(infotep.route, [cost]).cost?.text.es === 'Gratis'
 */
export function effectiveRoute(route: Route, published: readonly PublishedFact[]): EffectiveRoute {
  const out: EffectiveRoute = { ...route, confirmed: {} };
  for (const fact of published) {
    if (fact.name === 'steps') out.steps = { text: fact.text, source: fact.source };
    else out[fact.name] = { text: fact.text, source: fact.source };
    out.confirmed[fact.name] = { by: fact.confirmedBy, on: fact.confirmedOn, at: fact.confirmedAt };
  }
  return out;
}

/** Where a fact of an effective route comes from: the institution, Ruta's research, or nobody yet. */
export type FactStatus = 'confirmed' | 'researched' | 'unknown';

export function factStatus(route: EffectiveRoute, name: FactName): FactStatus {
  if (route.confirmed[name]) return 'confirmed';
  return route[name] ? 'researched' : 'unknown';
}

/** A fact's text in one language as one string (steps one per line), or null when unknown. */
export function factText(route: Route, name: FactName, lang: Language): string | null {
  if (name === 'steps') return route.steps ? route.steps.text[lang].join('\n') : null;
  return route[name]?.text[lang] ?? null;
}

/** What staff send to publish a fact: the text in the three languages (steps: one per line, or a list) and the source. */
export const factDraftBodySchema = z.object({
  text: z.object({ es: z.union([z.string(), z.array(z.string())]), en: z.union([z.string(), z.array(z.string())]), ht: z.union([z.string(), z.array(z.string())]) }).strict(),
  source: z.string(),
}).strict();
export type FactDraftBody = z.infer<typeof factDraftBodySchema>;

/** A checked draft, ready to publish. */
export type FactDraft = { name: 'steps'; text: Record<Language, string[]>; source: string } | { name: Exclude<FactName, 'steps'>; text: Record<Language, string>; source: string };

/** Why a field of a draft cannot be published; `field` is 'es', 'en', 'ht' or 'source'. */
export interface DraftProblem {
  field: Language | 'source';
  problem: 'missing' | 'tooLong' | 'tooManyLines' | 'lineTooLong' | 'html';
  /** The limit broken (characters or lines), for the message. */
  limit?: number;
}

/** Text that looks like markup: a tag, a comment or an entity. Facts are plain words. */
const MARKUP = /<\s*[a-z!/?]|&[a-z]+;|&#\d+;/i;

/**
 * Checks a draft: every language and the source present, lengths within FACT_LIMITS, no HTML.
 * Steps come as one per line (blank lines dropped). Problems are values, for the console (each
 * field's message) and the API (a 400 with paths) alike.
 *
 * @example checkDraft('cost', { text: { es: 'Gratis', en: 'Free', ht: '' }, source: 'x' })
 *          // { ok: false, problems: [{ field: 'ht', problem: 'missing' }] }
 */
export function checkDraft(name: FactName, body: FactDraftBody): { ok: true; draft: FactDraft } | { ok: false; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const lines = (v: string | string[]) => (Array.isArray(v) ? v : v.split(/\r?\n|\r/)).map((l) => l.trim()).filter((l) => l !== '');
  const texts = {} as Record<Language, string>;
  const steps = {} as Record<Language, string[]>;
  for (const lang of LANGUAGES) {
    const raw = body.text[lang];
    if (name === 'steps') {
      const list = lines(raw);
      steps[lang] = list;
      if (list.length === 0) problems.push({ field: lang, problem: 'missing' });
      else if (list.some((l) => MARKUP.test(l))) problems.push({ field: lang, problem: 'html' });
      else if (list.length > FACT_LIMITS.stepLines) problems.push({ field: lang, problem: 'tooManyLines', limit: FACT_LIMITS.stepLines });
      else if (list.some((l) => l.length > FACT_LIMITS.stepChars)) problems.push({ field: lang, problem: 'lineTooLong', limit: FACT_LIMITS.stepChars });
    } else {
      // A fact is one paragraph: line breaks typed in the form become spaces.
      const text = lines(raw).join(' ');
      texts[lang] = text;
      if (text === '') problems.push({ field: lang, problem: 'missing' });
      else if (MARKUP.test(text)) problems.push({ field: lang, problem: 'html' });
      else if (text.length > FACT_LIMITS.textChars) problems.push({ field: lang, problem: 'tooLong', limit: FACT_LIMITS.textChars });
    }
  }
  const source = body.source.replace(/\s+/g, ' ').trim();
  if (source === '') problems.push({ field: 'source', problem: 'missing' });
  else if (MARKUP.test(source)) problems.push({ field: 'source', problem: 'html' });
  else if (source.length > FACT_LIMITS.sourceChars) problems.push({ field: 'source', problem: 'tooLong', limit: FACT_LIMITS.sourceChars });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, draft: name === 'steps' ? { name, text: steps, source } : { name, text: texts, source } };
}

/** One fact of an effective route, as the console and the API list it. */
export interface FactEntry {
  name: FactName;
  status: FactStatus;
  /** null when unknown. */
  fact: Route[FactName];
  /** Set when the institution published it. */
  confirmation: Confirmation | undefined;
}

/** The publishable facts of an effective route, in FACT_NAMES order. */
export function factEntries(route: EffectiveRoute): FactEntry[] {
  return FACT_NAMES.map((name) => ({ name, status: factStatus(route, name), fact: route[name], confirmation: route.confirmed[name] }));
}

/**
 * A fact as the audit log keeps it (before and after a change): where it came from, its text in
 * the three languages (steps one per line) and its source.
 */
export function factSummary(route: EffectiveRoute, name: FactName): { status: FactStatus; text: Record<Language, string> | null; source: string | null } {
  const status = factStatus(route, name);
  const es = factText(route, name, 'es');
  const en = factText(route, name, 'en');
  const ht = factText(route, name, 'ht');
  return { status, text: es !== null && en !== null && ht !== null ? { es, en, ht } : null, source: route[name]?.source ?? null };
}
