import { closeEnough, fold, words } from './text.js';
import { numberFromReply } from './numberWords.js';

/** One line of a numbered menu. `label` is already in the worker's language. */
export interface MenuOption {
  /** Stable id of the option (what the dialog acts on), e.g. 'accept' or 'DO'. */
  id: string;
  label: string;
  /** Other words that mean this option, in any language, e.g. ['si', 'yes', 'wi']. */
  synonyms?: readonly string[];
}

export type ChoiceResult =
  /**
   * 'partial': only some of the reply's words were found in one option ("I laid blocks for 8
   * years" has "for" of "Home and caring for people"). A menu that also takes free text must not
   * read that as a choice: the text comes first, the partial choice only as a fallback.
   */
  | { ok: true; id: string; how: 'number' | 'label' | 'synonym' | 'fuzzy' | 'partial' }
  | { ok: false; reason: 'empty' | 'out_of_range' | 'no_match' | 'ambiguous' };

/**
 * Understands a reply to a numbered menu: the number, a number word in es/en/ht, the label or a
 * close variant (no accents, typos, other casing), or a known synonym.
 *
 * @example recognizeChoice('dos', [{id:'a',label:'Sí'},{id:'b',label:'No'}]) // { ok: true, id: 'b', how: 'number' }
 */
export function recognizeChoice(reply: string, options: readonly MenuOption[]): ChoiceResult {
  const typed = fold(reply);
  if (typed === '') return { ok: false, reason: 'empty' };
  // "-1" or "+2" is not an option's number (folding would drop the sign).
  if (/^\s*[-−–+]\s*\d/.test(reply)) return { ok: false, reason: 'no_match' };

  const n = numberFromReply(typed);
  if (n !== undefined) {
    const byNumber = options[n - 1];
    return byNumber ? { ok: true, id: byNumber.id, how: 'number' } : { ok: false, reason: 'out_of_range' };
  }

  const exact = unique(options.filter((o) => fold(o.label) === typed));
  if (exact) return { ok: true, id: exact.id, how: 'label' };
  const synonym = unique(options.filter((o) => (o.synonyms ?? []).some((s) => fold(s) === typed)));
  if (synonym) return { ok: true, id: synonym.id, how: 'synonym' };

  // Close variants: typos in the whole label or synonym, or every typed word found in exactly one label.
  const scored = options
    .map((o) => ({ o, score: similarity(typed, [o.label, ...(o.synonyms ?? [])]) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) return { ok: false, reason: 'no_match' };
  if (second && second.score === best.score) return { ok: false, reason: 'ambiguous' };
  return { ok: true, id: best.o.id, how: best.score >= WHOLE_REPLY ? 'fuzzy' : 'partial' };
}

function unique<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

const STOP_WORDS = new Set([
  'de', 'del', 'la', 'el', 'los', 'las', 'y', 'e', 'en', 'un', 'una', 'por', 'para', 'con', 'al', 'lo', 'que', 'mi', 'su',
  'the', 'of', 'and', 'a', 'an', 'to', 'too', 'for', 'in', 'on', 'at', 'with', 'from', 'by', 'my', 'i', 'is', 'it',
  'ak', 'nan', 'pou', 'yon', 'lan', 'mwen', 'ki', 'li', 'sa', 'pa', 'ou',
]);

/** Scores at or above this: every word of the reply was found in the option (or the whole reply is a typo of it). */
const WHOLE_REPLY = 2;

/** 0 = unrelated; higher = closer. Whole-phrase typo matches beat word matches. */
function similarity(typed: string, candidates: readonly string[]): number {
  let best = 0;
  const typedWords = words(typed).filter((w) => !STOP_WORDS.has(w));
  for (const candidate of candidates) {
    const target = fold(candidate);
    if (target === '') continue;
    if (closeEnough(typed, target)) best = Math.max(best, 3);
    const targetWords = words(target).filter((w) => !STOP_WORDS.has(w));
    if (typedWords.length === 0 || targetWords.length === 0) continue;
    const hits = typedWords.filter((w) => w.length >= 3 && targetWords.some((t) => t === w || (t.length >= 4 && closeEnough(w, t))));
    if (hits.length === typedWords.length) best = Math.max(best, 2 + hits.length / (targetWords.length + 10));
    else if (hits.length > 0) best = Math.max(best, hits.length / (typedWords.length + 1));
  }
  return best;
}

const NONE_WORDS = new Set(['0', 'cero', 'zero', 'ninguno', 'ninguna', 'nada', 'none', 'nothing', 'no', 'okenn', 'anyen', 'non', 'pa gen', 'pa genyen', 'ni uno', 'no tengo']);

/**
 * Understands a reply that may pick several options of a numbered menu: "1 3", "1,3", "1 y 3",
 * "photos and letter", or none ("0", "ninguno", "none", "okenn"). Undefined when it is not
 * understood or names a number outside the menu.
 *
 * @example recognizeMany('1 y 3', options) // ['letter', 'courses']
 */
export function recognizeMany(reply: string, options: readonly MenuOption[]): string[] | undefined {
  const typed = fold(reply);
  if (typed === '') return undefined;
  if (NONE_WORDS.has(typed)) return [];
  const chosen = new Set<string>();
  const numbers = typed.match(/\d+/g);
  if (numbers) {
    for (const n of numbers.map(Number)) {
      if (n === 0 && numbers.length === 1) return [];
      const option = options[n - 1];
      if (!option) return undefined;
      chosen.add(option.id);
    }
    return options.filter((o) => chosen.has(o.id)).map((o) => o.id);
  }
  for (const part of typed.split(/\s*(?:,|;|\by\b|\band\b|\bak\b|\bepi\b|\be\b)\s*/)) {
    if (part === '') continue;
    const one = recognizeChoice(part, options);
    if (!one.ok) return undefined;
    chosen.add(one.id);
  }
  return chosen.size > 0 ? options.filter((o) => chosen.has(o.id)).map((o) => o.id) : undefined;
}
