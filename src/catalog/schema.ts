import { z } from 'zod';

/** The three languages Ruta speaks. */
export const LANGUAGES = ['es', 'en', 'ht'] as const;
export type Language = (typeof LANGUAGES)[number];
export const languageSchema = z.enum(LANGUAGES);
export const isLanguage = (x: unknown): x is Language => typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);

const text = z.string().trim().min(1);
/** A worker-facing text in all three languages. */
export const localizedSchema = z.object({ es: text, en: text, ht: text });
export type Localized = z.infer<typeof localizedSchema>;

/** Words in each of the three languages. */
export const localizedListSchema = z.object({ es: z.array(text).min(1), en: z.array(text).min(1), ht: z.array(text).min(1) });
export type LocalizedList = z.infer<typeof localizedListSchema>;

/** A fact told to workers: its text in three languages and where it was read. */
export const factSchema = z.object({ text: localizedSchema, source: text });
export type Fact = z.infer<typeof factSchema>;

const countryCode = z.string().regex(/^[A-Z]{2}$/);
const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug');

export const countrySchema = z.object({
  code: countryCode,
  name: localizedSchema,
  /** E.164 prefixes without '+': '52' for Mexico; '1809' for the Dominican Republic's area codes. */
  dialPrefixes: z.array(z.string().regex(/^\d{1,4}$/)).min(1),
  institutions: z.array(slug).min(1),
});
export type Country = z.infer<typeof countrySchema>;

/**
 * A certification route. A null fact is unknown: the worker is told so, and whom to ask.
 * `steps` are short numbered lines.
 */
export const routeSchema = z.object({
  summary: factSchema,
  steps: z.object({ text: z.object({ es: z.array(text).min(1), en: z.array(text).min(1), ht: z.array(text).min(1) }), source: text }).nullable(),
  documents: factSchema.nullable(),
  withoutPapers: factSchema.nullable(),
  cost: factSchema.nullable(),
  duration: factSchema.nullable(),
  validity: factSchema.nullable(),
  contact: factSchema.nullable(),
});
export type Route = z.infer<typeof routeSchema>;

export const institutionSchema = z.object({
  id: slug,
  country: countryCode,
  acronym: text,
  hq: z.object({ city: text, lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  route: routeSchema,
  sources: z.array(text).min(1),
});
export type Institution = z.infer<typeof institutionSchema>;

export const standardRefSchema = z.object({
  institution: slug,
  /** The institution's own code, or null when it is not published (to be confirmed with the institution). */
  code: text.nullable(),
  title: text,
  source: text,
});
export type StandardRef = z.infer<typeof standardRefSchema>;

export const occupationSchema = z.object({
  id: slug,
  isco08: z.string().regex(/^\d{4}$/),
  sector: slug,
  name: localizedSchema,
  /** What people call the trade, per language, regional and older spellings included ("mesonero", "bòs mason", "maçon"). */
  terms: localizedListSchema,
  /** What people say they do in it ("pegar block", "lay blocks", "monte mi"): weaker evidence than a name. */
  tasks: localizedListSchema,
  /** Standards that certify it, by country code. */
  standards: z.record(countryCode, z.array(standardRefSchema)),
});
export type Occupation = z.infer<typeof occupationSchema>;

export const sectorSchema = z.object({ id: slug, name: localizedSchema });
export type Sector = z.infer<typeof sectorSchema>;

export const catalogSchema = z
  .object({
    countries: z.array(countrySchema).min(1),
    institutions: z.array(institutionSchema).min(1),
    sectors: z.array(sectorSchema).min(1),
    occupations: z.array(occupationSchema).min(1),
  })
  .superRefine((c, ctx) => {
    const institutionIds = new Set(c.institutions.map((i) => i.id));
    const countryCodes = new Set(c.countries.map((x) => x.code));
    const sectorIds = new Set(c.sectors.map((s) => s.id));
    const dup = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    for (const d of dup(c.countries.map((x) => x.code))) ctx.addIssue({ code: 'custom', message: `duplicate country ${d}` });
    for (const d of dup(c.institutions.map((i) => i.id))) ctx.addIssue({ code: 'custom', message: `duplicate institution ${d}` });
    for (const d of dup(c.occupations.map((o) => o.id))) ctx.addIssue({ code: 'custom', message: `duplicate occupation ${d}` });
    for (const country of c.countries)
      for (const id of country.institutions)
        if (!institutionIds.has(id)) ctx.addIssue({ code: 'custom', message: `country ${country.code} names unknown institution ${id}` });
    for (const inst of c.institutions)
      if (!countryCodes.has(inst.country)) ctx.addIssue({ code: 'custom', message: `institution ${inst.id} names unknown country ${inst.country}` });
    for (const occ of c.occupations) {
      if (!sectorIds.has(occ.sector)) ctx.addIssue({ code: 'custom', message: `occupation ${occ.id} names unknown sector ${occ.sector}` });
      for (const [cc, refs] of Object.entries(occ.standards)) {
        if (!countryCodes.has(cc)) ctx.addIssue({ code: 'custom', message: `occupation ${occ.id} names unknown country ${cc}` });
        for (const r of refs)
          if (!institutionIds.has(r.institution)) ctx.addIssue({ code: 'custom', message: `occupation ${occ.id} names unknown institution ${r.institution}` });
      }
    }
  });
export type CatalogData = z.infer<typeof catalogSchema>;

/** One self-assessment statement of a pre-screen, tied to the unit, element or task it comes from. */
export const statementSchema = z.object({ id: slug, unit: text, text: localizedSchema });
export type Statement = z.infer<typeof statementSchema>;

/** The pre-screen of one occupation: 6–10 statements and the evidence its assessment usually asks for. */
export const prescreenSchema = z
  .object({
    basis: text,
    statements: z.array(statementSchema).min(6).max(10),
    evidence: z.array(z.object({ id: slug, text: localizedSchema })).min(1).max(4),
  })
  .superRefine((p, ctx) => {
    const ids = p.statements.map((s) => s.id);
    for (const d of ids.filter((x, i) => ids.indexOf(x) !== i)) ctx.addIssue({ code: 'custom', message: `duplicate statement ${d}` });
  });
export type Prescreen = z.infer<typeof prescreenSchema>;

export const prescreensSchema = z.object({ source: text, occupations: z.record(slug, prescreenSchema) });
