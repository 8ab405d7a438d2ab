import type { Catalog } from '../src/catalog/Catalog.js';
import { effectiveRoute, type Confirmation, type EffectiveRoute, type FactName } from '../src/catalog/publishedFact.js';
import type { Fact, Institution, Language, Occupation, StandardRef } from '../src/catalog/schema.js';
import { monthName } from './bookingMessages.js';

/** What a route is explained for: a curated occupation, or a standard of Mexico's RENEC registry. */
export interface RouteSubject {
  /** The trade's name in the worker's language. */
  name: string;
  /** The standards that certify it, by country. */
  standards: Record<string, StandardRef[]>;
}

export function occupationSubject(occupation: Occupation, lang: Language): RouteSubject {
  return { name: occupation.name[lang], standards: occupation.standards };
}
import type { Translate } from '../src/i18n.js';

/**
 * The first, short answer about a trade's certification in one country (at most 3 SMS segments):
 * who certifies, the standard, the first step and the cost when known, and in one line what is
 * not known and whom to ask. The details are told when the worker asks for them (`routeDetail`).
 * Every fact comes from the catalog with its source; `routes` are the institutions' effective routes
 * (PublishedFacts.routesIn): a fact the institution published replaces the researched one and is
 * followed by who confirmed it and when. Without them, the researched routes.
 *
 * @example routeMessages(catalog, t, 'es', 'DO', occupationSubject(catalog.occupation('mason')!, 'es'), await facts.routesIn('DO'))
 */
export function routeMessages(catalog: Catalog, t: Translate, lang: Language, countryCode: string, occupation: RouteSubject, routes?: ReadonlyMap<string, EffectiveRoute>): string[] {
  const country = catalog.country(countryCode);
  const institutions = catalog.institutionsOf(countryCode);
  if (!country || institutions.length === 0) return [t('route.noInstitution')];
  return institutions.map((institution) => shortAnswer(t, lang, country.name[lang], institution, routeOf(institution, routes), occupation));
}

/** The details a worker can ask for after the short answer. */
export const ROUTE_DETAILS = ['steps', 'papers', 'cost', 'where', 'abroad'] as const;
export type RouteDetail = (typeof ROUTE_DETAILS)[number];

/**
 * One detail of the route, asked for from the menu after the short answer: all the steps (with
 * the institution's own words about itself), documents and what is known for people without
 * papers, cost, duration and validity, where to go (contact and the centres Ruta knows, by town),
 * or whether a certificate counts in another country. Each ends with its sources.
 *
 * @example routeDetail('where', catalog, t, 'es', 'DO', { routes, centreTowns: new Map([['infotep', ['Santiago', 'Santo Domingo']]]) })
 */
export function routeDetail(
  kind: RouteDetail,
  catalog: Catalog,
  t: Translate,
  lang: Language,
  countryCode: string,
  context: {
    routes?: ReadonlyMap<string, EffectiveRoute>;
    /** Per institution, the towns of its centres Ruta knows ("where to go"). */
    centreTowns?: ReadonlyMap<string, readonly string[]>;
    /** The trade asked about: its standards beyond the two of the short answer are listed with the steps. */
    subject?: RouteSubject;
  } = {},
): string[] {
  const { routes, centreTowns = new Map<string, readonly string[]>(), subject } = context;
  const country = catalog.country(countryCode);
  const institutions = catalog.institutionsOf(countryCode);
  if (kind === 'abroad') return [[t('route.abroad'), t('route.sources', { sources: ABROAD_SOURCES })].join('\n')];
  if (!country || institutions.length === 0) return [t('route.noInstitution')];
  return institutions.map((inst) => detailOf(kind, t, lang, country.name[lang], inst, routeOf(inst, routes), centreTowns.get(inst.id) ?? [], subject ? standardLines(t, inst, subject) : []));
}

/** Where the cross-border answer comes from (../shared/reference/routes/cross-border.md). */
const ABROAD_SOURCES = 'OIT/Cinterfor (cinterfor.org, chilevalora.gob.cl); infobae.com, 2026; csmeonline.org';

const routeOf = (inst: Institution, routes?: ReadonlyMap<string, EffectiveRoute>): EffectiveRoute => routes?.get(inst.id) ?? effectiveRoute(inst.route, []);

/** "Confirmado por INFOTEP el 4 de diciembre de 2026", "Konfime pa INFOTEP jou 4 desanm 2026". */
export function confirmationLine(t: Translate, confirmation: Confirmation): string {
  return t('route.confirmedBy', { institution: confirmation.by, date: calendarDateText(t, confirmation.on) });
}

/**
 * A calendar day (YYYY-MM-DD) written out in the worker's language, with the month's name from the
 * locales (Intl has no Haitian Creole): "4 de diciembre de 2026", "4 December 2026", "4 desanm 2026".
 */
export function calendarDateText(t: Translate, isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return t('route.date', { day, month: monthName(t, month ?? 1), year });
}

type ListedFact = Exclude<FactName, 'contact'>;
const LISTED: readonly ListedFact[] = ['steps', 'documents', 'withoutPapers', 'cost', 'duration', 'validity'];

/**
 * What a route could not tell, as stable ids for analytics: `<institution>.<fact>` for every fact
 * the short answer lists as unknown (the worker is told to ask the institution).
 *
 * @example unknownFacts(catalog, 'BZ', routes) // ['nctvet.steps', 'nctvet.documents', …]
 */
export function unknownFacts(catalog: Catalog, countryCode: string, routes?: ReadonlyMap<string, EffectiveRoute>): string[] {
  return catalog.institutionsOf(countryCode).flatMap((inst) => LISTED.filter((name) => routeOf(inst, routes)[name] === null).map((name) => `${inst.id}.${name}`));
}

/**
 * Sources as a worker may read them: never a path of Ruta's own repository or research notes
 * ("shared/reference/institutions.md"), each once.
 */
export function publicSources(facts: ReadonlyArray<{ source: string } | null>): string[] {
  const all = facts.flatMap((f) => (f ? f.source.split(';').map((s) => s.trim()) : []));
  return [...new Set(all.filter((s) => s !== '' && !INTERNAL_SOURCE.test(s)))];
}
const INTERNAL_SOURCE = /\.(md|tsv|json)\b|(^|[\s(/])(shared|reference|data|src)\//i;

/** "pasos, costo y duración" */
function listText(t: Translate, items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}${t('route.and')}${items.at(-1)}`;
}

function standardLines(t: Translate, inst: Institution, occupation: RouteSubject): string[] {
  const ask = { institution: inst.acronym };
  const standards = (occupation.standards[inst.country] ?? []).filter((s) => s.institution === inst.id);
  return standards.length > 0
    ? standards.map((s) => (s.code ? t('route.standardLine', { code: s.code, title: s.title }) : t('route.standardNoCode', { title: s.title, ...ask })))
    : [t('route.standardToConfirm', ask)];
}

/** A fact's lines, then who confirmed it when the institution published it. */
function withConfirmation(t: Translate, r: EffectiveRoute, name: FactName, lines: string[]): string {
  const c = r.confirmed[name];
  return (c ? [...lines, confirmationLine(t, c)] : lines).join('\n');
}

const SHORT_STANDARDS = 1;

function shortAnswer(t: Translate, lang: Language, countryName: string, inst: Institution, r: EffectiveRoute, occupation: RouteSubject): string {
  const ask = { institution: inst.acronym };
  const standards = standardLines(t, inst, occupation);
  // One standard here (the steps detail lists them all): titles are long.
  const lines = [
    t('route.short', { occupation: occupation.name, country: countryName, ...ask }),
    ...standards.slice(0, SHORT_STANDARDS),
    ...(standards.length > SHORT_STANDARDS ? [t('route.moreStandards', { count: standards.length - SHORT_STANDARDS })] : []),
  ];
  const shown: Array<{ source: string } | null> = [];
  const firstStep = r.steps?.text[lang][0];
  if (r.steps && firstStep) {
    lines.push(withConfirmation(t, r, 'steps', [t('route.firstStep', { text: firstStep })]));
    shown.push(r.steps);
  }
  if (r.cost) {
    lines.push(withConfirmation(t, r, 'cost', [t('route.fact', { label: t('route.label.cost'), text: r.cost.text[lang] })]));
    shown.push(r.cost);
  }
  const unknown = LISTED.filter((name) => r[name] === null).map((name) => t(`route.labelLower.${name}`));
  if (unknown.length > 0) lines.push(t('route.askList', { list: listText(t, unknown), ...ask }));
  const sources = publicSources(shown);
  if (sources.length > 0) lines.push(t('route.sources', { sources: sources.join('; ') }));
  return lines.join('\n');
}

function detailOf(kind: Exclude<RouteDetail, 'abroad'>, t: Translate, lang: Language, countryName: string, inst: Institution, r: EffectiveRoute, towns: readonly string[], standards: readonly string[]): string {
  const ask = { institution: inst.acronym };
  const fact = (name: Exclude<ListedFact, 'steps'> | 'contact') => {
    const f = r[name];
    return f ? withConfirmation(t, r, name, [t('route.fact', { label: t(`route.label.${name}`), text: f.text[lang] })]) : undefined;
  };
  const unknownLine = (names: readonly ListedFact[]) => {
    const missing = names.filter((n) => r[n] === null).map((n) => t(`route.labelLower.${n}`));
    return missing.length > 0 ? [t('route.askList', { list: listText(t, missing), ...ask })] : [];
  };
  let lines: string[];
  let shown: Array<{ source: string } | null>;
  switch (kind) {
    case 'steps':
      lines = [
        r.summary.text[lang],
        ...(standards.length > SHORT_STANDARDS ? standards : []),
        ...(r.steps ? [withConfirmation(t, r, 'steps', [t('route.listHeading', { label: t('route.label.steps') }), ...r.steps.text[lang].map((step, i) => `${i + 1}. ${step}`)])] : unknownLine(['steps'])),
      ];
      shown = [r.summary, r.steps];
      break;
    case 'papers':
      lines = [
        ...(fact('documents') ? [fact('documents')!] : [t('route.bring')]),
        fact('withoutPapers') ?? t('route.withoutPapersUnknown', { country: countryName, ...ask }),
      ];
      shown = [r.documents, r.withoutPapers];
      break;
    case 'cost':
      lines = [...(['cost', 'duration', 'validity'] as const).flatMap((n) => fact(n) ?? []), ...unknownLine(['cost', 'duration', 'validity'])];
      shown = [r.cost, r.duration, r.validity];
      break;
    case 'where':
      lines = [
        fact('contact') ?? t('route.fact', { label: t('route.label.contact'), text: t('route.contactUnknown', ask) }),
        ...(towns.length > 0 ? [t('route.centresIn', { list: listText(t, towns), ...ask })] : []),
      ];
      shown = [r.contact];
      break;
  }
  const sources = publicSources(shown);
  return [...lines, ...(sources.length > 0 ? [t('route.sources', { sources: sources.join('; ') })] : [])].join('\n');
}
