import type { Weekday } from '../booking/availability.js';
import type { PartOfDay } from './clockHours.js';

/**
 * The words people type for days and times, folded (lower case, no accents: `fold` from src/bot/text.ts),
 * Spanish, English and Haitian Creole together — workers mix them — with the French forms Haitians often
 * type ("lundi", "demain", "soir"). Creole in the official spelling (folded: "mèkredi" → "mekredi") and
 * the common older spellings. Multi-word entries are phrases matched word by word.
 */

/** Weekday names, abbreviations and plurals; SMS misspellings a single edit cannot reach. */
export const WEEKDAY_NAMES: Record<Weekday, string[]> = {
  mon: ['lunes', 'lun', 'monday', 'mondays', 'mon', 'lendi', 'lundi'],
  tue: ['martes', 'tuesday', 'tuesdays', 'tue', 'tues', 'tuseday', 'madi', 'mardi'],
  wed: ['miercoles', 'mier', 'mierc', 'wednesday', 'wednesdays', 'wed', 'weds', 'wensday', 'wendsday', 'wednsday', 'mekredi', 'mercredi'],
  thu: ['jueves', 'jue', 'thursday', 'thursdays', 'thu', 'thur', 'thurs', 'thrusday', 'jedi', 'jeudi'],
  fri: ['viernes', 'vier', 'friday', 'fridays', 'fri', 'vandredi', 'vendredi', 'vanredi'],
  sat: ['sabado', 'sabados', 'sab', 'saturday', 'saturdays', 'sat', 'saterday', 'samdi', 'samedi'],
  sun: ['domingo', 'domingos', 'dom', 'sunday', 'sundays', 'sun', 'dimanch', 'dimanche'],
};

/** Real words one edit away from a weekday name: never read as a misspelt weekday. */
export const NOT_WEEKDAY_TYPOS = ['vienes', 'vendi', 'lines', 'lunas', 'luces', 'mares', 'mates', 'marte', 'artes', 'partes', 'salado', 'domino', 'jueces'];

/** Month names and abbreviations, read only next to a day number ("12 de enero", "Jan 12", "12 desanm"). */
export const MONTH_NAMES: string[][] = [
  ['enero', 'ene', 'january', 'jan', 'janvye', 'janvier'],
  ['febrero', 'feb', 'february', 'fevriye', 'fevrier'],
  // Creole "mas" (March) is also Spanish "más": see monthPattern.
  ['marzo', 'march', 'mar', 'mas', 'mars'],
  ['abril', 'abr', 'april', 'apr', 'avril'],
  // Creole "me" (May) is left out: "el 2 me queda bien" would become 2 May.
  ['mayo', 'may', 'mai'],
  ['junio', 'jun', 'june', 'jen', 'juin'],
  ['julio', 'jul', 'july', 'jiye', 'juillet'],
  ['agosto', 'ago', 'august', 'aug', 'out', 'dawou', 'aout'],
  ['septiembre', 'setiembre', 'sep', 'sept', 'set', 'september', 'septanm', 'septembre'],
  ['octubre', 'oct', 'october', 'oktob', 'octobre'],
  ['noviembre', 'nov', 'november', 'novanm', 'novembre'],
  ['diciembre', 'dic', 'december', 'dec', 'desanm', 'decembre'],
];

/** "Tomorrow" in every spelling; Spanish "mañana" is read separately (it is also "morning"). */
export const TOMORROW = ['tomorrow', 'tomorow', 'tommorow', 'tommorrow', 'tomorrw', 'tomoro', 'tomorro', 'tmrw', 'tmr', 'tmw', '2moro', '2morrow', '2mrw', 'demen', 'denmen', 'demin', 'dmen', 'demain'];
/** Spanish "mañana" as typed (folded, so "ñ" is "n"): SMS "mñn", "maniana" without an ñ key. */
export const MANANA = ['manana', 'maniana', 'mannana', 'mnn', 'mnna', 'mnana', 'maana'];
export const TODAY = ['hoy mismo', 'hoy', 'today', 'tdy', '2day', 'jodi a', 'jodia', 'jodi', 'aujourd hui', 'aujourdhui', 'ahora mismo', 'ahora', 'ahorita', 'right now', 'kounye a', 'kounya', 'konnya', 'kounyea'];
export const DAY_AFTER_TOMORROW = ['pasado manana', 'pasao manana', 'despues de manana', 'day after tomorrow', 'the day after tomorrow', 'overmorrow', 'apre demen', 'apredemen', 'apre denmen', 'apres demen', 'apres demain'];
/** "Tonight", "this afternoon": today and a part of it. */
export const TODAY_PART: Record<PartOfDay, string[]> = {
  morning: ['esta manana', 'this morning', 'ce matin'],
  afternoon: ['esta tarde', 'this afternoon', 'cet apres midi'],
  evening: ['esta noche', 'tonight', 'tonite', '2nite', 'this evening', 'aswe a', 'ce soir'],
};

const SEMEN = ['semen', 'semenn', 'semn', 'semaine'];
const PWOCHEN = ['pwochen', 'pwochenn', 'prochen', 'prochaine'];
const cross = (a: string[], b: string[]): string[] => a.flatMap((x) => b.map((y) => `${x} ${y}`));
/** The seven days of next week (Monday to Sunday). */
export const NEXT_WEEK = [
  'semana que viene', 'semana q viene', 'proxima semana', 'semana proxima', 'semana entrante', 'otra semana',
  'next week', 'the following week', 'following week',
  ...cross(SEMEN, PWOCHEN), ...cross(PWOCHEN, SEMEN), 'lot semen', 'lot semenn',
];
/** Today to Sunday. */
export const THIS_WEEK = ['esta semana', 'this week', 'semen sa a', 'semen sa', 'semenn sa a', 'semenn sa', 'cette semaine'];

/** Monday to Friday. */
export const WORKING_DAYS = [
  'entre semana', 'dias de semana', 'dias de la semana', 'dias habiles', 'dias laborables', 'en la semana', 'durante la semana',
  'weekdays', 'weekday', 'week days', 'during the week', 'workdays', 'work days', 'business days',
  'nan semen nan', 'nan semenn nan', 'pandan semen nan', 'pandan semenn nan', 'jou ouvrab', 'jou travay', 'en semaine',
];
/** Saturday and Sunday. */
export const WEEKEND = [
  'fin de semana', 'fines de semana', 'fin d semana', 'finde', 'findes', 'weekends', 'weekend', 'week end',
  'wikenn', 'wiken', 'wikend', 'fen semen', 'fen semenn', 'finsemen', 'fin de semaine',
];

/** No constraint: "cualquier día", "whenever", "nenpòt ki lè". */
export const ANY_TIME = [
  'cualquier dia', 'cualquier dias', 'cualquier hora', 'cualquier momento', 'cualquier fecha', 'cualquiera',
  'cuando sea', 'cuando puedan', 'cuando pueda', 'cuando quieran', 'cuando quiera', 'cuando digan', 'cuando gusten',
  'cuando ustedes puedan', 'cuando ustedes quieran', 'cuando ustedes digan',
  'no importa', 'no me importa', 'no hay problema', 'no tengo problema', 'no tengo preferencia', 'sin preferencia',
  'me da igual', 'da igual', 'me es igual', 'me da lo mismo', 'da lo mismo', 'es lo mismo', 'lo que sea', 'todos los dias', 'todo el dia', 'siempre',
  'lo antes posible', 'lo mas pronto posible', 'lo mas pronto', 'cuanto antes', 'en cuanto pueda',
  'anytime', 'any time', 'any day', 'any days', 'whenever', 'no preference', 'doesnt matter', 'doesn t matter',
  'does not matter', 'no matter', 'dont mind', 'don t mind', 'do not mind', 'dont care', 'don t care', 'either',
  'whatever', 'all days', 'every day', 'everyday', 'all day', 'asap', 'as soon as possible', 'earliest', 'soonest',
  'flexible', 'no problem', 'any',
  'nenpot ki jou', 'nenpot jou', 'nenpot ki le', 'nenpot le', 'nenpot ki moman', 'nenpot', 'nempot', 'nimpot',
  'kelkeswa jou', 'kelkeswa le', 'kelkeswa', 'sa pa fe anyen', 'pa gen pwoblem', 'li pa enpotan', 'pa enpotan',
  'le nou vle', 'le ou vle', 'le w vle', 'le yo vle', 'kile nou vle', 'kile ou vle', 'tout jou', 'chak jou', 'tout tan',
  'tout le', 'pi vit posib', 'pi bone posib',
  'n importe quand', 'n importe quel jour', 'peu importe', 'quand vous voulez', 'tous les jours',
];

/** Phrases that look like times but are not: greetings, "I don't know", "later". Read first and ignored. */
export const NOT_TIMES = [
  'buenas tardes', 'buena tarde', 'buenas noches', 'buen dia', 'buenos dias', 'good morning', 'good afternoon',
  'good evening', 'good night', 'bon apremidi', 'bon maten', 'bonsoir', 'bonswa', 'bonjou',
  'no se', 'nose', 'no sabe', 'no lo se', 'i dont know', 'i don t know', 'dont know', 'don t know', 'idk', 'not sure',
  'm pa konnen', 'mwen pa konnen', 'pa konnen', 'mwen pa konn', 'm pa konn', 'je ne sais pas', 'je sais pas',
  'mas tarde', 'tarde o temprano', 'hoy en dia', 'mas o menos',
];

/** Parts of the day said in words. ("mañana" as morning is read in context: see the rules.) */
export const PART_WORDS: Record<PartOfDay, string[]> = {
  morning: [
    'mananas', 'madrugada', 'madrugadas', 'temprano', 'tempranito', 'primera hora', 'morning', 'mornings', 'mornin',
    'early', 'first thing', 'maten', 'dimaten', 'bone', 'matin', 'matinee',
  ],
  afternoon: [
    'tarde', 'tardes', 'tardecita', 'afternoon', 'afternoons', 'apremidi', 'lapremidi', 'apremdi', 'apre midi',
    'apres midi', 'l apres midi', 'aprem',
  ],
  evening: [
    'noche', 'noches', 'nochecita', 'evening', 'evenings', 'night', 'nights', 'aswe', 'oswe', 'diswa', 'swa',
    'lannwit', 'lanwit', 'nwit', 'soir',
  ],
};
/** Spanish words before "mañana" that make it "morning" ("en la mañana", "de mañana", "cualquier mañana"). */
export const MORNING_ARTICLES = ['en la', 'por la', 'x la', 'a la', 'de la', 'durante la', 'toda la', 'en las', 'por las', 'las', 'la', 'de', 'cualquier', 'una', 'cada'];

/** Around work: "after work" is evening, "before work" morning. */
export const AFTER_WORK = ['despues del trabajo', 'despues de trabajar', 'saliendo del trabajo', 'after work', 'apre travay', 'apres le travail'];
export const BEFORE_WORK = ['antes del trabajo', 'antes de trabajar', 'before work', 'avan travay', 'anvan travay'];
/** Around lunch and church: "después del almuerzo", "apre legliz" are the afternoon. */
export const AFTER_MIDDAY = [
  'despues del almuerzo', 'despues de almorzar', 'despues de comer', 'despues de la comida', 'despues de misa', 'despues de la iglesia',
  'after lunch', 'after church', 'apre manje midi', 'apre dine', 'apre legliz', 'apre mes', 'apres le dejeuner',
];
export const BEFORE_MIDDAY = ['antes del almuerzo', 'antes de almorzar', 'antes de comer', 'before lunch', 'avan manje midi', 'anvan manje midi'];

/** Words before an hour. */
export const AT_HOUR = ['como a las', 'a eso de las', 'sobre las', 'a las', 'a la', 'las', 'at', 'around', 'about', 'a', 've', 'vers', 'tipo', 'aprox'];
export const AFTER_HOUR = [
  'despues de las', 'despues de la', 'despues del', 'despues de', 'despues las', 'desde las', 'desde la', 'desde',
  'a partir de las', 'a partir de la', 'a partir del', 'pasadas las', 'luego de las', 'no antes de las', 'not before',
  'salgo del trabajo a las', 'salgo de trabajar a las', 'salgo a las', 'salgo a la', 'get off work at', 'get off at',
  'finish work at', 'off at', 'm soti travay a', 'soti travay a', 'pa anvan',
  'after', 'from', 'apre', 'apres', 'depi',
];
export const BEFORE_HOUR = [
  'antes de las', 'antes de la', 'antes del', 'antes de', 'hasta las', 'hasta la', 'no later than', 'not later than',
  'pa pi ta pase', 'before', 'by', 'until', 'till', 'til', 'avan', 'anvan', 'avant', 'jiska',
];
/** Range of hours: start cue, and the word between the two hours. */
export const RANGE_START = ['de las', 'de la', 'de', 'desde las', 'desde la', 'desde', 'entre las', 'entre la', 'entre', 'from', 'between', 'depi', 'soti', 'ant'];
export const RANGE_JOIN = ['a las', 'a la', 'a', 'hasta las', 'hasta la', 'hasta', 'y las', 'y la', 'y', 'to', 'till', 'until', 'and', '-', 'rive', 'jiska', 'ak'];
/**
 * Hours in words that are not number words (those come from src/bot/numberWords.ts: "dos", "ten", "twa"):
 * Creole "inè, dezè, twazè…" (folded) and noon.
 */
export const HOUR_WORDS: Record<string, number> = {
  ine: 1, deze: 2, twaze: 3, katre: 4, senke: 5, size: 6, sete: 7, uite: 8, neve: 9, dize: 10, onze: 11, douze: 12,
  'la una': 1, mediodia: 12, 'medio dia': 12, noon: 12, midday: 12, midi: 12,
};
/**
 * Number words that are also common words: not hours even after "a" or "at" ("de", "en", "set";
 * "cuido a una señora"). One o'clock in Spanish is "la una", read as a phrase.
 */
export const NOT_HOUR_WORDS = ['de', 'en', 'un', 'una', 'uno', 'set', 'dis', 'sink', 'wit', 'sis', 'ven'];
/** Words after an hour that say which half of the day it is ("a las 2 de la tarde", "8è nan maten"). */
export const HOUR_MORNING_HINT = ['de la manana', 'en la manana', 'in the morning', 'dimaten', 'nan maten', 'di maten', 'du matin', 'am'];
export const HOUR_EVENING_HINT = [
  'de la tarde', 'de la noche', 'en la tarde', 'en la noche', 'in the afternoon', 'in the evening', 'at night',
  'nan apremidi', 'apremidi', 'diswa', 'nan aswe', 'aswe', 'du soir', 'de l apres midi', 'pm',
];

/** Words that say a clause excludes what it names ("no puedo el lunes", "m travay lendi", "except Monday"). */
export const NEGATIONS = [
  'no', 'ni', 'nunca', 'jamas', 'menos', 'excepto', 'salvo', 'tampoco', 'trabajo', 'trabaja', 'trabajando', 'ocupado', 'ocupada',
  'not', 'cant', 'can t', 'cannot', 'dont', 'don t', 'won t', 'wont', 'never', 'except', 'unless', 'busy', 'work', 'working', 'nor', 'neither',
  'pa', 'pap', 'p ap', 'sof', 'apa', 'eksepte', 'okipe', 'travay', 'pas', 'sauf', 'occupe', 'travaille',
];
/** Words that start a new clause (the scope of a negation ends there). Punctuation does too. */
export const CLAUSE_BREAKS = [
  'pero', 'sino', 'mejor', 'mas bien', 'solo', 'solamente', 'nomas', 'porque', 'porq', 'xq', 'pq',
  'asi que', 'entonces', 'but', 'better', 'only', 'just', 'because', 'cause', 'cuz', 'coz', 'so',
  'men', 'pito', 'selman', 'paske', 'pask', 'kidonk', 'donk', 'mais', 'parce que', 'seulement', 'alors', 'donc',
];
