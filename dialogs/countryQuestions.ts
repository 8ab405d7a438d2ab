import type { Catalog } from '../src/catalog/Catalog.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { NO, YES } from '../src/language/keywords.js';
import { fold } from '../src/language/text.js';
import { end, go, retry, type Answer, type Outcome, type Step, type StepTurn } from './StepDialog.js';
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

/**
 * Countries workers name that Ruta does not cover (folded): they are told so plainly, and where
 * to ask, instead of "not understood".
 */
const OTHER_COUNTRIES = new Set([
  'venezuela', 'haiti', 'ayiti', 'cuba', 'estados unidos', 'usa', 'eeuu', 'united states', 'etazini', 'argentina', 'bolivia', 'brasil', 'brazil',
  'paraguay', 'uruguay', 'espana', 'spain', 'canada', 'kanada', 'jamaica', 'trinidad', 'guyana', 'puerto rico',
]);

/** "Which country are you in now?" with every catalog country, and "another country". */
export function countryListQuestion(catalog: Catalog, ruta: RutaTurn): Question {
  return {
    kind: 'menu',
    text: ruta.t('route.askCountry'),
    acceptsText: true,
    options: [
      ...catalog.countries.map((c) => ({
        id: c.code,
        label: c.name[ruta.language],
        synonyms: [c.name.es, c.name.en, c.name.ht, ...(COUNTRY_SYNONYMS[c.code] ?? [])],
      })),
      { id: ELSEWHERE, label: ruta.t('route.elsewhere') },
    ],
  };
}

const ELSEWHERE = 'elsewhere';

/** A reply to the country list that names a country Ruta does not cover (or "another country"). */
export function namesUncoveredCountry(choice: string | undefined, text: string): boolean {
  return choice === ELSEWHERE || (choice === undefined && OTHER_COUNTRIES.has(fold(text)));
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
  /** A reply to the country list: a country, one Ruta does not cover, or not understood. */
  const listAnswer = async (turn: StepTurn<V>, { choice: whole, partialChoice, text }: Answer): Promise<Outcome> => {
    // "vivo en costa rica": a country named inside a sentence is still the answer.
    const choice = whole ?? partialChoice;
    if (namesUncoveredCountry(choice, text)) {
      // Said plainly, with where to ask; then back to where the worker came from.
      await turn.say(turn.ruta.t('route.notCovered', { count: turn.ruta.catalog.countries.length }));
      return end();
    }
    return choice ? setCountry(turn, choice) : retry;
  };
  return {
    country: {
      ask: async (turn) => {
        await before?.(turn);
        return countryQuestion(turn.ruta.catalog, turn.ruta);
      },
      answer: async (turn, answer) => {
        // No country suggested: this was the list.
        if (!suggestedCountry(turn.ruta.catalog, turn.ruta)) return listAnswer(turn, answer);
        const chosen = countryAnswer(turn.ruta.catalog, turn.ruta, answer.choice);
        return chosen === 'list' ? go('countryList') : chosen ? setCountry(turn, chosen) : retry;
      },
    },
    countryList: {
      ask: ({ ruta }) => countryListQuestion(ruta.catalog, ruta),
      answer: listAnswer,
    },
  };
}
