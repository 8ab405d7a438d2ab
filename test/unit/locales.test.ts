import { describe, expect, it } from 'vitest';
import { readLocales } from '../../src/i18n.js';

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v]] : Object.entries(flatten(v, `${prefix}${k}.`)))),
  );
const resources = readLocales();
/** Per language, every key as 'namespace.key' (locales/<lang>/<namespace>.json). */
const flat = Object.fromEntries(Object.entries(resources).map(([lang, ns]) => [lang, flatten(ns as Tree)]));
const variables = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
/** Languages each namespace must have, complete: the bot's texts in all three, the console's in Spanish and English. */
const REQUIRED: Record<string, string[]> = { translation: ['es', 'en', 'ht'], console: ['es', 'en'] };
const namespaceOf = (key: string) => key.slice(0, key.indexOf('.'));

describe('locales', () => {
  it('has exactly es, en and ht', () => {
    expect(Object.keys(flat).sort()).toEqual(['en', 'es', 'ht']);
  });

  it('has only namespaces whose languages are known', () => {
    const namespaces = new Set(Object.values(flat).flatMap((f) => Object.keys(f).map(namespaceOf)));
    expect([...namespaces].filter((ns) => !REQUIRED[ns])).toEqual([]);
  });

  it('has every key in every language its namespace needs (and in any other that has the namespace), none empty', () => {
    const all = new Set(Object.values(flat).flatMap((f) => Object.keys(f)));
    for (const [lang, keys] of Object.entries(flat)) {
      const present = new Set(Object.keys(keys).map(namespaceOf));
      const missing = [...all].filter((k) => !(k in keys) && (REQUIRED[namespaceOf(k)]?.includes(lang) || present.has(namespaceOf(k))));
      expect(missing, `missing in ${lang}`).toEqual([]);
      for (const [k, v] of Object.entries(keys)) expect(v.trim(), `${lang}:${k}`).not.toBe('');
    }
  });

  it('uses the same {{variables}} in every language', () => {
    for (const key of Object.keys(flat.es!)) {
      for (const lang of ['en', 'ht']) {
        const other = flat[lang]![key];
        if (other !== undefined) expect(variables(other), `${lang}:${key}`).toEqual(variables(flat.es![key]!));
      }
    }
  });

  it('does not leave Haitian Creole sentences in Spanish, English or French', () => {
    const foreign = /\b(el|los|que|para|the|you|your|je|vous|est|les|des|avec)\b/i;
    for (const [key, value] of Object.entries(flat.ht!)) {
      if (key.startsWith('translation.language.name.')) continue;
      expect(value.replace(/\{\{\w+\}\}/g, ''), key).not.toMatch(foreign);
    }
  });

  it('never invites a worker to type one of Twilio\'s SMS keywords, except STOP to opt out and START to come back', () => {
    // On SMS Twilio acts on these words itself: "cancel" typed to cancel an appointment would
    // unsubscribe the worker from every message. The cancel flows are answered by number.
    const keywords = ['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout', 'start', 'unstop', 'yes'];
    const invite = new RegExp(`\\b(?:write|send|type|text|reply|escribe|env[ií]a|manda|ekri|voye)\\s+\\*?(${keywords.join('|')})\\b`, 'i');
    const allowed: Record<string, string> = { 'translation.help.text': 'stop', 'translation.optout.done': 'start', 'translation.optout.still': 'start' };
    const found: string[] = [];
    for (const [lang, keys] of Object.entries(flat)) {
      for (const [key, text] of Object.entries(keys)) {
        if (!key.startsWith('translation.')) continue;
        const word = invite.exec(text)?.[1]?.toLowerCase();
        if (word && allowed[key] !== word) found.push(`${lang}:${key}: ${word}`);
      }
    }
    expect(found).toEqual([]);
  });
});

