import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type Resource, type ResourceLanguage, type TFunction } from 'i18next';
import { projectRoot } from './paths.js';
import { LANGUAGES, type Language } from './catalog/schema.js';

export type Translate = TFunction;

/**
 * Loads locales/<lang>/*.json (one namespace per file) into a private i18next instance.
 * Request code uses `t(lang)` — a fixed function per language — never a global `t`.
 *
 * @example const i18n = await createI18n(); i18n.t('es')('menu.title')
 */
export interface RutaI18n {
  t(language: Language): Translate;
  instance: i18n;
}

export function readLocales(dir = join(projectRoot(), 'locales')): Resource {
  const resources: Resource = {};
  for (const lang of readdirSync(dir)) {
    const namespaces: ResourceLanguage = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      namespaces[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lang, file), 'utf8'));
    }
    resources[lang] = namespaces;
  }
  return resources;
}

export async function createI18n(dir?: string): Promise<RutaI18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: readLocales(dir),
    supportedLngs: [...LANGUAGES],
    // Never fall back across languages (Haitian Creole must never show Spanish or French): a test
    // guarantees that every key exists in every language.
    fallbackLng: false,
    ns: ['translation'],
    defaultNS: 'translation',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    // Logs are JSON lines: no promotional notice on stdout.
    showSupportNotice: false,
  });
  const fixed = new Map(LANGUAGES.map((lang) => [lang, remembered(instance.getFixedT(lang))]));
  return { instance, t: (language) => fixed.get(language)! };
}

/**
 * A language's `t` that answers a plain key (no options: no interpolation, no plural) from memory
 * after its first use. Eight of a turn's ten translations are plain, and each went through
 * i18next's whole lookup (a few kilobytes of short-lived objects, 6 % of a turn's CPU: issue 13).
 * The resources never change once loaded, so a remembered sentence is always the one i18next gives.
 */
export function remembered(t: TFunction): Translate {
  const known = new Map<string, string>();
  // Untyped: a pass-through of the caller's key, not a key of its own (test/unit/localeKeys.test.ts
  // checks the keys at every call of a TFunction).
  const i18next = t as unknown as (...args: unknown[]) => unknown;
  const translate = (key: unknown, ...rest: unknown[]): unknown => {
    if (rest.length === 0 && typeof key === 'string') {
      const found = known.get(key);
      if (found !== undefined) return found;
      const out = i18next(key);
      if (typeof out === 'string') known.set(key, out);
      return out;
    }
    return i18next(key, ...rest);
  };
  return translate as unknown as Translate;
}
