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

/**
 * Septets per UTF-16 code unit: 1 for the basic table, 2 for the extension (escape + character),
 * 0 for a code unit GSM-7 cannot carry (surrogates included: no emoji is GSM-7). Every GSM-7
 * character is one code unit, so one table lookup per unit answers both questions; a reply is
 * counted without building an array of its characters (issue 13: a turn counts its replies).
 */
const SEPTETS = new Uint8Array(0x10000);
for (const ch of GSM7_BASIC) SEPTETS[ch.charCodeAt(0)] = 1;
for (const ch of GSM7_EXTENSION) SEPTETS[ch.charCodeAt(0)] = 2;

export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) in the whole message. */
  units: number;
  segments: number;
}

export function isGsm7(text: string): boolean {
  return septetsOf(text) >= 0;
}

export function countSegments(text: string): SegmentCount {
  if (text.length === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
  const septets = septetsOf(text);
  if (septets >= 0) return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : pack(text, true) };
  // UCS-2: a character outside the BMP (most emoji) takes two code units that cannot be split.
  return { encoding: 'UCS-2', units: text.length, segments: text.length <= 70 ? 1 : pack(text, false) };
}

/** The message's septets in GSM-7, or -1 when it holds a character GSM-7 cannot carry. */
function septetsOf(text: string): number {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const size = SEPTETS[text.charCodeAt(i)]!;
    if (size === 0) return -1;
    septets += size;
  }
  return septets;
}

/**
 * Greedy packing of indivisible characters into parts of 153 septets (GSM-7) or 67 code units
 * (UCS-2), as handsets and carriers split them: an escape pair or a surrogate pair (an emoji)
 * never straddles two parts. Called only for a message longer than one part.
 */
function pack(text: string, gsm7: boolean): number {
  const perPart = gsm7 ? 153 : 67;
  let parts = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const size = gsm7 ? SEPTETS[text.charCodeAt(i)]! : isSurrogatePair(text, i) ? 2 : 1;
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
    if (!gsm7) i += size - 1;
  }
  return parts;
}

function isSurrogatePair(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
