import { availabilityConflicts, type Conflict } from './availabilityConflicts.js';
import type { BookingStore } from './BookingStore.js';
import type { Centre } from './centre.js';

const DAY = 24 * 3600_000;

/**
 * The centre's future bookings holding a place (the next 400 days) that `next` — the centre with its
 * new hours, capacity or closures — would no longer fit. The API reports them and saves; the console
 * refuses the change and lists them. Without hours, every future booking is a conflict to look at.
 *
 * @example await upcomingConflicts(bookings.store, { ...centre, availability: newHours }, now()) // [{ code: 'K7MX4P', start: '…', reason: 'outside_hours' }]
 */
export async function upcomingConflicts(store: BookingStore, next: Centre, now: Date): Promise<Conflict[]> {
  const from = now.getTime();
  const bookings = await store.byInstitution(next.institution, from, from + 400 * DAY, next.id);
  return availabilityConflicts(next.timeZone, next.availability ?? { slotMinutes: 60, capacity: 1, weekly: [], closedDates: [], closures: [] }, bookings);
}
