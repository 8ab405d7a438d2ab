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
 * The certification route for one trade in one country, as short messages in the worker's
 * language. Every fact comes from the catalog with its source; an unknown fact says so and
 * names the institution to ask. `routes` are the institutions' effective routes (PublishedFacts.routesIn):
 * a fact the institution published replaces the researched one and is followed by who confirmed
 * it and when. Without them, the researched routes.
 *
 * @example routeMessages(catalog, t, 'es', 'DO', occupationSubject(catalog.occupation('mason')!, 'es'), await facts.routesIn('DO'))
 */
export function routeMessages(catalog: Catalog, t: Translate, lang: Language, countryCode: string, occupation: RouteSubject, routes?: ReadonlyMap<string, EffectiveRoute>): string[] {
  const country = catalog.country(countryCode);
  const institutions = catalog.institutionsOf(countryCode);
  if (!country || institutions.length === 0) return [t('route.noInstitution')];
  return institutions.flatMap((institution) =>
    institutionMessages(t, lang, country.name[lang], institution, routes?.get(institution.id) ?? effectiveRoute(institution.route, []), occupation),
  );
}

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
const FACTS: readonly ListedFact[] = ['steps', 'documents', 'withoutPapers', 'cost', 'duration', 'validity'];

function institutionMessages(t: Translate, lang: Language, countryName: string, inst: Institution, r: EffectiveRoute, occupation: RouteSubject): string[] {
  const ask = { institution: inst.acronym };
  /** The fact's lines, then who confirmed it when the institution published it. */
  const withConfirmation = (name: FactName, lines: string[]) => {
    const c = r.confirmed[name];
    return (c ? [...lines, confirmationLine(t, c)] : lines).join('\n');
  };

  const standards = (occupation.standards[inst.country] ?? []).filter((s) => s.institution === inst.id);
  const standardLines =
    standards.length > 0
      ? standards.map((s) => (s.code ? t('route.standardLine', { code: s.code, title: s.title }) : t('route.standardNoCode', { title: s.title, ...ask })))
      : [t('route.standardToConfirm', ask)];

  const known: string[] = [];
  const unknown: string[] = [];
  for (const name of FACTS) {
    if (name === 'steps') {
      if (r.steps) known.push(withConfirmation('steps', [t('route.listHeading', { label: t('route.label.steps') }), ...r.steps.text[lang].map((step, i) => `${i + 1}. ${step}`)]));
      else unknown.push(t('route.label.steps'));
      continue;
    }
    const fact: Fact | null = r[name];
    if (fact) known.push(withConfirmation(name, [t('route.fact', { label: t(`route.label.${name}`), text: fact.text[lang] })]));
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
    [withConfirmation('contact', [t('route.fact', { label: t('route.label.contact'), text: contact })]), t('route.sources', { sources: sources.join('; ') })].join('\n'),
  ];
}
