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
