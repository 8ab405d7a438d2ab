/**
 * SMS segment counting (GSM 03.38 and UCS-2), as carriers and Twilio bill it.
 *
 * @example countSegments('Hola').segments === 1
 * @example countSegments('a'.repeat(161)).segments === 2        // 153 septets per part
 * @example countSegments('á'.repeat(71)).encoding === 'UCS-2'   // 70 / 67 per part
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const BASIC = new Set([...GSM7_BASIC]);
const EXTENSION = new Set([...GSM7_EXTENSION]);

export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) in the whole message. */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

export function countSegments(text: string): SegmentCount {
  if (text.length === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
  if (isGsm7(text)) {
    const sizes = [...text].map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', units: sum(sizes), segments: pack(sizes, 160, 153) };
  }
  // UCS-2: a character outside the BMP (most emoji) takes two code units that cannot be split.
  const sizes = [...text].map((ch) => ch.length);
  return { encoding: 'UCS-2', units: sum(sizes), segments: pack(sizes, 70, 67) };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Greedy packing of indivisible characters into parts, as handsets and carriers split them. */
function pack(sizes: number[], single: number, perPart: number): number {
  const total = sum(sizes);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}
