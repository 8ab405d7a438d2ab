import { DateTime, Info } from 'luxon';
import type { Booking, BookingStatus } from '../../booking/booking.js';
import type { Preferences } from '../../booking/preferences.js';
import type { ConsoleLanguage, ConsoleT } from '../consoleI18n.js';

/**
 * How the console writes a booking's times and a worker's preferences: in the centre's time zone,
 * in the page's language, in plain words. Pure functions (the clock and the language come in).
 */

/** "lunes, 23 de noviembre de 2026, 8:00" — an instant as the centre's clock shows it. */
export function whenText(iso: string, timeZone: string, lang: ConsoleLanguage): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "8:00" — the time of day alone, on the centre's clock. */
export function timeText(iso: string, timeZone: string, lang: ConsoleLanguage): string {
  return new Intl.DateTimeFormat(lang, { timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "23 nov 2026, 8:00" — a short instant, for history lines. */
export function shortWhen(iso: string, timeZone: string, lang: ConsoleLanguage): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "lunes, 23 de noviembre de 2026" — a calendar day (YYYY-MM-DD) as words. */
export function dayText(day: string, lang: ConsoleLanguage): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** "lunes 23 nov, 8:00" — a local wall-clock start ('2026-11-23T08:00') as words. */
export function localText(local: string, lang: ConsoleLanguage): string {
  return new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(new Date(`${local}:00Z`));
}

/** Today's date (YYYY-MM-DD) on a centre's calendar. */
export function todayIn(timeZone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate() ?? '';
}

/** The day (YYYY-MM-DD) after `day`. */
export function nextDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: 1 }).toISODate() ?? '';
}

/**
 * A worker's preferences in plain words: "Cualquier día y hora", "lunes o viernes, por la mañana",
 * "27 de noviembre, a cualquier hora".
 *
 * @example preferencesText(t, 'en', { any: false, dates: [], weekdays: ['fri'], parts: ['afternoon'] }) === 'Friday, in the afternoon'
 */
export function preferencesText(t: ConsoleT, lang: ConsoleLanguage, p: Preferences | null): string {
  if (!p || p.any || (p.dates.length === 0 && p.weekdays.length === 0 && p.parts.length === 0)) return t('requests.prefs.any');
  const or = new Intl.ListFormat(lang, { type: 'disjunction' });
  const weekdayNames = Info.weekdays('long', { locale: lang });
  const dayFormat = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  const days = [...p.dates.map((d) => dayFormat.format(new Date(`${d}T12:00:00Z`))), ...p.weekdays.map((w) => weekdayNames[WEEKDAY_INDEX[w]] ?? w)];
  const parts = p.parts.map((part) => t(`requests.prefs.parts.${part}`));
  if (days.length === 0) return t('requests.prefs.partsOnly', { parts: or.format(parts) });
  if (parts.length === 0) return t('requests.prefs.daysOnly', { days: or.format(days) });
  return t('requests.prefs.daysAndParts', { days: or.format(days), parts: or.format(parts) });
}
const WEEKDAY_INDEX = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 } as const;

/** The colour of a status tag (the words always say it too). */
export function statusTone(status: BookingStatus): 'neutral' | 'info' | 'success' | 'warning' | 'danger' {
  switch (status) {
    case 'confirmed':
      return 'success';
    case 'requested':
    case 'proposed':
      return 'warning';
    case 'attended':
      return 'info';
    case 'no_show':
    case 'declined':
    case 'cancelled_by_institution':
      return 'danger';
    case 'cancelled':
      return 'neutral';
  }
}

/** The worker's first name, or a dash when they gave none. */
export const firstNameOf = (b: Pick<Booking, 'firstName'>): string => b.firstName ?? '—';
