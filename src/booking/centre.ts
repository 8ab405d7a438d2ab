import { z } from 'zod';
import { availabilitySchema } from './availability.js';

const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug');

/**
 * Characters a worker's chat menu or an institution's spreadsheet must never receive: C0 and C1
 * controls (tab, CR and LF included), DEL, line and paragraph separators, and the Unicode bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that reorder what is shown.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** First characters a spreadsheet runs as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Text shown to workers and exported to institutions (a centre's name or address): no control or
 * bidi characters anywhere (checked before trimming, so a leading tab is refused, not hidden),
 * trimmed, 1 to `max` characters, not starting like a spreadsheet formula.
 *
 * @example displayText(80).parse(' INFOTEP Santiago ') === 'INFOTEP Santiago'; '=HYPERLINK("x")' is refused
 */
export const displayText = (max: number) =>
  z
    .string()
    .refine((s) => !UNSAFE_CHARACTERS.test(s), 'must not contain control characters (tab, line breaks) or bidirectional overrides')
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !FORMULA_START.test(s), 'must not start with =, +, - or @ (spreadsheets would run it as a formula)');

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
  name: displayText(80),
  address: displayText(200).nullable(),
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
