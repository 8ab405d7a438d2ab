import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTimePreferences, type TimePreferences } from '../../src/language/timePreferences.js';

/** A Friday. Tomorrow is Saturday 21, next week is Monday 23 to Sunday 29. */
const FRIDAY = '2026-11-20';
/** A Wednesday two days before the year ends. */
const YEAR_END = '2026-12-30';
const NEXT_WEEK = '2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27 2026-11-28 2026-11-29';

/** A reading in one line: '-' (undefined), 'any', or dates, weekdays and parts in that order. */
function reading(text: string, today = FRIDAY): string {
  const r = parseTimePreferences(text, { today });
  if (r === undefined) return '-';
  if (r.any) return 'any';
  return [...r.dates, ...r.weekdays, ...r.parts].join(' ');
}

const SPANISH: Array<[text: string, expected: string]> = [
  ['mañana', '2026-11-21'],
  ['Mañana', '2026-11-21'],
  ['mñn', '2026-11-21'],
  ['en la mañana', 'morning'],
  ['por la mañana', 'morning'],
  ['de mañana', 'morning'],
  ['en las mañanas', 'morning'],
  ['mañana en la tarde', '2026-11-21 afternoon'],
  ['mañana x la tarde', '2026-11-21 afternoon'],
  ['mañana por la mañana', '2026-11-21 morning'],
  ['tarde', 'afternoon'],
  ['en la tarde', 'afternoon'],
  ['por la tarde', 'afternoon'],
  ['noche', 'evening'],
  ['de noche', 'evening'],
  ['hoy', '2026-11-20'],
  ['pasado mañana', '2026-11-22'],
  ['miercoles', 'wed'],
  ['miércoles', 'wed'],
  ['sábado', 'sat'],
  ['los martes', 'tue'],
  ['lunes o martes', 'mon tue'],
  ['de lunes a viernes', 'mon tue wed thu fri'],
  ['entre semana', 'mon tue wed thu fri'],
  ['fin de semana', 'sat sun'],
  ['viernes en la tarde', 'fri afternoon'],
  ['lunes o miércoles en la tarde', 'mon wed afternoon'],
  // The honest simple thing: the union, parts apply to both days.
  ['viernes en la tarde o sábado en la mañana', 'fri sat morning afternoon'],
  ['el lunes temprano', 'mon morning'],
  ['en la madrugada', 'morning'],
  ['el 12', '2026-12-12'],
  ['el 20', '2026-11-20'],
  ['el 25', '2026-11-25'],
  ['12/1', '2027-01-12'],
  ['12 de enero', '2027-01-12'],
  ['el 2 o el 3', '2026-12-02 2026-12-03'],
  ['el lunes que viene', '2026-11-23'],
  ['el próximo viernes', '2026-11-27'],
  ['este viernes', '2026-11-20'],
  ['el martes 24', '2026-11-24'],
  ['la semana que viene', NEXT_WEEK],
  ['la próxima semana', NEXT_WEEK],
  ['el martes de la semana que viene', '2026-11-24'],
  ['después de las 2', 'afternoon'],
  ['después de las 14', 'afternoon'],
  ['antes de las 12', 'morning'],
  ['a las 10', 'morning'],
  ['de 2 a 4 de la tarde', 'afternoon'],
  ['mañana a las 2', '2026-11-21 afternoon'],
  ['cualquier día', 'any'],
  ['cualquier dia', 'any'],
  ['cuando sea', 'any'],
  ['cuando puedan', 'any'],
  ['no importa', 'any'],
  ['me da igual', 'any'],
  ['cualquier día en la mañana', 'morning'],
  ['Buenas tardes, el jueves', 'thu'],
  ['el lunes no puedo, el martes sí', 'tue'],
];

const ENGLISH: Array<[text: string, expected: string]> = [
  ['today', '2026-11-20'],
  ['tomorrow', '2026-11-21'],
  ['tmrw', '2026-11-21'],
  ['day after tomorrow', '2026-11-22'],
  ['Friday', 'fri'],
  ['fridays', 'fri'],
  ['monday to friday', 'mon tue wed thu fri'],
  ['weekdays', 'mon tue wed thu fri'],
  ['weekend', 'sat sun'],
  ['in the morning', 'morning'],
  ['afternoon', 'afternoon'],
  ['evening', 'evening'],
  ['night', 'evening'],
  ['tonight', '2026-11-20 evening'],
  ['anytime', 'any'],
  ['any day', 'any'],
  ['whenever', 'any'],
  ['no preference', 'any'],
  ['any day in the morning', 'morning'],
  ['next week', NEXT_WEEK],
  ['next monday', '2026-11-23'],
  ['after 2pm', 'afternoon'],
  ['after 2 p.m.', 'afternoon'],
  ['before noon', 'morning'],
  ['at 10am', 'morning'],
  ['friday 2:30pm', 'fri afternoon'],
  ['14:30', 'afternoon'],
  ['Jan 12', '2027-01-12'],
  ['12th', '2026-12-12'],
  // Day/month, the region's habit even in English …
  ['1/12', '2026-12-01'],
  // … unless only month/day is a date.
  ['1/25', '2027-01-25'],
  ['Good morning, tuesday', 'tue'],
];

const CREOLE: Array<[text: string, expected: string]> = [
  ['jodi a', '2026-11-20'],
  ['demen', '2026-11-21'],
  ['apre demen', '2026-11-22'],
  ['lendi', 'mon'],
  ['madi', 'tue'],
  ['mèkredi', 'wed'],
  ['mekredi', 'wed'],
  ['jedi', 'thu'],
  ['vandredi', 'fri'],
  ['samdi', 'sat'],
  ['dimanch', 'sun'],
  ['lundi', 'mon'],
  ['mardi', 'tue'],
  ['mercredi', 'wed'],
  ['jeudi', 'thu'],
  ['vendredi', 'fri'],
  ['samedi', 'sat'],
  ['dimanche', 'sun'],
  ['nan semèn nan', 'mon tue wed thu fri'],
  ['wikenn', 'sat sun'],
  ['fen semèn', 'sat sun'],
  ['maten', 'morning'],
  ['nan maten', 'morning'],
  ['aprèmidi', 'afternoon'],
  ['apremidi', 'afternoon'],
  ['nan aprèmidi', 'afternoon'],
  ['aswè', 'evening'],
  ['swa', 'evening'],
  ['demen maten', '2026-11-21 morning'],
  ['nenpòt jou', 'any'],
  ['nenpòt ki lè', 'any'],
  ['kèlkeswa', 'any'],
  ['semèn pwochèn', NEXT_WEEK],
  ['semenn pwochen', NEXT_WEEK],
  ['apre 2è', 'afternoon'],
  ['avan midi', 'morning'],
  ['lendi rive vandredi', 'mon tue wed thu fri'],
  ['12 desanm', '2026-12-12'],
  // Spanish and Creole in one answer.
  ['demen en la tarde', '2026-11-21 afternoon'],
];

/** Around the end of the month and of the year: today is Wednesday 30 December 2026. */
const YEAR_END_CASES: Array<[text: string, expected: string]> = [
  ['mañana', '2026-12-31'],
  ['pasado mañana', '2027-01-01'],
  ['hoy', '2026-12-30'],
  ['el 30', '2026-12-30'],
  ['el 31', '2026-12-31'],
  ['el 2', '2027-01-02'],
  ['el 29', '2027-01-29'],
  ['30/12', '2026-12-30'],
  ['29/12', '2027-12-29'],
  ['5 de enero', '2027-01-05'],
  ['el lunes que viene', '2027-01-04'],
  ['la semana que viene', '2027-01-04 2027-01-05 2027-01-06 2027-01-07 2027-01-08 2027-01-09 2027-01-10'],
  ['this weekend', '2027-01-02 2027-01-03'],
  ['el 31 de febrero', '-'],
];

/** Not time preferences: the dialog asks again. */
const NOT_PREFERENCES = ['1', '2', '12', '1 2', 'no se', 'no sé', 'hola', 'cuanto cuesta', 'mwen pa konnen', 'xq', 'ok', 'sí', '', '   ', '👍', 'hasta luego'];

describe(parseTimePreferences, () => {
  describe('Spanish', () => {
    it.each(SPANISH)('reads "%s" as %s', (text, expected) => expect(reading(text)).toBe(expected));
  });
  describe('English', () => {
    it.each(ENGLISH)('reads "%s" as %s', (text, expected) => expect(reading(text)).toBe(expected));
  });
  describe('Haitian Creole', () => {
    it.each(CREOLE)('reads "%s" as %s', (text, expected) => expect(reading(text)).toBe(expected));
  });
  describe('at the end of the year', () => {
    it.each(YEAR_END_CASES)('reads "%s" as %s', (text, expected) => expect(reading(text, YEAR_END)).toBe(expected));
  });

  it.each(NOT_PREFERENCES)('reads "%s" as no preference at all', (text) => expect(parseTimePreferences(text, { today: FRIDAY })).toBeUndefined());

  it('reads a one-edit typo of a weekday name as that weekday', () => {
    expect(['biernes', 'juebes', 'miercole', 'sabdo', 'satruday', 'mecredi', 'vandrdi'].map((t) => reading(t))).toEqual(['fri', 'thu', 'wed', 'sat', 'sat', 'wed', 'fri']);
  });

  it('reads a real word next to a weekday name as no weekday', () => {
    expect(['vienes', 'lines', 'mates'].map((t) => reading(t))).toEqual(['-', '-', '-']);
  });

  it('reads a whole answer into the full shape, empty lists meaning no constraint', () => {
    const expected: TimePreferences = { any: false, dates: ['2026-11-21'], weekdays: ['mon'], parts: ['afternoon'] };
    expect(parseTimePreferences('mañana o el lunes en la tarde', { today: FRIDAY })).toEqual(expected);
    expect(parseTimePreferences('cuando sea', { today: FRIDAY })).toEqual({ any: true, dates: [], weekdays: [], parts: [] });
  });

  it('reads an exclusion it cannot express as no preference, so the dialog asks again', () => {
    expect(reading('cualquier día menos el lunes')).toBe('-');
    expect(reading('no puedo el lunes')).toBe('-');
  });

  it('reads weekdays and parts but no dates when today is not a date', () => {
    expect(parseTimePreferences('mañana el lunes en la tarde', { today: 'tomorrow' })).toEqual({ any: false, dates: [], weekdays: ['mon'], parts: ['afternoon'] });
  });

  describe('purity', () => {
    afterEach(() => vi.useRealTimers());
    it('reads the same whatever the clock says', () => {
      vi.useFakeTimers();
      vi.setSystemTime(new Date('2031-06-15T12:00:00Z'));
      expect(reading('mañana o la semana que viene en la tarde')).toBe(`2026-11-21 ${NEXT_WEEK} afternoon`);
    });
  });

  it('never throws, whatever is typed', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'aeiouñáèò lmnrst0123456789/:-.,?!è😀\u0000\u200b';
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(() => parseTimePreferences(text, { today: FRIDAY })).not.toThrow();
    }
    expect(() => parseTimePreferences('el lunes '.repeat(500), { today: FRIDAY })).not.toThrow();
    expect(() => parseTimePreferences(undefined as unknown as string, { today: FRIDAY })).not.toThrow();
  });
});
