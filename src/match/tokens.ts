import { editDistance, fold } from '../language/text.js';

/**
 * Turning what workers type into comparable tokens, for the occupation matcher and the
 * language detector. Deterministic and offline.
 *
 * A token has three forms: the folded word ("pegando"), and the matching key: a rough phonetic
 * spelling that makes Spanish, English, official and older French-influenced Haitian Creole
 * spellings meet ("maçon" and "mason" → "mason", "électricien" and "elektrisyen" → "elektrisien"),
 * then lightly stemmed ("pegando", "pegar", "pegue" → "peg").
 */

/** SMS shorthand, whole words only (folded). */
const SMS = new Map<string, string>(Object.entries({
  q: 'que', k: 'que', ke: 'que', x: 'por', xq: 'porque', pq: 'porque', porq: 'porque', tb: 'tambien', tmb: 'tambien',
  d: 'de', dl: 'del', bn: 'bien', mxo: 'mucho', tbj: 'trabajo', trab: 'trabajo', trabj: 'trabajo', yrs: 'years', yr: 'year',
  u: 'you', ur: 'your', r: 'are', n: 'and', im: 'i am', ive: 'i have', wrk: 'work', exp: 'experience', pls: 'please',
  m: 'mwen', mw: 'mwen', w: 'ou', map: 'mwen ap', kap: 'ki ap', mte: 'mwen te', konn: 'konnen', fem: 'fe mwen',
}));

/** Words that say nothing about a trade, in the three languages (folded). */
const STOP = new Set(
  [
    // es
    'a al algo como con de del desde el ella en es esta estoy fue fui hace hago he la las le lo los mas me mi mis muy no o para pero por porque que se ser si sin sobre soy su sus tambien tengo todo trabajo trabaje trabajaba trabajar trabajando trabaja un una unos uno y ya yo anos ano años meses mes experiencia oficio hice hacer hacia cosas aqui alla ahi bien mucho poco tiempo vez veces casi mas menos pais empresa compañia compania puedo quiero necesito certificado certificar certificacion titulo ayudar ayuda hola buenas buenos dias tardes noches gracias señor senor senora esto eso este ese esa estos esos cual cuales cuanto cuanta cuantos cuesta cuestan costo donde queda cuando quien quienes porque pues entonces asi ok okay vale dale claro bueno hay tiene tienen tenia puede pueden saber se sabe nada nadie otro otra otros mismo cada solo sola',
    // en
    'a an and are as at be been but by did do doing done for from had has have i in is it its me my of on or so that the their them there they this to was we were what when where with work worked working works job jobs year years month months experience also im ive just like some lot lots about around hello hi good thanks please want need get got am how much cost costs does which who why will would could should can cant dont not no yes ok okay thing things know one any all more',
    // ht
    'a ak an ap apre avan bay byen de deja depi e epi fe fè gen genyen la lan li lè le mwen m nan ni non nou ou pa pou sa se si sou te tou travay travayi ki kote konnen konn yo yon youn ane lane lanne mwa eksperyans kom kòm tankou anpil ti gran bonjou bonswa mesi tanpri kounye kounya kapab kab vle bezwen konbyen koute kisa kiyes kilè poukisa kijan kouman wi oke sak pase gade ede',
  ]
    .join(' ')
    .split(' '),
);

export function isStopWord(folded: string): boolean {
  return STOP.has(folded);
}

/** Creole words often written in two ("ti moun"), joined as the official spelling writes them. */
const JOINED = new Map<string, string>([
  ['ti moun', 'timoun'],
  ['ti bebe', 'tibebe'],
  ['gran moun', 'granmoun'],
]);

/** Folded words with SMS shorthand expanded and repeated letters squeezed ("albañiiil" → "albanil"). */
export function normalizedWords(text: string): string[] {
  // ç and ñ carry sound: keep them apart from c and n before folding removes the marks.
  const pre = text.replace(/[çÇ]/g, 's');
  const out: string[] = [];
  for (const raw of fold(pre).split(' ')) {
    if (raw === '') continue;
    const squeezed = raw.replace(/(\p{L})\1{2,}/gu, '$1');
    const expanded = SMS.get(squeezed) ?? squeezed;
    out.push(...expanded.split(' '));
  }
  for (let i = out.length - 2; i >= 0; i--) {
    const joined = JOINED.get(`${out[i]} ${out[i + 1]}`);
    if (joined) out.splice(i, 2, joined);
  }
  return out;
}

/**
 * The word a stretched spelling stands for, when `known` knows it: "holaa" → "hola", "hii" → "hi",
 * "bonjouu" → "bonjou", "graciass" → "gracias". Letters written three times or more are squeezed
 * already (`normalizedWords`); a letter written twice is a real spelling too ("konn", "staff",
 * "perro"), so this is only a fallback for words `known` does not know as written, and only the
 * final double is undone unless `anywhere` ("hoola" → "hola": for language identification, where
 * any known word of the same language is the right answer, but not for stop words, where "perro"
 * would become "pero").
 * @example destretched('holaa', (w) => w === 'hola') === 'hola'
 */
export function destretched(word: string, known: (w: string) => boolean, { anywhere = false }: { anywhere?: boolean } = {}): string | undefined {
  if (known(word)) return word;
  const candidates: string[] = [];
  const final = /(\p{L})\1$/u.exec(word);
  if (final) candidates.push(word.slice(0, -1));
  if (anywhere) for (const m of word.matchAll(/(\p{L})\1/gu)) candidates.push(word.slice(0, m.index) + word.slice(m.index + 1));
  // A single letter left is not the word ("mm" is not "m").
  return candidates.find((c) => c.length >= 2 && known(c));
}

/** Content words of a text: normalised, stop words (also stretched: "holaa", "mesii") and bare numbers removed. */
export function contentWords(text: string): string[] {
  return normalizedWords(text).filter((w) => destretched(w, isStopWord) === undefined && !/^\d+$/.test(w));
}

/**
 * A rough phonetic key shared by the three languages' spellings of the same word.
 * @example phoneticKey('electricien') === phoneticKey('elektrisyen')
 */
export function phoneticKey(word: string): string {
  let k = word;
  k = k.replace(/ph/g, 'f').replace(/th/g, 't');
  k = k.replace(/sch|sh|ch/g, 'x');
  k = k.replace(/qu/g, 'k').replace(/c(?=[eiy])/g, 's').replace(/c/g, 'k').replace(/q/g, 'k');
  // A soft g is Creole's j: "ménagère" ~ "menajè", "garaje" ~ "garaj".
  k = k.replace(/gu(?=[ei])/g, 'g').replace(/g(?=[ei])/g, 'j');
  k = k.replace(/ll/g, 'y').replace(/z/g, 's').replace(/v/g, 'b');
  k = k.replace(/eau|au/g, 'o').replace(/ou/g, 'u').replace(/w/g, 'u');
  k = k.replace(/y(?=[aeiou])/g, 'i').replace(/y/g, 'i');
  k = k.replace(/h/g, '');
  k = k.replace(/(.)\1+/g, '$1');
  return k === '' ? word : k;
}

// Endings removed for matching, longest first.
const SUFFIXES = [
  'amientos', 'imientos', 'amiento', 'imiento', 'aciones', 'iciones', 'andose', 'iendose',
  'acion', 'icion', 'sion', 'xion', 'siones', 'ando', 'iendo', 'ados', 'adas', 'idos', 'idas', 'eria', 'erias', 'ería',
  'eros', 'eras', 'ero', 'era', 'ista', 'istas', 'ador', 'adora', 'adores', 'edor', 'edora',
  'ing', 'ings', 'ers', 'ed', 'er', 'es', 'ar', 'er', 'ir', 'ado', 'ada', 'ido', 'ida', 'as', 'os', 'is', 'us', 'e', 'a', 'o', 's', 'i', 'u',
].sort((a, b) => b.length - a.length);

/** The key with a common inflection ending removed. */
export function stem(key: string): string {
  for (const suffix of SUFFIXES) {
    // A one-letter ending goes only when four letters stay ("chofe" keeps its e; "pintura" → "pintur").
    const keep = suffix.length === 1 ? 4 : 3;
    if (key.length - suffix.length >= keep && key.endsWith(suffix)) return key.slice(0, -suffix.length);
  }
  return key;
}

/** The matching form of a folded word. */
export function matchKey(word: string): string {
  return stem(phoneticKey(word));
}

/**
 * How alike two matching keys are, 0–1: 1 the same; 0.55–0.85 when one starts the other (the
 * closer in length, the higher: "pint" ~ "pintor"); 0.75 within a typo (keys of 5–7 letters) or
 * two (8 or more); otherwise 0. Short keys must match exactly: "kok" (cook) is not "koktel".
 */
export const TYPO_SIMILARITY = 0.75;

export function keySimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  // A short prefix counts only when it is most of the word: "pint" ~ "pintor", but "maki"
  // (makiyèz) is not "makinaria"; five letters or more are a stem ("frieg" ~ "friegaplatos").
  const prefixOk = shorter >= 5 || (shorter === 4 && shorter / longer >= 0.6) || (shorter === 3 && longer === 4);
  if (prefixOk && (a.startsWith(b) || b.startsWith(a))) return 0.55 + (0.3 * shorter) / longer;
  const allowed = shorter <= 4 ? 0 : shorter <= 7 ? 1 : 2;
  if (allowed > 0 && editDistance(a, b, allowed) <= allowed) return TYPO_SIMILARITY;
  return 0;
}

/**
 * The keys of a vocabulary that can be similar to a query key (keySimilarity > 0), found without
 * comparing the query with every key: the same key; keys it is a prefix of (a range of the sorted
 * keys); its prefixes of three letters or more; and, for typos, keys that share a form with it
 * once one letter (two, for keys of eight or more) is deleted from each, which every key within
 * one edit or transposition (two, for two) of it does. A superset: callers still score each with
 * keySimilarity, so a ranking is the same as comparing every key, at a few dozen comparisons
 * instead of thousands (issue 13: the turn that reads a trade compared each word with 1,991 keys).
 */
export class KeyNeighbours {
  private readonly sorted: string[];
  private readonly known: Set<string>;
  /** A form of a key of 5 letters or more with at most one letter deleted → the keys it comes from. */
  private readonly oneDeleted = new Map<string, string[]>();
  /** A form of a key of 8 letters or more with at most two letters deleted → the keys it comes from. */
  private readonly twoDeleted = new Map<string, string[]>();

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    this.sorted = [...this.known].sort();
    for (const key of this.known) {
      if (key.length >= 5) for (const form of deletions(key, 1)) appendTo(this.oneDeleted, form, key);
      if (key.length >= 8) for (const form of deletions(key, 2)) appendTo(this.twoDeleted, form, key);
    }
  }

  /** Every key of the vocabulary whose keySimilarity to `query` may be above 0 (and some whose is not). */
  candidates(query: string): Set<string> {
    const found = new Set<string>();
    if (this.known.has(query)) found.add(query);
    // Keys that start with the query: from its place in the sorted keys on.
    if (query.length >= 3) {
      for (let i = lowerBound(this.sorted, query); i < this.sorted.length && this.sorted[i]!.startsWith(query); i++) found.add(this.sorted[i]!);
    }
    // The query's own prefixes that are keys.
    for (let n = 3; n < query.length; n++) {
      const prefix = query.slice(0, n);
      if (this.known.has(prefix)) found.add(prefix);
    }
    // Typos: a key and the query within one edit share a form with one letter deleted from each (or none).
    if (query.length >= 5) {
      for (const form of deletions(query, 1)) for (const key of this.oneDeleted.get(form) ?? []) found.add(key);
    }
    if (query.length >= 8) {
      for (const form of deletions(query, 2)) for (const key of this.twoDeleted.get(form) ?? []) found.add(key);
    }
    return found;
  }
}

/** The word and its forms with up to `most` letters deleted (each form once). */
function deletions(word: string, most: number): Set<string> {
  const forms = new Set<string>([word]);
  let last = [word];
  for (let round = 0; round < most; round++) {
    const next: string[] = [];
    for (const w of last) {
      for (let i = 0; i < w.length; i++) {
        const form = w.slice(0, i) + w.slice(i + 1);
        if (!forms.has(form)) {
          forms.add(form);
          next.push(form);
        }
      }
    }
    last = next;
  }
  return forms;
}

/** Adds `value` to the list `map` holds for `key` (a new list for a new key). */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The first index of `sorted` whose value is not below `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
