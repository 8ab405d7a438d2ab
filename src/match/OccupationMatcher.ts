import { editDistance } from '../language/text.js';
import { LANGUAGES, type Language, type Occupation } from '../catalog/schema.js';
import type { RenecStandard } from '../catalog/tsv.js';
import { appendTo, contentWords, keySimilarity, KeyNeighbours, phoneticKey, stem, TYPO_SIMILARITY } from './tokens.js';

/**
 * From a worker's own words to ranked occupations: a deterministic, offline matcher.
 *
 * Every occupation is a set of phrases (its names and terms in three languages, weight 1; what
 * people say they do in it, weight 0.6), each reduced to matching keys (phonetic, stemmed:
 * see tokens.ts). A phrase scores when the worker's words cover it, exactly or within a typo,
 * weighted by how specific its words are (inverse document frequency over occupations: "bloque"
 * says mason, "obra" says little). An occupation's score is its best phrase plus a share of the
 * next ones, so "pegando block en la obra" beats a lone "obra". Each result carries the evidence it
 * rests on, and the bot is given only plausible trades (see `plausible`: the calibration rule).
 */

const TERM_WEIGHT = 1;
const TASK_WEIGHT = 0.6;
/** Longest description considered, in content words. */
const MAX_WORDS = 40;

interface Phrase {
  keys: string[];
  /** Each key's word before stemming (its phonetic spelling): "camionero" for the key "kamion". */
  forms: string[];
  weight: number;
  /** The language the phrase is written in, when known. */
  lang?: Language;
}

/**
 * Phrases of another language than the description's weigh this much: "frizè" (Creole, a
 * freezer) and "frisar" (Spanish, to plaster) share a key, and the language decides.
 */
const OTHER_LANGUAGE = 0.85;

interface Entry<T> {
  item: T;
  phrases: Phrase[];
}

export interface Ranked<T> {
  item: T;
  /** 0–1: how strongly the words point to it (1 − e^(−raw/2)); comparable within one query. */
  score: number;
  raw: number;
  /** What the score rests on (see {@link Evidence}). */
  evidence: Evidence;
}

/**
 * What a ranked item's score rests on, for the calibration rule.
 * @example "albañil" → { named: true, taskWords: 0 }; "pego block" → { named: false, taskWords: 2 }
 */
export interface Evidence {
  /** A name or term of the item is in the description, whole: exactly, within a typo, or a long stem. */
  named: boolean;
  /** Words of the description explained by whole task phrases (TASK_WEIGHT) of the item. */
  taskWords: number;
  /** Content words of the description that no phrase of the item touches, even in part. */
  unexplained: number;
  /** Of those, words no item of the index knows at all ("tapicero", "bisiklèt"): signs of other work. */
  unknown: number;
}

/** A phrase-weighted index over any items (curated occupations, or registry standards). */
export class PhraseIndex<T> {
  private readonly idf = new Map<string, number>();
  private readonly vocabulary: string[];
  private readonly known: Set<string>;
  private readonly neighbours: KeyNeighbours;

  /** Per entry, the words of its task phrases (plural removed): what is context for it. */
  private readonly taskForms: Array<Set<string>>;
  /** Per vocabulary key, the entries with a phrase that holds it (ascending): only those can score. */
  private readonly postings = new Map<string, number[]>();

  constructor(private readonly entries: Array<Entry<T>>) {
    this.taskForms = entries.map((e) => new Set(e.phrases.filter((p) => p.weight < TERM_WEIGHT).flatMap((p) => p.forms.map(singular))));
    const df = new Map<string, number>();
    entries.forEach((e, n) => {
      for (const key of new Set(e.phrases.flatMap((p) => p.keys))) {
        df.set(key, (df.get(key) ?? 0) + 1);
        appendTo(this.postings, key, n);
      }
    });
    for (const [key, n] of df) this.idf.set(key, Math.log(1 + entries.length / n));
    this.vocabulary = [...df.keys()];
    this.known = new Set(this.vocabulary);
    this.neighbours = new KeyNeighbours(this.vocabulary);
  }

  /** Every matching key of the index's phrases. */
  get keys(): readonly string[] {
    return this.vocabulary;
  }

  static phrase(text: string, weight: number, lang?: Language): Phrase | undefined {
    const { keys, forms } = keyed(text);
    return keys.length > 0 ? { keys, forms, weight, ...(lang ? { lang } : {}) } : undefined;
  }

  /**
   * Items the text points to, best first; only those within `relative` of the best. With the
   * description's `language`, phrases of the other languages weigh a little less. With
   * `plausibleOnly`, only items whose evidence passes {@link plausible} (`oddJobs`: the
   * description says odd jobs).
   */
  rank(
    text: string,
    {
      limit = 3,
      relative = 0.35,
      minRaw = 1.2,
      language,
      plausibleOnly = false,
      oddJobs = false,
    }: { limit?: number; relative?: number; minRaw?: number; language?: Language; plausibleOnly?: boolean; oddJobs?: boolean } = {},
  ): Array<Ranked<T>> {
    const { keys: queryKeys, forms: queryForms } = keyed(text, MAX_WORDS);
    if (queryKeys.length === 0) return [];
    // Best similarity of each vocabulary key to a query key, and which query key (most keys: none).
    const hit = new Map<string, { sim: number; q: number }>();
    // Only the keys that can be like a query key (KeyNeighbours), each compared with every query key.
    const near = new Set<string>();
    for (const q of queryKeys) for (const v of this.neighbours.candidates(q)) near.add(v);
    for (const v of near) {
      let bestSim = 0;
      let bestQ = -1;
      for (let i = 0; i < queryKeys.length; i++) {
        const q = queryKeys[i]!;
        const sim = keySimilarity(q, v);
        // A word the index knows as written is not a typo of another ("mason" is not "meson").
        if (sim === TYPO_SIMILARITY && this.known.has(q)) continue;
        if (sim > bestSim) {
          bestSim = sim;
          bestQ = i;
        }
      }
      if (bestSim > 0) hit.set(v, { sim: bestSim, q: bestQ });
    }
    if (hit.size === 0) return [];
    const knownWords = new Set([...hit.values()].map((h) => h.q));

    const scored: Array<Ranked<T>> = [];
    // Only entries with a phrase holding a key the description hit can score; in catalog order,
    // as the stable sort below needs. Most of the catalog's entries are never looked at (a
    // description hits a few dozen of its thousands of phrases).
    const candidates = new Set<number>();
    for (const key of hit.keys()) for (const n of this.postings.get(key)!) candidates.add(n);
    for (const n of [...candidates].sort((a, b) => a - b)) {
      const entry = this.entries[n]!;
      let matches: Array<{ score: number; covers: Set<number> }> | undefined;
      let named = false;
      let taskCovers: Set<number> | undefined;
      for (const p of entry.phrases) {
        let simSum = 0;
        let idfSum = 0;
        let covers: Set<number> | undefined;
        let matched = 0;
        // Whether each word matched to a name or term names the trade (see isName).
        let asName = true;
        for (let i = 0; i < p.keys.length; i++) {
          const k = p.keys[i]!;
          const h = hit.get(k);
          // Typos are forgiven in names ("carpitero"), not in task words, where they mostly find noise.
          if (h === undefined || (h.sim === TYPO_SIMILARITY && p.weight < TERM_WEIGHT)) continue;
          // A task word of another language than the description's counts only as written: English
          // "call" keys like Creole "kay" (house), a mason's task; Spanish "cerámica" in Creole still counts.
          if (p.weight < TERM_WEIGHT && language !== undefined && p.lang !== undefined && p.lang !== language && singular(queryForms[h.q]!) !== singular(p.forms[i]!)) continue;
          matched += 1;
          simSum += h.sim;
          idfSum += this.idf.get(k) ?? 0;
          (covers ??= new Set<number>()).add(h.q);
          const word = queryForms[h.q]!;
          if (p.weight >= TERM_WEIGHT) {
            // In another language than the description's, only the word itself names the trade ("taller" is not "tailleur").
            const foreign = language !== undefined && p.lang !== undefined && p.lang !== language;
            if (foreign ? singular(word) !== singular(p.forms[i]!) : !isName(word, queryKeys[h.q]!, p.forms[i]!, k, this.taskForms[n]!)) asName = false;
          }
        }
        if (matched === 0 || covers === undefined) continue;
        if (matched === p.keys.length) {
          if (p.weight < TERM_WEIGHT) for (const q of covers) (taskCovers ??= new Set<number>()).add(q);
          else if (asName) named = true;
        }
        const meanSim = simSum / matched;
        const meanIdf = idfSum / matched;
        const weight = p.weight * (language && p.lang && p.lang !== language ? OTHER_LANGUAGE : 1);
        const score =
          matched === p.keys.length
            ? weight * meanSim * meanIdf * (1 + 0.5 * (covers.size - 1))
            : weight * 0.35 * (matched / p.keys.length) * meanSim * meanIdf;
        (matches ??= []).push({ score, covers });
      }
      if (matches === undefined) continue;
      // The best phrase counts in full; others add 40% each, but only for words of the
      // description not yet explained — five phrases that all say "machine" count once.
      matches.sort((a, b) => b.score - a.score);
      const covered = new Set<number>();
      let raw = 0;
      for (const m of matches) {
        const fresh = [...m.covers].filter((q) => !covered.has(q));
        if (fresh.length === 0) continue;
        raw += (covered.size === 0 ? 1 : 0.4) * m.score * (fresh.length / m.covers.size);
        for (const q of fresh) covered.add(q);
      }
      const touched = new Set(matches.flatMap((m) => [...m.covers]));
      const untouched = queryKeys.map((_, q) => q).filter((q) => !touched.has(q));
      const evidence = { named, taskWords: taskCovers?.size ?? 0, unexplained: untouched.length, unknown: untouched.filter((q) => !knownWords.has(q)).length };
      scored.push({ item: entry.item, raw, score: round(1 - Math.exp(-raw / 2)), evidence });
    }
    // Stable: equal scores keep catalog order (the more common trade first).
    scored.sort((a, b) => b.raw - a.raw);
    const best = scored[0]?.raw ?? 0;
    return scored.filter((s) => s.raw >= minRaw && s.raw >= relative * best && (!plausibleOnly || plausible(s.evidence, { oddJobs }))).slice(0, limit);
  }
}

/**
 * The calibration rule: whether a ranked trade is plausible enough to ask "did you mean …?".
 * Every trade the bot gets back is proposed, so a trade that rests on one generic context word
 * ("camión", "muebles", "cortando", "pinto": things, places, actions many kinds of work share)
 * must not come back at all. A trade is plausible when the description
 * - names it: a name or term of the trade is in it, written as such (see `isName`: "camionero"
 *   names truck driving, "camión" does not); or
 * - says two of its tasks' words ("pego block", "cortar racimos"); or
 * - says one, and the description is about nothing else: at most one other word, one the catalog
 *   knows ("costura", "trabajo en construcción", "m fè kouran nan kay"; not "tapicero de
 *   muebles", where "tapicero" is unknown, nor "zapatero … pinto zapatos").
 * When the worker says they do odd jobs ("chiripero", "odd jobs", "ti djòb": `saysOddJobs`), the
 * last case does not apply: one task word does not make an odd-jobs worker a tradesperson.
 *
 * Chosen on the development sets (test/eval/occupations-dev.tsv, unknown-trades-dev.tsv) over a
 * score threshold: scores of right and wrong single-word proposals overlap (0.48–0.88 both), while
 * what the evidence is separates them. No score threshold is applied beyond the ranking's own.
 * @example plausible({ named: false, taskWords: 1, unexplained: 3, unknown: 2 }) === false
 */
export function plausible(e: Evidence, { oddJobs = false }: { oddJobs?: boolean } = {}): boolean {
  if (e.named || e.taskWords >= 2) return true;
  return !oddJobs && e.taskWords === 1 && e.unknown === 0 && e.unexplained <= 1;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** A text's distinct matching keys, each with the phonetic spelling of its first word. */
function keyed(text: string, max = Infinity): { keys: string[]; forms: string[] } {
  const keys: string[] = [];
  const forms: string[] = [];
  for (const word of contentWords(text).slice(0, max)) {
    const form = phoneticKey(word);
    const key = stem(form);
    if (keys.includes(key)) continue;
    keys.push(key);
    forms.push(form);
  }
  return { keys, forms };
}

const singular = (form: string) => form.replace(/e?s$/, '');

/**
 * Whether a word of the description, matched to a word of a name or term, says the trade: the
 * same word (but for a plural), or the same stem when that stem is not one of the trade's task
 * words too. The stemmer joins "camionero" (the trade) and "camión" (a thing, a task word of
 * truck drivers), "cajero" and "cajas", "mueblero" and "muebles", "driver" and "drive": those
 * are context, not a name; "bartending" and "albañi" still name theirs. A key under four
 * letters must be the word itself ("vacas" is not "hvac"); a short stem of a long name is not
 * it ("fábrica" is not "fabricator").
 * @example isName('kamion', 'kamion', 'kamionero', 'kamion', tasksOfTruckDrivers) === false
 */
function isName(word: string, key: string, termWord: string, termKey: string, taskForms: ReadonlySet<string>): boolean {
  if (singular(word) === singular(termWord)) return true;
  const shorter = Math.min(key.length, termKey.length);
  const longer = Math.max(key.length, termKey.length);
  // A stem that is most of the name ("alban" of "albanil"), or a typo ("albanir"); a longer
  // word that starts with a name is another word ("camaronero" is not "camarero").
  if (key.startsWith(termKey) && key !== termKey) return false;
  const prefix = termKey.startsWith(key);
  const close = key === termKey || (prefix ? shorter >= 5 && shorter / longer >= 0.7 : shorter >= 5);
  // And the words as written stay close: "guardería" and "guarda" share the stem "guard".
  const [a, b] = [singular(word), singular(termWord)];
  const apart = editDistance(a, b, 3);
  return shorter >= 4 && close && !taskForms.has(a) && apart <= 3 && apart < Math.min(a.length, b.length) / 2;
}

/** The index over the curated occupations: names and terms weigh 1, tasks 0.6. */
export function occupationIndex(occupations: readonly Occupation[]): PhraseIndex<Occupation> {
  return new PhraseIndex(
    occupations.map((o) => ({
      item: o,
      phrases: LANGUAGES.flatMap((lang) => [
        ...[o.name[lang], ...o.terms[lang]].map((t) => PhraseIndex.phrase(t, TERM_WEIGHT, lang)),
        ...o.tasks[lang].map((t) => PhraseIndex.phrase(t, TASK_WEIGHT, lang)),
      ]).filter((p): p is Phrase => p !== undefined),
    })),
  );
}

/**
 * The index over Mexico's RENEC registry: each standard's occupations (as names) and the words
 * of its title (as tasks). Spanish only, as the registry is.
 */
export function renecIndex(standards: readonly RenecStandard[]): PhraseIndex<RenecStandard> {
  return new PhraseIndex(
    standards.map((s) => ({
      item: s,
      phrases: [
        ...s.occupations.map((o) => PhraseIndex.phrase(o, TERM_WEIGHT)),
        // Titles are long ("Realizar trabajos de albañilería en obra negra de edificación"): each word counts alone.
        ...s.title.split(/\s+/).map((word) => PhraseIndex.phrase(word, TASK_WEIGHT)),
      ].filter((p): p is Phrase => p !== undefined),
    })),
  );
}
