import { z } from 'zod';
import { PARTS_OF_DAY } from '../language/clockHours.js';
import type { TimePreferences } from '../language/timePreferences.js';
import { WEEKDAYS } from './availability.js';

/**
 * When a worker asking for an appointment can go, as understood from their words ("viernes en la
 * tarde", "demen maten", "any day"): never their text, only this. Empty lists mean no constraint
 * of that kind; `any` means none at all.
 *
 * @example { any: false, dates: [], weekdays: ['fri'], parts: ['afternoon'] }
 */
export const preferencesSchema = z.object({
  any: z.boolean(),
  /** Days in the centre's calendar (YYYY-MM-DD). */
  dates: z.array(z.iso.date()).max(31),
  weekdays: z.array(z.enum(WEEKDAYS)).max(7),
  parts: z.array(z.enum(PARTS_OF_DAY)).max(3),
});
export type Preferences = z.infer<typeof preferencesSchema>;

// What the reader of workers' words produces is what a booking keeps (checked by the compiler).
const _sameShape: (p: TimePreferences) => Preferences = (p) => p;

export const ANY_TIME: Preferences = { any: true, dates: [], weekdays: [], parts: [] };
