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

/**
 * Optimal-string-alignment distance (Levenshtein with transpositions), bounded:
 * returns max + 1 as soon as the distance must exceed max.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push(new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number): number => rows[i]![j]!;
  for (let i = 0; i <= a.length; i++) rows[i]![0] = i;
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      rows[i]![j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return at(a.length, b.length);
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
