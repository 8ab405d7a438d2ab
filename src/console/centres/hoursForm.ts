import { availabilitySchema, minutesOf, WEEKDAYS, type Availability, type Weekday } from '../../booking/availability.js';

/** Slot lengths offered in the form (any other length set through the API is kept as an option). */
export const SLOT_LENGTHS = [15, 20, 30, 45, 60, 90, 120, 180, 240] as const;

/** One weekday as the form shows it: closed, or one opening period and perhaps a second (after a break). */
export interface DayHours {
  closed: boolean;
  from: string;
  to: string;
  from2: string;
  to2: string;
}

/** The hours form as typed (strings, so a mistake comes back exactly as it was written). */
export interface HoursForm {
  slotMinutes: string;
  capacity: string;
  days: Record<Weekday, DayHours>;
}

export type HoursErrorKey =
  | 'hours.errors.slotMissing'
  | 'hours.errors.capacityInvalid'
  | 'hours.errors.openMissing'
  | 'hours.errors.closedAndTimes'
  | 'hours.errors.timeInvalid'
  | 'hours.errors.closeBeforeOpen'
  | 'hours.errors.shorterThanSlot'
  | 'hours.errors.secondIncomplete'
  | 'hours.errors.secondOverlaps'
  | 'hours.errors.notSaved';

/** A problem with the form: the field to link to, the message's key, and the day it is about (if any). */
export interface HoursError {
  field: string;
  key: HoursErrorKey;
  day?: Weekday;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** People type 08:00, 8:00, 8.00, 0800 or 8; all mean HH:MM (anything else is kept as typed, to be refused). */
const normalTime = (s: string): string => {
  const m = /^(\d{1,2})(?:[:.h]?(\d\d))?(?::\d\d)?$/.exec(s.trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2] ?? '00'}` : s.trim();
};

/** The form filled in from a centre's availability (null: nothing set yet, every day closed). */
export function hoursFormOf(availability: Availability | null): HoursForm {
  const days = Object.fromEntries(
    WEEKDAYS.map((day) => {
      const ranges = (availability?.weekly ?? []).filter((r) => r.day === day).sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
      return [day, { closed: ranges.length === 0, from: ranges[0]?.from ?? '', to: ranges[0]?.to ?? '', from2: ranges[1]?.from ?? '', to2: ranges[1]?.to ?? '' }];
    }),
  ) as Record<Weekday, DayHours>;
  return { slotMinutes: availability ? String(availability.slotMinutes) : '60', capacity: availability ? String(availability.capacity) : '', days };
}

/** The form as posted: `<day>-closed`, `<day>-from`, `<day>-to`, `<day>-from2`, `<day>-to2`, `slotMinutes`, `capacity`. */
export function hoursFormFrom(field: (name: string) => string): HoursForm {
  const days = Object.fromEntries(
    WEEKDAYS.map((day) => [
      day,
      { closed: field(`${day}-closed`) !== '', from: normalTime(field(`${day}-from`)), to: normalTime(field(`${day}-to`)), from2: normalTime(field(`${day}-from2`)), to2: normalTime(field(`${day}-to2`)) },
    ]),
  ) as Record<Weekday, DayHours>;
  return { slotMinutes: field('slotMinutes').trim(), capacity: field('capacity').trim(), days };
}

/**
 * The availability a filled-in form asks for, or what is wrong with it (every problem, in the
 * order of the page). Closed dates, closures and a range's own capacity (set through the API) are
 * kept from `current` (a range keeps its capacity while its day and times stay the same).
 *
 * @example parseHours(hoursFormFrom(field), centre.availability) // { ok: true, availability: { slotMinutes: 60, capacity: 2, weekly: [...], ... } }
 */
export function parseHours(form: HoursForm, current: Availability | null): { ok: true; availability: Availability } | { ok: false; errors: HoursError[] } {
  const errors: HoursError[] = [];
  const slotMinutes = Number(form.slotMinutes);
  const slotOk = /^\d+$/.test(form.slotMinutes) && slotMinutes >= 15 && slotMinutes <= 480;
  if (!slotOk) errors.push({ field: 'slotMinutes', key: 'hours.errors.slotMissing' });
  const capacity = Number(form.capacity);
  if (!/^\d+$/.test(form.capacity) || capacity < 1 || capacity > 200) errors.push({ field: 'capacity', key: 'hours.errors.capacityInvalid' });

  const weekly: Availability['weekly'] = [];
  for (const day of WEEKDAYS) {
    const d = form.days[day];
    const typed = [d.from, d.to, d.from2, d.to2].some((x) => x !== '');
    if (d.closed && typed) errors.push({ field: `${day}-closed`, key: 'hours.errors.closedAndTimes', day });
    if (d.closed) continue;
    if (d.from === '' && d.to === '') {
      errors.push({ field: `${day}-from`, key: 'hours.errors.openMissing', day });
      continue;
    }
    const periods: Array<[string, string, string]> = [[d.from, d.to, '']];
    if (d.from2 !== '' || d.to2 !== '') periods.push([d.from2, d.to2, '2']);
    let previousEnd = -1;
    for (const [from, to, n] of periods) {
      if (n === '2' && (from === '' || to === '')) {
        errors.push({ field: `${day}-${from === '' ? 'from2' : 'to2'}`, key: 'hours.errors.secondIncomplete', day });
        break;
      }
      const bad = [from, to].findIndex((x) => !TIME.test(x));
      if (bad >= 0) {
        errors.push({ field: `${day}-${bad === 0 ? 'from' : 'to'}${n}`, key: 'hours.errors.timeInvalid', day });
        break;
      }
      if (minutesOf(to) <= minutesOf(from)) {
        errors.push({ field: `${day}-to${n}`, key: 'hours.errors.closeBeforeOpen', day });
        break;
      }
      if (n === '2' && minutesOf(from) < previousEnd) {
        errors.push({ field: `${day}-from2`, key: 'hours.errors.secondOverlaps', day });
        break;
      }
      if (slotOk && minutesOf(to) - minutesOf(from) < slotMinutes) {
        errors.push({ field: `${day}-to${n}`, key: 'hours.errors.shorterThanSlot', day });
        break;
      }
      previousEnd = minutesOf(to);
      const kept = current?.weekly.find((r) => r.day === day && r.from === from && r.to === to)?.capacity;
      weekly.push({ day, from, to, ...(kept !== undefined ? { capacity: kept } : {}) });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const parsed = availabilitySchema.safeParse({ slotMinutes, capacity, weekly, closedDates: current?.closedDates ?? [], closures: current?.closures ?? [] });
  // The checks above are the schema's, in people's words; anything else it finds is reported on the first day.
  if (!parsed.success) return { ok: false, errors: [{ field: 'mon-from', key: 'hours.errors.notSaved' }] };
  return { ok: true, availability: parsed.data };
}
