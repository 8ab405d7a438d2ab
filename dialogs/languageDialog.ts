import { isLanguage, LANGUAGES, type Language } from '../src/catalog/schema.js';
import { DialogIds } from './ids.js';
import { end, retry, StepDialog, type Step } from './StepDialog.js';

/** Each language's own name, and words that mean it. */
export const LANGUAGE_SYNONYMS: Record<Language, string[]> = {
  es: ['espanol', 'español', 'spanish', 'castellano', 'panyòl', 'panyol', 'es'],
  en: ['english', 'ingles', 'inglés', 'angle', 'anglè', 'en', 'eng'],
  ht: ['kreyol', 'kreyòl', 'creole', 'criollo', 'creol', 'ayisyen', 'haitian', 'haitiano', 'ht', 'francais', 'français', 'french', 'frances'],
};

export function languageOptions(label: (l: Language) => string) {
  return LANGUAGES.map((l) => ({ id: l, label: label(l), synonyms: LANGUAGE_SYNONYMS[l] }));
}

type Values = Record<string, never>;

/** "idioma" / "language" / "lang" / "lanng" at any time: pick one of the three languages. */
export class LanguageDialog extends StepDialog<Values> {

  protected readonly steps: Record<string, Step<Values>> = {
    // Which language? (asked in the current language; the options are each language's own name)
    choose: {
      ask: ({ ruta }) => ({ kind: 'menu', text: ruta.t('language.choose'), options: languageOptions((l) => ruta.t(`language.name.${l}`)) }),
      answer: async ({ ruta, say }, { choice }) => {
        if (!isLanguage(choice)) return retry;
        ruta.setLanguage(choice);
        await say(ruta.t('language.changed'));
        return end({ language: choice });
      },
    },
  };

  constructor() {
    super(DialogIds.language);
  }
}
