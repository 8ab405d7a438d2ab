import { DateTime } from 'luxon';
import { closedOn, minutesOf, WEEKDAYS, type Availability } from './availability.js';

/**
 * One bookable slot of a centre. `local` is the wall-clock start in the centre's time zone
 * ('2027-03-02T09:00'), which identifies the slot; `start`/`end` are ISO 8601 with the offset
 * that applies on that date (computed from the IANA database, never hand-written).
 */
export interface Slot {
  local: string;
  start: string;
  end: string;
  capacity: number;
}

interface Schedule {
  timeZone: string;
  /** null: the centre's institution has not set its hours (no slots at all). */
  availability: Availability | null;
}

const LOCAL_FORMAT = "yyyy-LL-dd'T'HH:mm";

/** Every slot of the weekly template that starts in [from, to), in order, closed dates and closures left out. */
export function slotsBetween(centre: Schedule, from: Date, to: Date): Slot[] {
  const zone = centre.timeZone;
  const { availability } = centre;
  if (!availability) return [];
  const first = DateTime.fromJSDate(from, { zone }).startOf('day');
  const last = DateTime.fromJSDate(to, { zone });
  const slots: Slot[] = [];
  for (let day = first; day < last; day = day.plus({ days: 1 })) {
    if (closedOn(availability, day.toISODate() ?? '')) continue;
    const weekday = WEEKDAYS[day.weekday - 1];
    const ranges = availability.weekly.filter((r) => r.day === weekday).sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    for (const range of ranges) {
      const capacity = range.capacity ?? availability.capacity;
      for (let m = minutesOf(range.from); m + availability.slotMinutes <= minutesOf(range.to); m += availability.slotMinutes) {
        const slot = slotAt(zone, day, m, availability.slotMinutes, capacity);
        if (slot && slot.startMs >= from.getTime() && slot.startMs < to.getTime()) slots.push(slot.slot);
      }
    }
  }
  return slots;
}

/**
 * The template slot that starts at `local` ('2027-03-02T09:00'), if the centre offers one then
 * (right weekday and range, not a closed date, a time that exists on that date).
 */
export function slotOf(centre: Schedule, local: string): Slot | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(local)) return undefined;
  const day = DateTime.fromISO(local.slice(0, 10), { zone: centre.timeZone });
  if (!day.isValid) return undefined;
  return slotsBetween(centre, day.toJSDate(), day.plus({ days: 1 }).toJSDate()).find((s) => s.local === local);
}

/** The slot's start as an instant. */
export const slotStart = (slot: Pick<Slot, 'start'>): Date => new Date(Date.parse(slot.start));

function slotAt(zone: string, day: DateTime, minutes: number, length: number, capacity: number) {
  const start = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
  // A wall-clock time skipped by a daylight-saving change does not exist that day: no slot.
  if (start.hour !== Math.floor(minutes / 60) || start.minute !== minutes % 60) return undefined;
  const end = start.plus({ minutes: length });
  return {
    startMs: start.toMillis(),
    slot: {
      local: start.toFormat(LOCAL_FORMAT),
      start: start.toISO({ suppressMilliseconds: true }) ?? '',
      end: end.toISO({ suppressMilliseconds: true }) ?? '',
      capacity,
    },
  };
}

/** Great-circle distance in km (haversine), for "nearest centre". */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
