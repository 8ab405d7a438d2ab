import { z } from 'zod';
import { availabilitySchema } from './availability.js';

const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug');

/** True when the IANA time zone is known to this runtime's tz database. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/**
 * An assessment centre. `location.precision` says how far the coordinates can be trusted:
 * 'hq-city' is the institution's head-office city (a default when nothing better is known).
 * `assesses` lists the occupations (catalog ids) it assesses, or 'all' of its institution's.
 *
 * @example { id: 'infotep-santo-domingo', institution: 'infotep', name: 'INFOTEP Santo Domingo', address: null,
 *            location: { lat: 18.47, lon: -69.89, precision: 'hq-city' }, timeZone: 'America/Santo_Domingo', assesses: 'all', ... }
 */
export const centreSchema = z.object({
  id: slug.max(64),
  institution: slug,
  name: z.string().trim().min(1).max(80),
  address: z.string().trim().min(1).max(200).nullable(),
  location: z.object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    precision: z.enum(['address', 'city', 'hq-city']),
  }),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Mexico_City'),
  assesses: z.union([z.literal('all'), z.array(slug).min(1).max(200)]),
  availability: availabilitySchema,
  source: z.string().trim().min(1),
});
export type Centre = z.infer<typeof centreSchema>;

export const centresFileSchema = z.object({ note: z.string(), centres: z.array(centreSchema).min(1) });
