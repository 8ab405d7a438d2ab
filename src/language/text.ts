/** Pure helpers for reading what people type on cheap phones. */

/** Longest text we try to understand; the rest of a 1,600-character message is ignored for matching. */
export const MAX_MATCH_LENGTH = 300;

/**
 * Removes control and format characters, collapses white space and trims.
 * @example clean('  hola\u0000\n\n amigo ') === 'hola amigo'
 */
export function clean(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Lower-case, accents removed, emoji and punctuation turned into spaces: the form used for matching.
 * @example fold('¡Sí, ALBAÑIL! 👷') === 'si albanil'
 */
export function fold(text: string): string {
  return clean(text)
    .slice(0, MAX_MATCH_LENGTH)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Words of a folded text. */
export function words(text: string): string[] {
  const f = fold(text);
  return f === '' ? [] : f.split(' ');
}

/** The three rows of the distance table editDistance works in, reused from call to call (it runs synchronously). */
let rows = new Int32Array(3 * 64);

/**
 * Optimal-string-alignment distance (Levenshtein with transpositions), bounded:
 * returns max + 1 as soon as the distance must exceed max.
 * Keeps only the table's last three rows, in one buffer shared by every call: the occupation
 * matcher compares a description with every word of its vocabulary, and a table of fresh arrays
 * per comparison was most of what a turn that reads a trade allocated (issue 13: garbage collection).
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  if (rows.length < 3 * width) rows = new Int32Array(6 * width);
  const t = rows;
  for (let j = 0; j < width; j++) t[j] = j;
  let cur = 0;
  for (let i = 1; i <= a.length; i++) {
    // Row i at (i % 3) * width; rows i - 1 and i - 2 before it.
    const prev2 = cur === 0 ? 2 * width : cur - width;
    const prev = cur;
    cur = prev === 2 * width ? 0 : prev + width;
    t[cur] = i;
    let rowMin = Infinity;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < width; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(t[prev + j]! + 1, t[cur + j - 1]! + 1, t[prev + j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, t[prev2 + j - 2]! + 1);
      t[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return t[cur + width - 1]!;
}

/** How many typos we forgive in a word of this length. */
export function typoAllowance(length: number): number {
  if (length <= 3) return 0;
  if (length <= 6) return 1;
  return 2;
}

/** True when two folded strings are the same up to a few typos. */
export function closeEnough(typed: string, target: string): boolean {
  const allowed = typoAllowance(Math.min(typed.length, target.length));
  return editDistance(typed, target, allowed) <= allowed;
}
