import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../paths.js';

/**
 * One row of the researched centre lists (centres-central.tsv, centres-south.tsv), as found in
 * public sources: many fields are empty or "not found".
 */
export interface CentreRow {
  /** File and line, for messages ("centres-south.tsv:4"). */
  at: string;
  country: string;
  institution: string;
  centreName: string;
  city: string;
  address: string;
  phone: string;
  sourceUrl: string;
}

const COLUMNS = ['country', 'institution', 'centre_name', 'city', 'address', 'phone', 'source_url'] as const;

/** Parses a centres TSV (header first, one centre a line); throws on an unexpected header or a short row. */
export function parseCentreRows(tsv: string, file: string): CentreRow[] {
  const lines = tsv.split(/\r?\n/);
  const header = (lines.shift() ?? '').split('\t').map((h) => h.trim());
  if (COLUMNS.some((name, i) => header[i] !== name)) throw new Error(`${file}: expected the columns ${COLUMNS.join(', ')}, found ${header.join(', ')}`);
  const rows: CentreRow[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.split('\t').map((x) => x.trim());
    if (f.length < COLUMNS.length) throw new Error(`${file}:${i + 2}: ${f.length} fields, expected ${COLUMNS.length}`);
    const [country, institution, centreName, city, address, phone, sourceUrl] = f as [string, string, string, string, string, string, string];
    rows.push({ at: `${file}:${i + 2}`, country, institution, centreName, city, address, phone, sourceUrl });
  });
  return rows;
}

const slugTemplate = z.string().regex(/^[a-z][a-z0-9-]*(\{city\}[a-z0-9-]*)?$/, 'a lowercase slug, optionally with {city}');
const why = z.string().min(1).optional();

/**
 * How a source's city becomes coordinates, when the gazetteer cannot find it by itself.
 * - `town`: the GeoNames town to look up (with `region` when several towns share the name);
 * - `region` alone: the province or state's centre (precision 'region');
 * - `city`: the name shown to workers (default: the source's city without its parenthesis).
 */
const placeSchema = z.object({ city: z.string().min(1).optional(), town: z.string().min(1).optional(), region: z.string().min(1).optional(), why });

/**
 * The decisions taken on one row: its id and short name (`{city}` when the row names several
 * cities), corrected address or phone, the trades the country file says it assesses, its name in
 * RENEC (Mexico: the trades then come from the standards RENEC lists it for), or why it is left out.
 */
const rowSchema = z.object({
  id: slugTemplate.optional(),
  name: z.string().min(1).optional(),
  address: z.string().min(1).nullable().optional(),
  phone: z.string().min(1).nullable().optional(),
  assesses: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1).optional(),
  renecCertifier: z.string().min(1).optional(),
  skip: z.string().min(1).optional(),
  why,
});

/**
 * data/centre-sources.json: every mapping decision the generator applies, kept apart so a reviewer
 * can check them. Rows and places are keyed "CC|text as in the TSV".
 *
 * @example { institutions: { 'OEC (tourism)': { id: 'mdt-ec', why: '…' } }, places: { 'GT|Quiché (department)': { region: 'Quiché' } } }
 */
export const centreSourcesSchema = z.object({
  note: z.string(),
  institutions: z.record(z.string(), z.object({ id: z.string().nullable(), why })),
  timeZones: z.record(z.string().regex(/^[A-Z]{2}$/), z.string()),
  regionTimeZones: z.record(z.string().regex(/^[A-Z]{2}$/), z.record(z.string(), z.string())),
  places: z.record(z.string().regex(/^[A-Z]{2}\|./), placeSchema),
  rows: z.record(z.string().regex(/^[A-Z]{2}\|./), rowSchema),
});
export type CentreSources = z.infer<typeof centreSourcesSchema>;
export type RowDecision = z.infer<typeof rowSchema>;
export type PlaceDecision = z.infer<typeof placeSchema>;

export function loadCentreSources(file = join(projectRoot(), 'data', 'centre-sources.json')): CentreSources {
  return centreSourcesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
