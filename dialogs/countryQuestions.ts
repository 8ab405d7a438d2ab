import type { Catalog } from '../src/catalog/Catalog.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { NO, YES } from '../src/language/keywords.js';
import { go, retry, type Outcome, type Step, type StepTurn } from './StepDialog.js';
import type { Question } from './StepDialog.js';

/** Words for countries beyond their names: codes and everyday names. */
const COUNTRY_SYNONYMS: Record<string, string[]> = {
  DO: ['rd', 'dominicana', 'republica dominicana', 'santo domingo', 'dominikani', 'dominikanie', 'panyol'],
  MX: ['mexico', 'méjico', 'mx'],
  CR: ['tiquicia', 'cr'],
  SV: ['salvador'],
  PA: ['panama'],
  BZ: ['belize', 'belice'],
  CO: ['colombia'],
  PE: ['peru'],
};

/** The country to suggest: the one chosen before, or the one the phone number suggests (never assumed). */
export function suggestedCountry(catalog: Catalog, ruta: RutaTurn) {
  return catalog.country(ruta.session.country ?? ruta.extras.countryHint ?? '');
}

/** "Are you in <country> now?" — yes, or another country. */
export function confirmCountryQuestion(ruta: RutaTurn, countryName: string): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.confirmCountry', { country: countryName }),
    options: [
      { id: 'yes', label: ruta.t('common.yes'), synonyms: YES },
      { id: 'other', label: ruta.t('route.otherCountry'), synonyms: NO },
    ],
  };
}

/** "Which country are you in now?" with every catalog country. */
export function countryListQuestion(catalog: Catalog, ruta: RutaTurn): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.askCountry'),
    options: catalog.countries.map((c) => ({
      id: c.code,
      label: c.name[ruta.language],
      synonyms: [c.name.es, c.name.en, c.name.ht, ...(COUNTRY_SYNONYMS[c.code] ?? [])],
    })),
  };
}

/** "Are you in <country> now?" when the number or an earlier answer suggests one, else the list. */
export function countryQuestion(catalog: Catalog, ruta: RutaTurn): Question {
  const suggested = suggestedCountry(catalog, ruta);
  return suggested ? confirmCountryQuestion(ruta, suggested.name[ruta.language]) : countryListQuestion(catalog, ruta);
}

/**
 * What the reply to countryQuestion means: a country code, 'list' (another country: show the
 * list), or undefined (not understood).
 */
export function countryAnswer(catalog: Catalog, ruta: RutaTurn, choice: string | undefined): string | 'list' | undefined {
  const suggested = suggestedCountry(catalog, ruta);
  if (!suggested) return choice;
  if (choice === 'yes') return suggested.code;
  return choice === 'other' ? 'list' : undefined;
}

/**
 * The two country steps every dialog that needs a country shares: `country` ("Are you in <X>
 * now?" or the list) and `countryList`. `setCountry` takes the chosen code; `before` runs
 * before the first question (an introduction).
 */
export function countrySteps<V extends object>(
  setCountry: (turn: StepTurn<V>, code: string) => Outcome | Promise<Outcome>,
  before?: (turn: StepTurn<V>) => Promise<void>,
): { country: Step<V>; countryList: Step<V> } {
  return {
    country: {
      ask: async (turn) => {
        await before?.(turn);
        return countryQuestion(turn.ruta.catalog, turn.ruta);
      },
      answer: (turn, { choice }) => {
        const answer = countryAnswer(turn.ruta.catalog, turn.ruta, choice);
        return answer === 'list' ? go('countryList') : answer ? setCountry(turn, answer) : retry;
      },
    },
    countryList: {
      ask: ({ ruta }) => countryListQuestion(ruta.catalog, ruta),
      answer: (turn, { choice }) => (choice ? setCountry(turn, choice) : retry),
    },
  };
}
