import { fold } from './text.js';

/** Number words people use for years of experience, folded (es, en, ht with older spellings). */
const WORDS: Record<string, number> = {
  un: 1, uno: 1, una: 1, one: 1, a: 1, an: 1, en: 1, youn: 1, yon: 1,
  dos: 2, two: 2, de: 2, deux: 2, tres: 3, three: 3, twa: 3, trois: 3, cuatro: 4, four: 4, kat: 4, quatre: 4,
  cinco: 5, five: 5, senk: 5, sink: 5, cinq: 5, seis: 6, six: 6, sis: 6, siete: 7, seven: 7, set: 7, sept: 7,
  ocho: 8, eight: 8, uit: 8, wit: 8, huit: 8, nueve: 9, nine: 9, nef: 9, neuf: 9, diez: 10, ten: 10, dis: 10, dix: 10,
  once: 11, eleven: 11, onz: 11, doce: 12, twelve: 12, douz: 12, trece: 13, thirteen: 13, trez: 13,
  catorce: 14, fourteen: 14, katoz: 14, quince: 15, fifteen: 15, kenz: 15, veinte: 20, twenty: 20, ven: 20, vent: 20,
  treinta: 30, thirty: 30, trant: 30, cuarenta: 40, forty: 40, karant: 40,
};
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
    return WORDS[w];
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
    const n = words.map((_, i) => (/^\d{1,2}$/.test(words[i]!) || (WORDS[words[i]!] !== undefined && words[i]!.length > 2) ? valueAt(i) : undefined)).find((x) => x !== undefined);
    if (n !== undefined) return n;
    if (words.some((w) => NONE.test(w)) || words.some((w) => MONTH_WORDS.test(w))) return 0;
  }
  return undefined;
}
