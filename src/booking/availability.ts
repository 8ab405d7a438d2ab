import { z } from 'zod';

/** Days of the week as in a weekly template, Monday first (ISO weekday 1–7). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const isoDate = z.iso.date();

/** Minutes since midnight of an HH:MM time. */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Text of a closure's reason: one line, no control characters, at most 100 characters. */
const reasonText = z
  .string()
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(s), 'must not contain control characters or bidirectional overrides')
  .trim()
  .min(1)
  .max(100);

/**
 * Days a centre is closed, with the reason staff gave ("Navidad", "Inventario"): `from` to `to`, both included.
 *
 * @example { from: '2026-12-24', to: '2026-12-26', reason: 'Navidad' }
 */
export const closureSchema = z
  .object({ from: isoDate, to: isoDate, reason: reasonText })
  .refine((c) => c.to >= c.from, { path: ['to'], message: 'to must be on or after from' })
  .refine((c) => Date.parse(c.to) - Date.parse(c.from) <= 366 * 24 * 3600_000, { path: ['to'], message: 'a closure lasts at most a year' });
export type Closure = z.infer<typeof closureSchema>;

/**
 * A centre's weekly availability: opening ranges per weekday cut into slots of `slotMinutes`,
 * each taking up to `capacity` workers (a range may set its own capacity), minus closed dates
 * (`closedDates`, single days) and closures (date ranges with a reason, as the console sets them).
 * Times are wall-clock times in the centre's time zone.
 *
 * @example { slotMinutes: 60, capacity: 2, weekly: [{ day: 'mon', from: '08:00', to: '12:00' }], closedDates: ['2026-12-25'],
 *            closures: [{ from: '2027-03-29', to: '2027-04-02', reason: 'Semana Santa' }] }
 */
export const availabilitySchema = z
  .object({
    slotMinutes: z.number().int().min(15).max(8 * 60),
    capacity: z.number().int().min(1).max(200),
    weekly: z
      .array(z.object({ day: z.enum(WEEKDAYS), from: hhmm, to: hhmm, capacity: z.number().int().min(1).max(200).optional() }))
      .max(70),
    closedDates: z.array(isoDate).max(1000).default([]),
    closures: z.array(closureSchema).max(200).default([]),
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

/**
 * Whether the centre is closed all day on `date` (YYYY-MM-DD): a closed date, or inside a closure.
 *
 * @example closedOn({ closedDates: [], closures: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Navidad' }] }, '2026-12-25') === true
 */
export function closedOn(availability: Pick<Availability, 'closedDates' | 'closures'>, date: string): boolean {
  return availability.closedDates.includes(date) || availability.closures.some((c) => c.from <= date && date <= c.to);
}
