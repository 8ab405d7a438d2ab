import { WEEKDAYS, type Weekday } from '../booking/availability.js';
import { clean, editDistance, MAX_MATCH_LENGTH, words } from './text.js';
import { CalendarDay } from './calendarDay.js';
import { hourOf, isMarkedHour, partOfHour, partsAfter, partsBefore, partsBetween, PARTS_OF_DAY, type Meridiem, type PartOfDay } from './clockHours.js';
import * as L from './timeLexicon.js';

export { PARTS_OF_DAY, type PartOfDay } from './clockHours.js';

/**
 * What suits the worker, as understood. Empty arrays mean "no constraint of that kind".
 * A day suits when it is one of `dates` or falls on one of `weekdays` (either list empty: that kind
 * says nothing); a time suits when it is in one of `parts`. Parts apply to every day named:
 * "viernes en la tarde o sábado en la mañana" is read as fri+sat, afternoon+morning.
 * @example parseTimePreferences('lunes o miércoles en la tarde', { today: '2026-11-20' })
 *   → { any: false, dates: [], weekdays: ['mon', 'wed'], parts: ['afternoon'] }
 */
export interface TimePreferences {
  /** "cualquier día", "any time", "nenpòt ki lè": no constraint at all (then every list is empty). */
  any: boolean;
  /** ISO dates (YYYY-MM-DD) in the centre's calendar, ascending: "mañana", "el 12", "la semana que viene". */
  dates: string[];
  /** 'mon'…'sun', Monday first: "los viernes", "entre semana", "wikenn". */
  weekdays: Weekday[];
  /** "en la mañana", "after 2pm", "aswè", earliest first. */
  parts: PartOfDay[];
  /** Negation is not read into the result: see parseTimePreferences. */
  notDates?: never;
}

/** What one phrase says. `week` holds the dates of "next week"/"this week", narrowed by weekdays said with it. */
interface Reading {
  any?: boolean;
  dates?: string[];
  week?: string[];
  weekdays?: Weekday[];
  parts?: PartOfDay[];
  /** For a bare hour ("después de las 7"): the parts if it was meant in the other half of the day. */
  otherHalf?: PartOfDay[];
}
interface Found extends Reading {
  at: number;
}
type Read = (m: RegExpExecArray, today: CalendarDay | undefined) => Reading | undefined;

// --- Tokens ---------------------------------------------------------------------------------

const PUNCTUATION = /([/:,.;!?¿¡-])/;
const WEEKDAY_OF = new Map<string, Weekday>(WEEKDAYS.flatMap((d) => L.WEEKDAY_NAMES[d].map((n) => [n, d] as const)));

const LONG_PART_WORDS = Object.values(L.PART_WORDS).flat().filter((w) => w.length >= 7 && !w.includes(' '));

/**
 * A word as the rules read it: a weekday name as the token 'wd' + its code, also one edit from a
 * name of 5 letters or more ("biernes", "satruday"); a long part-of-day word one edit off
 * ("tenprano") as that word.
 */
function canonicalWord(word: string): string {
  const exact = WEEKDAY_OF.get(word);
  if (exact) return `wd${exact}`;
  if (word.length < 5 || !/^[a-z]+$/.test(word) || L.NOT_WEEKDAY_TYPOS.includes(word)) return word;
  const near = new Set<Weekday>();
  for (const [name, day] of WEEKDAY_OF) if (name.length >= 5 && editDistance(word, name, 1) <= 1) near.add(day);
  const [only] = near;
  if (near.size === 1 && only) return `wd${only}`;
  if (word.length < 7 || LONG_PART_WORDS.includes(word)) return word;
  return LONG_PART_WORDS.find((w) => editDistance(word, w, 1) <= 1) ?? word;
}

/**
 * The text as folded words and punctuation, separated and surrounded by single spaces:
 * "Lunes-Viernes, 2:30 p.m." → " wdmon - wdfri , 2h30pm ".
 */
function normalize(text: string): string {
  const chunks = clean(text).slice(0, MAX_MATCH_LENGTH).split(PUNCTUATION);
  const tokens = chunks.flatMap((c) => (PUNCTUATION.test(c) ? [/[¿¡!?]/.test(c) ? '.' : c] : words(c).map(canonicalWord)));
  const isNumber = (t?: string) => t !== undefined && /^\d/.test(t);
  const isDay = (t?: string) => t !== undefined && t.startsWith('wd');
  // A hyphen joins words ("après-midi", "week-end") unless it is a range ("lun-vie", "2-4").
  const kept = tokens.filter((t, i) => t !== '-' || (isNumber(tokens[i - 1]) && isNumber(tokens[i + 1])) || (isDay(tokens[i - 1]) && isDay(tokens[i + 1])));
  return ` ${kept.join(' ')} `
    .replace(/ (\d{1,2}) : (\d\d)(am|pm|h)?(?= )/g, ' $1h$2$3')
    .replace(/ (\d{1,2}(?:h\d\d)?) (?:([ap]) (?:\. )?m(?: \.)?|(am|pm)|(h|hs|hrs|hr|horas|e|o clock))(?= )/g, (_, n: string, ap?: string, ampm?: string) => ` ${n}${ap ? `${ap}m` : (ampm ?? 'h')}`);
}

// --- Patterns -------------------------------------------------------------------------------

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A non-capturing alternation of phrases, longest first. */
const alt = (phrases: readonly string[]) => `(?:${[...phrases].sort((a, b) => b.length - a.length).map(escape).join('|')})`;
const WD = '(wd(?:mon|tue|wed|thu|fri|sat|sun))';
const dayOf = (token: string | undefined): Weekday => WEEKDAYS.find((d) => `wd${d}` === token) ?? 'mon';
const MANANA = alt(L.MANANA);
const MONTH_OF = new Map(L.MONTH_NAMES.flatMap((names, i) => names.map((n) => [n, i + 1] as const)));
/** A month name; not Spanish "más" ("el 2 mas o menos") taken for Creole "mas" (March). */
const MONTH = `(?!mas (?:o|tarde|temprano|que|de) )(${alt([...MONTH_OF.keys()])})`;
const DAYNUM = '(\\d{1,2})(?:st|nd|rd|th|ro|ero|er)?';
const ORDINAL = '(\\d{1,2})(?:st|nd|rd|th|ro|ero|er)';
const DAY_CUE = alt(['el dia', 'el', 'dia', 'le', 'the', 'on the', 'dat', 'nan dat', 'for the', 'para el']);
const AND = alt([',', 'o', 'y', 'u', 'or', 'and', 'ou', 'oswa', 'oubyen', 'ak']);
const DAY_LIST = `${DAYNUM}(?: ${AND} (?:el |the )?\\d{1,2}(?:st|nd|rd|th)?)*`;
const HOUR = '(\\d{1,2}(?:h\\d\\d)?(?:h|hs|hrs?|e|am|pm)?|medio dia|la una|[a-z]+)';
const HINT = `(?: (${alt(L.HOUR_MORNING_HINT)})| (${alt(L.HOUR_EVENING_HINT)}))?`;

const DAY_BEFORE = /(?:^| )(?:el|dia|the|le|dat|wd[a-z]{3}) $/;
const MORNING_HINTS = new Set(L.HOUR_MORNING_HINT);
const meridiemOf = (hint: string | undefined): Meridiem => (hint === undefined ? undefined : MORNING_HINTS.has(hint) ? 'am' : 'pm');
const isHourWord = (t: string) => isMarkedHour(t) || t in L.HOUR_WORDS;
const daysFromToday = (d: CalendarDay | undefined, offset: number) => (d ? { dates: [d.plusDays(offset)] } : undefined);
const parts = (...p: PartOfDay[]) => ({ parts: p });
/** Every day number in a matched span ("el 12 o 13 de enero" → 12, 13), a 4-digit year left out. */
const dayNumbers = (span: string) => [...span.matchAll(/(?<![\d])(\d{1,2})(?![\d])/g)].map((x) => Number(x[1]));

/** "a las 3", "after 2pm", "de 8 a 12", "antes de mediodía": the parts of day of an hour or a range. */
function hourReading(cued: boolean, typed: string, hint: string | undefined, toParts: (h: number) => PartOfDay[]): Reading | undefined {
  if (!cued && !hint && !isHourWord(typed)) return undefined;
  const hour = hourOf(typed, meridiemOf(hint));
  if (hour === undefined) return undefined;
  const bare = !hint && !isHourWord(typed) && hour % 12 !== 0;
  return { parts: toParts(hour), ...(bare ? { otherHalf: toParts((hour + 12) % 24) } : {}) };
}

/** Rules, in the order they are tried; each consumes the words it reads, so later rules cannot read them again. */
const RULES: Array<[string, Read]> = [
  // Not times at all, then "no constraint".
  [alt(L.NOT_TIMES), () => ({})],
  [alt(L.ANY_TIME), () => ({ any: true })],
  [alt(L.AFTER_WORK), () => parts('evening')],
  [alt(L.BEFORE_WORK), () => parts('morning')],
  [alt(L.AFTER_MIDDAY), () => parts('afternoon')],
  [alt(L.BEFORE_MIDDAY), () => parts('morning')],
  // Today and a part of it; the day after tomorrow; from tomorrow on.
  ...PARTS_OF_DAY.map((part): [string, Read] => [alt(L.TODAY_PART[part]), (_, d) => d && { dates: [d.iso], parts: [part] }]),
  [`${MANANA} (?:o|y|u|or) pasado`, (_, d) => d && { dates: [d.plusDays(1), d.plusDays(2)] }],
  [alt(L.DAY_AFTER_TOMORROW), (_, d) => daysFromToday(d, 2)],
  [`(?:a partir de|desde) ${MANANA}`, (_, d) => daysFromToday(d, 1)],
  // Weeks: "el fin de semana que viene", "la semana que viene", "esta semana".
  [`(?:el |(?:el )?proximo )?${alt(L.WEEKEND)} (?:que viene|proximo|entrante|pwochen|prochain)|next ${alt(L.WEEKEND)}`, (_, d) => d && { weekdays: ['sat', 'sun'], week: d.nextWeek() }],
  [`(?:este|this|ce) ${alt(L.WEEKEND)}|${alt(L.WEEKEND)} sa(?: a)?`, (_, d) => d && { weekdays: ['sat', 'sun'], week: d.restOfWeek() }],
  [`(?:la |de la |el |the )?${alt(L.NEXT_WEEK)}`, (_, d) => d && { week: d.nextWeek() }],
  [alt(L.THIS_WEEK), (_, d) => d && { week: d.restOfWeek() }],
  // One weekday as a date: "el lunes que viene", "next monday", "madi pwochen", "este sábado".
  [
    `(?:(?:el )?(?:proximo|prox|next|pwochen) ${WD}|(?:el )?${WD} (?:que viene|q viene|proximo|entrante|pwochen|pwochenn|prochain|k ap vini|kap vini|ki ap vini)(?: an)?)`,
    (m, d) => d && { dates: [d.nextWeekday(dayOf(m[1] ?? m[2]), { includingToday: false })] },
  ],
  [`(?:(?:este|esta|this|this coming|ce) ${WD}|${WD} sa(?: a)?)`, (m, d) => d && { dates: [d.nextWeekday(dayOf(m[1] ?? m[2]), { includingToday: true })] }],
  // A weekday with its date says the date: "el martes 24", "Tuesday the 24th", "samdi 28 novanm".
  [`${WD}(?: ,)? (?:el |the )?${DAYNUM}(?: (?:de |of )?${MONTH})?`, (m, d) => dateOf(d, Number(m[2]), m[3])],
  // Dates in figures: "12/1" and "1/12" are day/month (the region's habit, also in English); "1/25" can only be month/day.
  [`(\\d{1,2}) / (\\d{1,2})(?: / (\\d{2}|\\d{4}))?|(\\d{1,2}) - (\\d{1,2}) - (\\d{2}|\\d{4})`, (m, d) => numericDate(d, m)],
  // "12 de enero", "el 12 o 13 de diciembre", "28 novanm", "Jan 12", "December 15th".
  [`(?:${DAY_CUE} )?${DAY_LIST}(?: (?:de|of|del mes de))? ${MONTH}(?: (?:de |del )?(\\d{4}))?`, (m, d) => daysOfMonth(d, m[0], m[2], m[3])],
  [`${MONTH}(?: the)? ${DAYNUM}(?: ,)?(?: (\\d{4}))?`, (m, d) => daysOfMonth(d, m[2] ?? '', m[1], m[3])],
  // Hours: ranges, "after", "before", "at", and marked hours alone ("2pm", "14h", "10è").
  [
    `(?:(${alt(L.RANGE_START)}) )?${HOUR}${HINT} ${alt(L.RANGE_JOIN)} ${HOUR}${HINT}`,
    (m) => hourRange(m[1] !== undefined, m[2] ?? '', m[3] ?? m[4], m[5] ?? '', m[6] ?? m[7]),
  ],
  [`${alt(L.AFTER_HOUR)} ${HOUR}${HINT}`, (m) => hourReading(true, m[1] ?? '', m[2] ?? m[3], partsAfter)],
  [`${alt(L.BEFORE_HOUR)} ${HOUR}${HINT}`, (m) => hourReading(true, m[1] ?? '', m[2] ?? m[3], partsBefore)],
  [`${alt(L.AT_HOUR)} ${HOUR}${HINT}`, (m) => hourReading(true, m[1] ?? '', m[2] ?? m[3], (h) => [partOfHour(h)])],
  // Unmarked, only a hint makes it an hour ("3 de la tarde"), but not right after a day ("el 3 en la tarde").
  [`${HOUR}${HINT}`, (m) => (!isHourWord(m[1] ?? '') && DAY_BEFORE.test(m.input.slice(0, m.index)) ? undefined : hourReading(false, m[1] ?? '', m[2] ?? m[3], (h) => [partOfHour(h)]))],
  // Day of month: "el 12", "el 2 o el 3", "the 28th", "12th".
  [`${DAY_CUE} ${DAY_LIST}|${ORDINAL}`, (m, d) => daysOfMonth(d, m[0])],
  // Spanish "mañana": morning after an article ("en la mañana", "de mañana", "las mañanas"), else tomorrow.
  [`${alt(L.MORNING_ARTICLES)} ${MANANA}`, () => parts('morning')],
  [alt(L.TODAY), (_, d) => daysFromToday(d, 0)],
  [`${MANANA}|${alt(L.TOMORROW)}`, (_, d) => daysFromToday(d, 1)],
  // Weekdays: ranges, groups, names.
  [`(?:(?:de|d|from|desde|depi|soti) )?${WD} (?:a|al|hasta|to|thru|through|till|until|-|rive|jiska|jis|au) ${WD}`, (m) => ({ weekdays: weekdayRange(dayOf(m[1]), dayOf(m[2])) })],
  [alt(L.WORKING_DAYS), () => ({ weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] })],
  [alt(L.WEEKEND), () => ({ weekdays: ['sat', 'sun'] })],
  [WD, (m) => ({ weekdays: [dayOf(m[1])] })],
  // Parts of the day in words.
  ...PARTS_OF_DAY.map((part): [string, Read] => [alt(L.PART_WORDS[part]), () => parts(part)]),
];
const COMPILED = RULES.map(([body, read]) => ({ pattern: new RegExp(`(?<= )(?:${body})(?= )`, 'g'), read }));
const NEGATION = new RegExp(`(?<= )${alt(L.NEGATIONS)}(?= )`, 'g');
const CLAUSE_BREAK = new RegExp(`(?<= )(?:[,.;]|${alt(L.CLAUSE_BREAKS)})(?= )`, 'g');

function dateOf(d: CalendarDay | undefined, day: number, month: string | undefined): Reading | undefined {
  const iso = month === undefined ? d?.nextDayOfMonth(day) : d?.dayAndMonth(day, MONTH_OF.get(month) ?? 0);
  return iso ? { dates: [iso] } : undefined;
}

function daysOfMonth(d: CalendarDay | undefined, span: string, month?: string, year?: string): Reading | undefined {
  const days = dayNumbers(year ? span.replace(year, '') : span);
  const m = month === undefined ? undefined : MONTH_OF.get(month);
  const dates = days.map((n) => (m === undefined ? d?.nextDayOfMonth(n) : d?.dayAndMonth(n, m, year ? Number(year) : undefined)));
  if (!d || dates.length === 0) return undefined;
  // An impossible date ("31 de febrero") is read as nothing, not as "the 31st".
  return { dates: dates.filter((x) => x !== undefined) };
}

function numericDate(d: CalendarDay | undefined, m: RegExpExecArray): Reading | undefined {
  const [a, b, y] = (m[1] !== undefined ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]]).map((x) => (x === undefined ? undefined : Number(x)));
  if (!d || a === undefined || b === undefined) return undefined;
  const iso = d.dayAndMonth(a, b, y) ?? d.dayAndMonth(b, a, y);
  return { dates: iso ? [iso] : [] };
}

function hourRange(cued: boolean, from: string, fromHint: string | undefined, to: string, toHint: string | undefined): Reading | undefined {
  if (!cued && !fromHint && !toHint && !isHourWord(from) && !isHourWord(to)) return undefined;
  const end = hourOf(to, meridiemOf(toHint));
  let start = hourOf(from, meridiemOf(fromHint));
  if (end === undefined || start === undefined) return undefined;
  // "de 2 a 4 de la tarde": the start is in the same half of the day as the end.
  const sameHalf = fromHint === undefined ? hourOf(from, meridiemOf(toHint)) : undefined;
  if (sameHalf !== undefined && sameHalf < end) start = sameHalf;
  return parts(...partsBetween(start, end));
}

/** "lunes a viernes" → mon…fri; "viernes a lunes" → fri, sat, sun, mon. */
function weekdayRange(from: Weekday, to: Weekday): Weekday[] {
  const days: Weekday[] = [];
  for (let i = WEEKDAYS.indexOf(from); ; i = (i + 1) % 7) {
    days.push(WEEKDAYS[i]!);
    if (WEEKDAYS[i] === to) return days;
  }
}

// --- Reading --------------------------------------------------------------------------------

/**
 * The days and times a worker says suit them, in Spanish, English or Haitian Creole (or a mix), or
 * undefined when nothing in the text is a time preference — numbers alone ("1", "2") answer menus and
 * are not. `today` is the ISO date in the centre's time zone; relative days ("mañana", "el 12",
 * "la semana que viene") are resolved against it. Never throws.
 *
 * Negation is not read, only guarded against: a clause with "no", "menos", "except", "pa", "trabajo"…
 * is left out ("el lunes no puedo, el martes sí" → tue), and if that leaves nothing (or it was
 * "cualquier día menos el lunes") the answer is undefined, so the dialog asks again.
 * @example parseTimePreferences('mañana x la tarde', { today: '2026-11-20' })
 *   → { any: false, dates: ['2026-11-21'], weekdays: [], parts: ['afternoon'] }
 */
export function parseTimePreferences(text: string, context: { today: string }): TimePreferences | undefined {
  if (typeof text !== 'string') return undefined;
  const day = typeof context?.today === 'string' ? CalendarDay.of(context.today) : undefined;
  let rest = normalize(text);
  const breaks = [...rest.matchAll(CLAUSE_BREAK)].map((m) => m.index);
  const found: Found[] = [];
  for (const { pattern, read } of COMPILED) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(rest); m; m = pattern.exec(rest)) {
      const reading = read(m, day);
      if (!reading) {
        pattern.lastIndex = m.index + 1;
        continue;
      }
      found.push({ ...reading, at: m.index });
      rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length);
    }
  }
  const clauseOf = (at: number) => breaks.filter((b) => b < at).length;
  const negated = new Set([...rest.matchAll(NEGATION)].map((m) => clauseOf(m.index)));
  const kept = found.filter((f) => !negated.has(clauseOf(f.at)));
  const excludedSomething = found.some((f) => negated.has(clauseOf(f.at)) && (f.any || says(f)));
  return assemble(kept, excludedSomething);
}

const says = (r: Reading) => Boolean(r.dates?.length || r.week?.length || r.weekdays?.length || r.parts?.length);

function assemble(found: Found[], excludedSomething: boolean): TimePreferences | undefined {
  const weekdays = new Set(found.flatMap((f) => f.weekdays ?? []));
  const week = found.flatMap((f) => f.week ?? []);
  const dates = new Set(found.flatMap((f) => f.dates ?? []));
  // "el martes de la semana que viene": the week's dates on the weekdays said, not every Tuesday.
  const onWeekdaysSaid = (iso: string) => {
    const weekday = CalendarDay.weekdayOf(iso);
    return weekday !== undefined && weekdays.has(weekday);
  };
  const onDays = weekdays.size > 0 ? week.filter(onWeekdaysSaid) : week;
  if (week.length > 0 && weekdays.size > 0) weekdays.clear();
  for (const iso of onDays) dates.add(iso);
  // A bare hour is read in the half of the day the worker named in words: "en las noches después de las 7" is 19:00.
  const inWords = new Set(found.flatMap((f) => (f.otherHalf ? [] : (f.parts ?? []))));
  const fits = (p: PartOfDay[] | undefined) => (p ?? []).some((x) => inWords.has(x));
  const partsSaid = new Set(found.flatMap((f) => (f.otherHalf && inWords.size > 0 && !fits(f.parts) && fits(f.otherHalf) ? f.otherHalf : (f.parts ?? []))));
  const result: TimePreferences = {
    any: false,
    dates: [...dates].sort(),
    weekdays: WEEKDAYS.filter((d) => weekdays.has(d)),
    parts: PARTS_OF_DAY.filter((p) => partsSaid.has(p)),
  };
  if (says(result)) return result;
  if (found.some((f) => f.any) && !excludedSomething) return { ...result, any: true };
  return undefined;
}
