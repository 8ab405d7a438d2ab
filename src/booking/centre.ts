import { z } from 'zod';
import { availabilitySchema } from './availability.js';
import { ONBOARDING_MESSAGES, onboardingGaps } from './onboarding.js';

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

const timeZones = new Map<string, boolean>();
let canonicalZones: ReadonlySet<string> | undefined;

/** True when the IANA time zone is known to this runtime's tz database. */
export function isTimeZone(zone: string): boolean {
  // A canonical name (every centre's, in practice) is looked up in the runtime's list (about 2 ms
  // once): the first ICU formatter with a time zone loads the zone data, about 20 ms that a start
  // would wait for before its first answer (issue 13: start-up). Another name (an alias such as
  // US/Eastern, or a wrong one) is checked by building a formatter.
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(zone)) return true;
  let known = timeZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      known = zone.includes('/') || zone === 'UTC';
    } catch {
      known = false;
    }
    // Remembered: each check builds an ICU formatter (about 0.2 ms), and a start checks every centre.
    if (timeZones.size < 1_000) timeZones.set(zone, known);
  }
  return known;
}

/** A centre's telephone as published: digits, spaces, +, -, parentheses, and "ext." words. */
const phoneText = displayText(60).refine((s) => /^[+\d][\d\s().\-/]*(\s*(ext\.?|ext|x)\s*\d+)?$/i.test(s), 'must be a telephone number');

/**
 * An assessment centre, as found in public sources and then kept by its institution.
 * - `location.precision` says how far the coordinates can be trusted: 'address' (the street),
 *   'city' (the town's centre, from the gazetteer, when the source names only a town), 'region',
 *   or 'hq-city' (the institution's head-office city, a default when nothing better is known).
 * - `assesses`: the occupations (catalog ids) it assesses, 'all' of its institution's, or
 *   'unknown' (the source does not say: the worker is told it may).
 * - `onboarded`: its institution set its address, weekly hours, capacity, closures and what it
 *   assesses (console or API). Only an onboarded centre offers instant slots; at any other the
 *   worker can request an appointment, which the centre confirms.
 * - `sample`: development only (quick start), never in production.
 *
 * @example { id: 'infotep-santiago', institution: 'infotep', name: 'INFOTEP Regional Norte', city: 'Santiago de los Caballeros',
 *            address: 'Av. Estrella Sadhalá esq. Av. Hatuey', phone: null, location: { lat: 19.45, lon: -70.69, precision: 'city' },
 *            timeZone: 'America/Santo_Domingo', assesses: 'unknown', onboarded: false, availability: null, sample: false, source: 'https://…' }
 */
export const centreFields = z.object({
    id: slug.max(64),
    institution: slug,
    name: displayText(80),
    city: displayText(80),
    address: displayText(200).nullable(),
    phone: phoneText.nullable().default(null),
    location: z.object({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      precision: z.enum(['address', 'city', 'region', 'hq-city']),
    }),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Mexico_City'),
    assesses: z.union([z.literal('all'), z.literal('unknown'), z.array(slug).min(1).max(200)]),
    onboarded: z.boolean().default(false),
    availability: availabilitySchema.nullable().default(null),
    sample: z.boolean().default(false),
    source: z.string().trim().min(1),
});

/** A centre, with the rules that tie its fields together (onboarded means address, hours and what it assesses). */
export const centreSchema = centreFields.superRefine((c, ctx) => {
    if (!c.onboarded) return;
    // Onboarded means its institution said where, when, how many and what: instant slots depend on all of it.
    for (const need of onboardingGaps(c)) ctx.addIssue({ code: 'custom', path: [need === 'hours' || need === 'capacity' ? 'availability' : need], message: ONBOARDING_MESSAGES[need] });
  });
export type Centre = z.infer<typeof centreSchema>;

/** A centre that offers instant slots: onboarded, with its hours. */
export type BookableCentre = Centre & { onboarded: true; availability: NonNullable<Centre['availability']> };
export const isBookable = (c: Centre): c is BookableCentre => c.onboarded && c.availability !== null;

export const centresFileSchema = z.object({ note: z.string(), centres: z.array(centreSchema).min(1) });
