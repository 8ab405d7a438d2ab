import { describe, expect, it } from 'vitest';
import { countSegments, isGsm7 } from '../../src/channels/segments.js';
import { renderForChannel, splitLong, toSmsText } from '../../src/channels/render.js';

describe('countSegments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1],
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['ñÑüéèàò¿¡'.repeat(10), 'GSM-7', 90, 1],
    ['á'.repeat(70), 'UCS-2', 70, 1],
    ['á'.repeat(71), 'UCS-2', 71, 2],
    ['á'.repeat(134), 'UCS-2', 134, 2],
    ['á'.repeat(135), 'UCS-2', 135, 3],
    ['😀'.repeat(35), 'UCS-2', 70, 1],
    ['😀'.repeat(36), 'UCS-2', 72, 2],
  ])('counts %#: %s…', (text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });

  it('never splits an escape pair or a surrogate pair across parts', () => {
    // 152 plain septets then '€' (2 septets) cannot fit in the 153 of part one.
    expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(10)).segments).toBe(2);
    expect(countSegments('a'.repeat(152) + '€' + 'a'.repeat(152)).segments).toBe(3);
    expect(countSegments('á'.repeat(66) + '😀' + 'á'.repeat(66)).segments).toBe(3);
  });

  it('knows which characters are GSM-7', () => {
    expect(isGsm7('Mèsi, ou ka ekri ÈD nenpòt lè')).toBe(false); // È is not in GSM-7
    expect(isGsm7('Mèsi, ou ka ekri ED nenpòt lè')).toBe(true);
    expect(isGsm7('¿Qué haces? Niño')).toBe(true);
    expect(isGsm7('Está')).toBe(false);
  });
});

/** The counting as written first, per character with sets: the oracle for the table-driven one. */
function reference(text: string): { encoding: string; units: number; segments: number } {
  const basic = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà']);
  const extension = new Set([...'^{}\\[~]|€\f']);
  if (text.length === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
  const chars = [...text];
  const gsm = chars.every((ch) => basic.has(ch) || extension.has(ch));
  const sizes = chars.map((ch) => (gsm ? (extension.has(ch) ? 2 : 1) : ch.length));
  const [single, perPart] = gsm ? [160, 153] : [70, 67];
  const units = sizes.reduce((a, b) => a + b, 0);
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: units <= single ? 1 : parts };
}

describe('countSegments against the per-character reference', () => {
  it('agrees on 5,000 random messages of GSM-7, its extension, accents, emoji and lone surrogates', () => {
    const pieces = ['a', 'Z', ' ', '\n', '¿', 'ñ', 'é', '€', '[', '^', '\f', 'á', 'ò', 'È', '😀', '\ud83d', '\ude00', '“', 'ç', 'Ç', '\u001b'];
    let seed = 13;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const differences: string[] = [];
    for (let n = 0; n < 5000; n++) {
      // Half GSM-7 only (the first eleven pieces), half anything; up to four parts long.
      const plain = random() < 0.5;
      const length = Math.floor(random() * 480);
      let text = '';
      for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * (plain ? 11 : pieces.length))]!;
      const [got, want] = [countSegments(text), reference(text)];
      if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} against ${JSON.stringify(want)}`);
      expect(isGsm7(text)).toBe(want.encoding === 'GSM-7');
    }
    expect(differences.slice(0, 3)).toEqual([]);
  });
});

describe('renderForChannel', () => {
  it('folds á í ó ú and drops *bold* on SMS only', () => {
    expect(toSmsText('*Menú*: ¿Cuál opción? Sí')).toBe('Menu: ¿Cual opcion? Si');
    expect(toSmsText('Ekri ÈD oswa KÒMANSE, mèsi')).toBe('Ekri ED oswa KOMANSE, mèsi');
    expect(toSmsText('«competente» – “sí”')).toBe('"competente" - "si"');
    expect(isGsm7(toSmsText('Ekri ÈD oswa KÒMANSE, mèsi'))).toBe(true);
    const [wa] = renderForChannel(['*Menú*: ¿Cuál opción?'], 'whatsapp');
    expect(wa?.body).toBe('*Menú*: ¿Cuál opción?');
    expect(wa?.segments).toBeUndefined();
  });

  it('joins one turn into as few SMS as fit in 1,600 characters and counts segments', () => {
    const out = renderForChannel(['Hola', 'Elige:\n1. Sí\n2. No'], 'sms');
    expect(out).toEqual([{ body: 'Hola\n\nElige:\n1. Si\n2. No', segments: { encoding: 'GSM-7', units: 24, segments: 1 } }]);
    const long = renderForChannel(['a'.repeat(1000), 'b'.repeat(1000)], 'sms');
    expect(long.map((m) => m.body.length)).toEqual([1000, 1000]);
  });

  it('keeps WhatsApp messages separate and never over 1,600 characters', () => {
    const out = renderForChannel(['uno', 'dos', ('palabra '.repeat(400)).trim()], 'whatsapp');
    expect(out.map((m) => m.body.length)).toEqual([3, 3, 1599, 1599]);
    for (const m of out) expect(m.body.length).toBeLessThanOrEqual(1600);
    expect(splitLong('x'.repeat(3300)).map((p) => p.length)).toEqual([1600, 1600, 100]);
  });
});
