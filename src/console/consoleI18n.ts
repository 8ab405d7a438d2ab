import type { TFunction } from 'i18next';
import type { RutaI18n } from '../i18n.js';

/** The console speaks Spanish and English (locales/<lang>/console.json); Spanish unless the `lang` cookie says otherwise. */
export const CONSOLE_LANGUAGES = ['es', 'en'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];
export const DEFAULT_CONSOLE_LANGUAGE: ConsoleLanguage = 'es';
export const isConsoleLanguage = (x: unknown): x is ConsoleLanguage => typeof x === 'string' && (CONSOLE_LANGUAGES as readonly string[]).includes(x);

/**
 * A translate function over the "console" namespace (test/unit/localeKeys.test.ts finds every key
 * used through it and requires it in es and en).
 *
 * @example const t = consoleT(i18n, 'en'); t('signIn.title') // 'Sign in'
 */
export type ConsoleT = TFunction<'console'>;

export function consoleT(i18n: RutaI18n, lang: ConsoleLanguage): ConsoleT {
  return i18n.instance.getFixedT(lang, 'console');
}

/** The console language a request asked for with its `lang` cookie (set by the language links). */
export function languageOf(cookieHeader: string | undefined): ConsoleLanguage {
  const value = /(?:^|;\s*)lang=([a-z]{2})(?:;|$)/.exec(cookieHeader ?? '')?.[1];
  return isConsoleLanguage(value) ? value : DEFAULT_CONSOLE_LANGUAGE;
}
