import { DateTime } from 'luxon';
import type { Booking } from '../src/booking/booking.js';
import type { Centre } from '../src/booking/centre.js';
import { slotOf } from '../src/booking/slots.js';
import type { MenuOption } from '../src/bot/choice.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import type { Catalog } from '../src/catalog/Catalog.js';
import type { Language } from '../src/catalog/schema.js';
import type { Translate } from '../src/i18n.js';

/**
 * A slot's start as workers read it, in the centre's time zone: "martes 3 de marzo, 9:00",
 * "Tuesday 3 March, 9:00", "madi 3 mas, 9:00". Names come from locales (ICU has no Haitian Creole).
 */
export function slotText(t: Translate, start: string, timeZone: string): string {
  const dt = DateTime.fromISO(start, { setZone: false }).setZone(timeZone);
  return t('booking.when', { weekday: t(`booking.weekday.${dt.weekday}`), day: dt.day, month: t(`booking.month.${dt.month}`), time: dt.toFormat('H:mm') });
}

/** "Albañil (EC0326)", or the trade alone when the standard's code is to be confirmed. */
export function standardText(catalog: Catalog, t: Translate, language: Language, occupationId: string, code: string | null): string {
  const occupation = catalog.occupation(occupationId)?.name[language] ?? occupationId;
  return code ? t('booking.standard', { occupation, code }) : t('booking.standardNoCode', { occupation });
}

/** Centre, address (or whom to ask), day and time, assessment: the lines every booking message repeats. */
export function bookingDetails(catalog: Catalog, t: Translate, language: Language, centre: Pick<Centre, 'name' | 'address' | 'institution'>, booking: Pick<Booking, 'slot' | 'timeZone' | 'occupation' | 'standard'>): string {
  const institution = catalog.institution(centre.institution)?.acronym ?? centre.institution;
  return t('booking.details', {
    centre: centre.name,
    address: centre.address ?? t('booking.addressUnknown', { institution }),
    when: slotText(t, booking.slot.start, booking.timeZone),
    standard: standardText(catalog, t, language, booking.occupation, booking.standard.code),
  });
}

/**
 * What to bring: the documents the institution's route names (or whom to ask, when unknown),
 * then the evidence the standard's assessment usually asks for (data/prescreen.json).
 */
export function whatToBring(catalog: Catalog, t: Translate, language: Language, institutionId: string, occupationId: string): string {
  const institution = catalog.institution(institutionId);
  const acronym = institution?.acronym ?? institutionId;
  const documents = institution?.route.documents;
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

/** "No free times at <centre> in the next N weeks. Ask <institution> …" */
export function noSlotsText(catalog: Catalog, ruta: RutaTurn, centre: Centre): string {
  const institution = catalog.institution(centre.institution)?.acronym ?? centre.institution;
  return ruta.t('booking.slotsNone', { centre: centre.name, institution, weeks: Math.round(ruta.booking.service.rules.horizonDays / 7) });
}
