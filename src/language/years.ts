import { cardinalOfWord } from './numberWords.js';
import { fold } from './text.js';

/** Number words beyond the menu's 1–20: articles ("a year", "yon an") and tens. */
const MORE_WORDS = new Map<string, number>(
  Object.entries({ a: 1, an: 1, yon: 1, treinta: 30, thirty: 30, trant: 30, cuarenta: 40, forty: 40, karant: 40 }),
);
const wordValue = (w: string): number | undefined => cardinalOfWord(w) ?? MORE_WORDS.get(w);

const YEAR_WORDS = /^(anos?|anyos|años|years?|yrs?|yr|lane|ane|lanne|an|ans|ann)$/;
const MONTH_WORDS = /^(mes|meses|months?|mwa|mois)$/;
const SINCE_WORDS = /^(desde|since|depi|from|dese|dispi)$/;
/** Words that say "less than a year". */
const NONE = /^(nada|nunca|never|jamas|none|non|pa)$/;

/**
 * Years of experience in a reply: "5", "cinco", "senk", "5 años", "8 lane", "since 2019",
 * "desde el 2019", "6 meses" (0.5). Undefined when no amount is given.
 *
 * @example parseYears('trabajé 8 años pegando block', 2026) === 8
 * @example parseYears('depi 2019', 2026) === 7
 */
export function parseYears(text: string, currentYear: number): number | undefined {
  const words = fold(text).split(' ').filter((w) => w !== '');
  const valueAt = (i: number): number | undefined => {
    const w = words[i];
    if (w === undefined) return undefined;
    if (/^\d{1,2}$/.test(w)) return Number(w);
    if (/^\d{1,2}(anos|years|yrs|lane|ane)$/.test(w)) return Number(w.replace(/\D/g, ''));
    return wordValue(w);
  };
  // "since 2019", "desde el 2019", "depi 2019", or a year alone.
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (/^(19|20)\d{2}$/.test(w)) {
      const year = Number(w);
      const since = words.slice(Math.max(0, i - 2), i).some((x) => SINCE_WORDS.test(x));
      if (year <= currentYear && (since || words.length === 1)) return currentYear - year;
    }
  }
  // "<n> years" / "<n> months"; a number word must sit next to its unit ("un" alone is not a year).
  for (let i = 0; i < words.length; i++) {
    const n = valueAt(i);
    if (n === undefined) continue;
    const next = words[i + 1] ?? '';
    if (YEAR_WORDS.test(next) || /^\d{1,2}(anos|years|yrs|lane|ane)$/.test(words[i]!)) return n;
    if (MONTH_WORDS.test(next)) return Math.round((n / 12) * 10) / 10;
  }
  // A bare number is an answer to "how many years?": "5", "cinco", "senk".
  if (words.length <= 2) {
    const n = words.map((_, i) => (/^\d{1,2}$/.test(words[i]!) || (wordValue(words[i]!) !== undefined && words[i]!.length > 2) ? valueAt(i) : undefined)).find((x) => x !== undefined);
    if (n !== undefined) return n;
    if (words.some((w) => NONE.test(w)) || words.some((w) => MONTH_WORDS.test(w))) return 0;
  }
  return undefined;
}
