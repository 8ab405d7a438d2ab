import type { Catalog } from '../src/catalog/Catalog.js';
import type { Fact, Institution, Language, Occupation, StandardRef } from '../src/catalog/schema.js';

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
 * The certification route for one trade in one country, as short messages in the worker's
 * language. Every fact comes from the catalog with its source; an unknown fact says so and
 * names the institution to ask.
 *
 * @example routeMessages(catalog, t, 'es', 'DO', occupationSubject(catalog.occupation('mason')!, 'es'))
 */
export function routeMessages(catalog: Catalog, t: Translate, lang: Language, countryCode: string, occupation: RouteSubject): string[] {
  const country = catalog.country(countryCode);
  const institutions = catalog.institutionsOf(countryCode);
  if (!country || institutions.length === 0) return [t('route.noInstitution')];
  return institutions.flatMap((institution) => institutionMessages(t, lang, country.name[lang], institution, occupation));
}

type FactName = 'steps' | 'documents' | 'withoutPapers' | 'cost' | 'duration' | 'validity';
const FACTS: readonly FactName[] = ['steps', 'documents', 'withoutPapers', 'cost', 'duration', 'validity'];

function institutionMessages(t: Translate, lang: Language, countryName: string, inst: Institution, occupation: RouteSubject): string[] {
  const ask = { institution: inst.acronym };
  const r = inst.route;

  const standards = (occupation.standards[inst.country] ?? []).filter((s) => s.institution === inst.id);
  const standardLines =
    standards.length > 0
      ? standards.map((s) => (s.code ? t('route.standardLine', { code: s.code, title: s.title }) : t('route.standardNoCode', { title: s.title, ...ask })))
      : [t('route.standardToConfirm', ask)];

  const known: string[] = [];
  const unknown: string[] = [];
  for (const name of FACTS) {
    if (name === 'steps') {
      if (r.steps) known.push([t('route.listHeading', { label: t('route.label.steps') }), ...r.steps.text[lang].map((step, i) => `${i + 1}. ${step}`)].join('\n'));
      else unknown.push(t('route.label.steps'));
      continue;
    }
    const fact: Fact | null = r[name];
    if (fact) known.push(t('route.fact', { label: t(`route.label.${name}`), text: fact.text[lang] }));
    else unknown.push(t(`route.label.${name}`));
  }

  const facts = [r.summary, r.steps, r.documents, r.withoutPapers, r.cost, r.duration, r.validity, r.contact];
  const sources = [...new Set(facts.flatMap((f) => (f ? f.source.split(';').map((s) => s.trim()) : [])))];
  const contact = r.contact ? r.contact.text[lang] : t('route.contactUnknown', ask);

  return [
    [t('route.heading', { occupation: occupation.name, country: countryName, institution: inst.acronym }), r.summary.text[lang]].join('\n'),
    [t('route.standardHeading'), ...standardLines].join('\n'),
    ...known,
    ...(unknown.length > 0 ? [t('route.unknownList', { list: unknown.join(', '), ...ask })] : []),
    t('route.bring'),
    [t('route.fact', { label: t('route.label.contact'), text: contact }), t('route.sources', { sources: sources.join('; ') })].join('\n'),
  ];
}
