import type { Booking } from '../booking/booking.js';
import type { Centre } from '../booking/centre.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { ContactSealer } from '../privacy/ContactSealer.js';

/** A booking as the institution's API shows it (the only place the worker's number is opened). */
export interface BookingView {
  code: string;
  centre: string;
  centreName: string;
  /** null while requested (no time yet). */
  start: string | null;
  end: string | null;
  status: Booking['status'];
  /** A request's preferred days and times. */
  preferences: Booking['preferences'];
  declineReason: Booking['declineReason'];
  outcome: Booking['outcome'];
  firstName: string | null;
  phone: string | null;
  channel: Booking['channel'];
  language: Booking['language'];
  standard: { institution: string; code: string | null; occupation: string; isco08: string | null; title: string };
  prescreen: Booking['prescreen'];
  createdAt: string;
  updatedAt: string;
  history: Booking['history'];
}

/**
 * A booking as the API (and the console's CSV export) shows it. Without a sealer the number stays
 * sealed and `phone` is null: the console never shows a worker's number.
 */
export function bookingView(b: Booking, centre: Centre | undefined, catalog: Catalog, sealer: ContactSealer | null): BookingView {
  const address = b.contact && sealer ? sealer.open(b.contact) : undefined;
  const occupation = catalog.occupation(b.occupation);
  return {
    code: b.code,
    centre: b.centreId,
    centreName: centre?.name ?? b.centreId,
    start: b.slot?.start ?? null,
    end: b.slot?.end ?? null,
    status: b.status,
    preferences: b.preferences,
    declineReason: b.declineReason,
    outcome: b.outcome,
    firstName: b.firstName,
    phone: address ? address.replace(/^whatsapp:/, '') : null,
    channel: b.channel,
    language: b.language,
    standard: { institution: b.standard.institution, code: b.standard.code, occupation: b.occupation, isco08: occupation?.isco08 ?? null, title: occupation?.name.es ?? b.occupation },
    prescreen: b.prescreen,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    history: b.history,
  };
}
