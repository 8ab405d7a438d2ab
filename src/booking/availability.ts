import { z } from 'zod';

/** Days of the week as in a weekly template, Monday first (ISO weekday 1–7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const isoDate = z.iso.date();

/** Minutes since midnight of an HH:MM time. */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * A centre's weekly availability: opening ranges per weekday cut into slots of `slotMinutes`,
 * each taking up to `capacity` workers (a range may set its own capacity), minus closed dates.
 * Times are wall-clock times in the centre's time zone.
 *
 * @example { slotMinutes: 60, capacity: 2, weekly: [{ day: 'mon', from: '08:00', to: '12:00' }], closedDates: ['2026-12-25'] }
 */
export const availabilitySchema = z
  .object({
    slotMinutes: z.number().int().min(15).max(8 * 60),
    capacity: z.number().int().min(1).max(200),
    weekly: z
      .array(z.object({ day: z.enum(WEEKDAYS), from: hhmm, to: hhmm, capacity: z.number().int().min(1).max(200).optional() }))
      .max(70),
    closedDates: z.array(isoDate).max(1000).default([]),
  })
  .superRefine((a, ctx) => {
    a.weekly.forEach((range, i) => {
      if (minutesOf(range.to) - minutesOf(range.from) < a.slotMinutes)
        ctx.addIssue({ code: 'custom', path: ['weekly', i], message: `${range.day} ${range.from}–${range.to} is shorter than one slot (${a.slotMinutes} min)` });
    });
    for (const day of WEEKDAYS) {
      const ranges = a.weekly.filter((r) => r.day === day).sort((x, y) => minutesOf(x.from) - minutesOf(y.from));
      for (let i = 1; i < ranges.length; i++)
        if (minutesOf(ranges[i]!.from) < minutesOf(ranges[i - 1]!.to))
          ctx.addIssue({ code: 'custom', path: ['weekly'], message: `${day}: ranges ${ranges[i - 1]!.from}–${ranges[i - 1]!.to} and ${ranges[i]!.from}–${ranges[i]!.to} overlap` });
    }
  });
export type Availability = z.infer<typeof availabilitySchema>;
