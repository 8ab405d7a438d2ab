import { closedOn, type Availability } from './availability.js';
import { holdsPlace, isScheduled, type Booking, type ScheduledBooking } from './booking.js';
import { slotOf } from './slots.js';

export interface Conflict {
  code: string;
  start: string;
  /** outside_hours: the new template has no slot then; closed: the date is now closed; over_capacity: more bookings than places. */
  reason: 'outside_hours' | 'closed' | 'over_capacity';
}

/**
 * The bookings holding a place (confirmed or proposed) that a new availability would no longer fit. They are reported and kept:
 * the institution decides (moves or cancels them through the API); nothing is dropped silently.
 */
export function availabilityConflicts(timeZone: string, next: Availability, bookings: readonly Booking[]): Conflict[] {
  const conflicts: Conflict[] = [];
  const perSlot = new Map<string, ScheduledBooking[]>();
  // Requests have no time yet; proposed and confirmed times hold places.
  for (const b of bookings.filter((x): x is ScheduledBooking => isScheduled(x) && holdsPlace(x))) {
    const date = b.slot.local.slice(0, 10);
    if (closedOn(next, date)) {
      conflicts.push({ code: b.code, start: b.slot.start, reason: 'closed' });
      continue;
    }
    const slot = slotOf({ timeZone, availability: next }, b.slot.local);
    if (!slot || slot.end !== b.slot.end) {
      conflicts.push({ code: b.code, start: b.slot.start, reason: 'outside_hours' });
      continue;
    }
    perSlot.set(b.slot.local, [...(perSlot.get(b.slot.local) ?? []), b]);
  }
  for (const [local, list] of perSlot) {
    const slot = slotOf({ timeZone, availability: next }, local);
    // The latest bookings are the ones over the new capacity.
    const sorted = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const b of sorted.slice(slot?.capacity ?? 0)) conflicts.push({ code: b.code, start: b.slot.start, reason: 'over_capacity' });
  }
  return conflicts.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.code.localeCompare(b.code));
}
