import type { RutaTurn } from '../src/bot/RutaTurn.js';
import type { Catalog } from '../src/catalog/Catalog.js';
import type { RouteFacts } from './routeDialog.js';

/**
 * HELP: the words that work anywhere (APPOINTMENT among them), then a person to talk to — the
 * contact of the institution that certifies in the worker's country where it is known (published by
 * the institution or researched), its offices otherwise, or the kind of institution to look for
 * when the country is not known yet.
 *
 * @example await helpMessage(turn, catalog, facts) // '*Cómo usar Ruta*\n…\nPara hablar con una persona: INFOTEP, …'
 */
export async function helpMessage(ruta: RutaTurn, catalog: Catalog, facts: RouteFacts): Promise<string> {
  const { t, language } = ruta;
  const country = ruta.session.country;
  const institution = country ? catalog.institutionsOf(country)[0] : undefined;
  if (!institution) return `${t('help.text')}\n${t('help.personAny')}`;
  const contact = (await facts.routeOf(institution.id))?.contact?.text[language];
  const person = contact ? t('help.person', { institution: institution.acronym, contact }) : t('help.personOffice', { institution: institution.acronym });
  return `${t('help.text')}\n${person}`;
}
