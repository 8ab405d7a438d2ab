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
  const fixed = new Map(LANGUAGES.map((lang) => [lang, remembered(instance, lang)]));
  return { instance, t: (language) => fixed.get(language)! };
}

/**
 * A language's `t` that answers a plain key (no options: no interpolation, no plural) from memory
 * after its first use. Eight of a turn's ten translations are plain, and each went through
 * i18next's whole lookup (a few kilobytes of short-lived objects, 6 % of a turn's CPU: issue 13).
 * The resources never change once loaded, so a remembered sentence is always the one i18next gives.
 *
 * A key with options (`{ name }`, `{ count }`) goes to the instance's own `t` with the language
 * added, as i18next's fixed `t` does, minus the copy of every i18next option it makes on each
 * call for key selectors Ruta does not use (about 13 KB a turn of short-lived objects, the most
 * of any one function in an allocation profile under load). Anything else (a default value given
 * as a string, an options object naming its own language) goes through the fixed `t` unchanged.
 *
 * A key with options whose values are all strings and numbers is remembered too, by its key and
 * those values (`memoKey`), up to MAX_WITH_OPTIONS sentences a language (the oldest forgotten
 * first): most of a turn's translations with options repeat, since they name a trade's question, a
 * centre or a count, and i18next's lookup, plural and interpolation were 3.4 % of a turn's CPU
 * under load (issue 13). i18next is a pure function of the key and the options once the resources
 * are loaded, so a remembered sentence is the one it gives.
 */
export function remembered(instance: i18n, language: Language): Translate {
  const known = new Map<string, string>();
  const withOptions = new Map<string, string>();
  // Untyped: a pass-through of the caller's key, not a key of its own (test/unit/localeKeys.test.ts
  // checks the keys at every call of a TFunction).
  const i18next = instance.getFixedT(language) as unknown as (...args: unknown[]) => unknown;
  const direct = instance.t.bind(instance) as unknown as (key: string, options: Record<string, unknown>) => unknown;
  const translate = (key: unknown, ...rest: unknown[]): unknown => {
    if (typeof key === 'string') {
      if (rest.length === 0) {
        const found = known.get(key);
        if (found !== undefined) return found;
        const out = i18next(key);
        if (typeof out === 'string') known.set(key, out);
        return out;
      }
      const options = rest[0];
      if (rest.length === 1 && typeof options === 'object' && options !== null && !('lng' in options) && !('lngs' in options) && !('ns' in options) && !('keyPrefix' in options)) {
        const memo = memoKey(key, options as Record<string, unknown>);
        const found = memo === undefined ? undefined : withOptions.get(memo);
        if (found !== undefined) return found;
        const out = direct(key, { ...options, lng: language });
        if (memo !== undefined && typeof out === 'string') {
          if (withOptions.size >= MAX_WITH_OPTIONS) withOptions.delete(withOptions.keys().next().value!);
          withOptions.set(memo, out);
        }
        return out;
      }
    }
    return i18next(key, ...rest);
  };
  return translate as unknown as Translate;
}

/** How many sentences with options a language's `t` remembers (a few hundred KB at most). */
export const MAX_WITH_OPTIONS = 4096;

/**
 * What identifies a translation with options: the key, then each option's name, type and value,
 * each with its length first so that no text (a worker's words included) can pass for another
 * option (a count of 1 and a count of '1' are different to i18next). Undefined when the options
 * are not a plain object or a value is anything but a string or a finite number (an object, a
 * function, a Date, a boolean): those are not remembered. Options in another order are
 * remembered twice, never confused.
 */
export function memoKey(key: string, options: Record<string, unknown>): string | undefined {
  if (Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  let memo = `${key.length}:${key}`;
  for (const name in options) {
    const value = options[name];
    if (typeof value === 'string') memo += `\u0000${name.length}:${name}s${value.length}:${value}`;
    else if (typeof value === 'number' && Number.isFinite(value)) memo += `\u0000${name.length}:${name}n${value}`;
    else return undefined;
  }
  return memo;
}
