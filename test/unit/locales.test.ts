import { describe, expect, it } from 'vitest';
import { readLocales } from '../../src/i18n.js';

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );
const resources = readLocales();
const flat = Object.fromEntries(Object.entries(resources).map(([lang, ns]) => [lang, flatten(ns as Tree)]));
const variables = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('locales', () => {
  it('has exactly es, en and ht', () => {
    expect(Object.keys(flat).sort()).toEqual(['en', 'es', 'ht']);
  });

  it('has every key in every language, none empty', () => {
    const all = new Set(Object.values(flat).flatMap((f) => Object.keys(f)));
    for (const [lang, keys] of Object.entries(flat)) {
      const missing = [...all].filter((k) => !(k in keys));
      expect(missing, `missing in ${lang}`).toEqual([]);
      for (const [k, v] of Object.entries(keys)) expect(v.trim(), `${lang}:${k}`).not.toBe('');
    }
  });

  it('uses the same {{variables}} in every language', () => {
    for (const key of Object.keys(flat.es!)) {
      expect(variables(flat.en![key]!), key).toEqual(variables(flat.es![key]!));
      expect(variables(flat.ht![key]!), key).toEqual(variables(flat.es![key]!));
    }
  });

  it('does not leave Haitian Creole sentences in Spanish, English or French', () => {
    const foreign = /\b(el|los|que|para|the|you|your|je|vous|est|les|des|avec)\b/i;
    for (const [key, value] of Object.entries(flat.ht!)) {
      if (key.startsWith('language.name.')) continue;
      expect(value.replace(/\{\{\w+\}\}/g, ''), key).not.toMatch(foreign);
    }
  });
});
