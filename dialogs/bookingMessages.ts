import { DateTime } from 'luxon';
import type { Booking } from '../src/booking/booking.js';
import { WEEKDAYS } from '../src/booking/availability.js';
import type { Preferences } from '../src/booking/preferences.js';
import type { Centre } from '../src/booking/centre.js';
import { slotOf } from '../src/booking/slots.js';
import type { MenuOption } from '../src/language/choice.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import type { Catalog } from '../src/catalog/Catalog.js';
import type { Language, Route } from '../src/catalog/schema.js';
import type { Translate } from '../src/i18n.js';

/**
 * A slot's start as workers read it, in the centre's time zone: "martes 3 de marzo, 9:00",
 * "Tuesday 3 March, 9:00", "madi 3 mas, 9:00". Names come from locales (ICU has no Haitian Creole).
 */
export function slotText(t: Translate, start: string, timeZone: string): string {
  const dt = DateTime.fromISO(start, { setZone: false }).setZone(timeZone);
  return t('booking.when', { weekday: weekdayName(t, dt.weekday), day: dt.day, month: monthName(t, dt.month), time: dt.toFormat('H:mm') });
}

const WEEKDAY_KEYS = ['booking.weekday.1', 'booking.weekday.2', 'booking.weekday.3', 'booking.weekday.4', 'booking.weekday.5', 'booking.weekday.6', 'booking.weekday.7'] as const;
const MONTH_KEYS = [
  'booking.month.1',
  'booking.month.2',
  'booking.month.3',
  'booking.month.4',
  'booking.month.5',
  'booking.month.6',
  'booking.month.7',
  'booking.month.8',
  'booking.month.9',
  'booking.month.10',
  'booking.month.11',
  'booking.month.12',
] as const;

/** A weekday's name, ISO numbering (1 Monday … 7 Sunday). Names come from locales (ICU has no Haitian Creole). */
export function weekdayName(t: Translate, isoWeekday: number): string {
  return t(WEEKDAY_KEYS[(isoWeekday - 1 + 7) % 7] ?? 'booking.weekday.1');
}

/** A month's name (1 January … 12 December). */
export function monthName(t: Translate, month: number): string {
  return t(MONTH_KEYS[(month - 1 + 12) % 12] ?? 'booking.month.1');
}

/** "Albañil (EC0326)", or the trade alone when the standard's code is to be confirmed. */
export function standardText(catalog: Catalog, t: Translate, language: Language, occupationId: string, code: string | null): string {
  const occupation = catalog.occupation(occupationId)?.name[language] ?? occupationId;
  return code ? t('booking.standard', { occupation, code }) : t('booking.standardNoCode', { occupation });
}

/** Centre, address (or whom to ask), day and time (or that the centre will set it), assessment: the lines every booking message repeats. */
export function bookingDetails(catalog: Catalog, t: Translate, language: Language, centre: Pick<Centre, 'name' | 'address' | 'institution'>, booking: Pick<Booking, 'slot' | 'timeZone' | 'occupation' | 'standard'>): string {
  const institution = catalog.institution(centre.institution)?.acronym ?? centre.institution;
  return t('booking.details', {
    centre: centre.name,
    address: centre.address ?? t('booking.addressUnknown', { institution }),
    when: whenText(t, booking),
    standard: standardText(catalog, t, language, booking.occupation, booking.standard.code),
  });
}

/** The appointment's day and time, or that the centre has not set them yet. */
export function whenText(t: Translate, booking: Pick<Booking, 'slot' | 'timeZone'>): string {
  return booking.slot ? slotText(t, booking.slot.start, booking.timeZone) : t('booking.whenPending');
}

/** A day of the centre's calendar as workers read it: "viernes 20 de noviembre", "vandredi 20 novanm". */
export function dayText(t: Translate, isoDate: string): string {
  const d = DateTime.fromISO(isoDate);
  return t('booking.dayText', { weekday: weekdayName(t, d.weekday), day: d.day, month: monthName(t, d.month) });
}

/** When a worker can go, as they will read it back: "viernes, en la tarde", "nenpòt jou". */
export function preferencesText(t: Translate, p: Preferences | null): string {
  if (!p || p.any || (p.dates.length === 0 && p.weekdays.length === 0 && p.parts.length === 0)) return t('booking.prefs.any');
  const days = [...p.dates.map((d) => dayText(t, d)), ...p.weekdays.map((w) => weekdayName(t, WEEKDAYS.indexOf(w) + 1))];
  const parts = p.parts.map((part) => t(`booking.prefs.${part}`));
  return [...days, ...parts].join(t('booking.prefs.join'));
}

/**
 * What to bring: the documents the institution's route names (`route`: its effective route, with
 * what it published; the researched one otherwise), or whom to ask when unknown,
 * then the evidence the standard's assessment usually asks for (data/prescreen.json).
 */
export function whatToBring(catalog: Catalog, t: Translate, language: Language, institutionId: string, occupationId: string, route?: Route): string {
  const institution = catalog.institution(institutionId);
  const acronym = institution?.acronym ?? institutionId;
  // The institution's effective route when given (what it published wins over Ruta's research).
  const documents = (route ?? institution?.route)?.documents;
  const items = [
    documents ? t('booking.bringDocs', { documents: documents.text[language] }) : t('booking.bringDocsUnknown', { institution: acronym }),
    ...(catalog.prescreen(occupationId)?.evidence ?? []).map((e) => e.text[language]),
  ];
  return t('booking.bring', { items: items.map((i) => `- ${i}`).join('\n') });
}

/** Menu options for slots offered earlier (their local starts), each written in the worker's language. */
export function slotOptions(t: Translate, centre: Centre, locals: readonly string[]): MenuOption[] {
  return locals.flatMap((local) => {
    const slot = slotOf(centre, local);
    return slot ? [{ id: local, label: slotText(t, slot.start, centre.timeZone) }] : [];
  });
}

/**
 * A centre as workers see it in a list: its name, with its town when the name does not already
 * say it ("INA La Uruca (San José)", but "INFOTEP Santo Domingo").
 */
export function centreLabel(centre: Pick<Centre, 'name' | 'city'>): string {
  const folded = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const town = folded(centre.city).split(/[,(]/)[0]!.trim();
  const name = folded(centre.name);
  // "Santiago de los Caballeros" is said by "Santiago"; "San José" only by itself.
  const first = town.split(' ')[0] ?? '';
  const said = (town !== '' && name.includes(town)) || (first.length >= 5 && new RegExp(`\\b${first}\\b`).test(name));
  // A name that already ends with its place in brackets ("… Peña Gómez (Haina)") gets no second pair.
  return said || /\)\s*$/.test(centre.name) ? centre.name : `${centre.name} (${centre.city})`;
}

/** "No free times at <centre> in the next N weeks. Ask <institution> …" */
export function noSlotsText(catalog: Catalog, ruta: RutaTurn, centre: Centre): string {
  const institution = catalog.institution(centre.institution)?.acronym ?? centre.institution;
  return ruta.t('booking.slotsNone', { centre: centre.name, institution, weeks: Math.round(ruta.booking.service.rules.horizonDays / 7) });
}
