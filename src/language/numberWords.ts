/**
 * Number words 1–20 as people type them in Spanish, English and Haitian Creole (folded: no accents).
 * Haitian Creole in both the official spelling and common older/French-influenced spellings.
 */
const NUMBER_WORDS: Record<number, string[]> = {
  1: ['uno', 'una', 'un', 'one', 'en', 'youn'],
  2: ['dos', 'two', 'de', 'deux'],
  3: ['tres', 'three', 'twa', 'trois'],
  4: ['cuatro', 'four', 'kat', 'quatre'],
  5: ['cinco', 'five', 'senk', 'sink', 'cinq'],
  6: ['seis', 'six', 'sis'],
  7: ['siete', 'seven', 'set', 'sept'],
  8: ['ocho', 'eight', 'uit', 'wit', 'huit'],
  9: ['nueve', 'nine', 'nef', 'neuf'],
  10: ['diez', 'ten', 'dis', 'dix'],
  11: ['once', 'eleven', 'onz', 'onze'],
  12: ['doce', 'twelve', 'douz', 'douze'],
  13: ['trece', 'thirteen', 'trez', 'treize'],
  14: ['catorce', 'fourteen', 'katoz', 'quatorze'],
  15: ['quince', 'fifteen', 'kenz', 'quinze'],
  16: ['dieciseis', 'sixteen', 'sez', 'seize'],
  17: ['diecisiete', 'seventeen', 'diset', 'disset'],
  18: ['dieciocho', 'eighteen', 'dizwit', 'dizuit'],
  19: ['diecinueve', 'nineteen', 'diznef'],
  20: ['veinte', 'twenty', 'ven', 'vent'],
};

/** Ordinals answer a menu ("la primera") but are not amounts. */
const ORDINALS: Record<number, string[]> = {
  1: ['primero', 'primera', 'first', 'premye'],
  2: ['second', 'segundo', 'segunda', 'dezyem'],
  3: ['third', 'tercero', 'tercera'],
};

const CARDINAL = new Map<string, number>();
for (const [n, list] of Object.entries(NUMBER_WORDS)) for (const w of list) CARDINAL.set(w, Number(n));
const BY_WORD = new Map(CARDINAL);
for (const [n, list] of Object.entries(ORDINALS)) for (const w of list) BY_WORD.set(w, Number(n));

/**
 * The amount a folded number word stands for ("cinco", "senk", "five"), 1–20; no ordinals.
 * @example cardinalOfWord('senk') === 5
 */
export function cardinalOfWord(folded: string): number | undefined {
  return CARDINAL.get(folded);
}

/**
 * The number a whole folded reply stands for: "2", "2.", "#2", "dos", "de", "opcion 2", "numero dos".
 * @example numberFromReply('opcion dos') === 2
 */
export function numberFromReply(folded: string): number | undefined {
  const stripped = folded.replace(/^(opcion|option|opsyon|numero|number|nimewo|no|num|el|la|the|op)\s+/, '').trim();
  if (/^\d{1,3}$/.test(stripped)) return Number(stripped);
  return BY_WORD.get(stripped);
}
