import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fold } from '../language/text.js';
import { projectRoot } from '../paths.js';

const aliasesFileSchema = z.object({
  note: z.string(),
  source: z.string().min(1),
  aliases: z.record(z.string().regex(/^[A-Z]{2}$/), z.record(z.string().min(1), z.string().min(1))),
});

/** data/place-aliases.json, keys folded: { MX: { 'cdmx': 'Mexico City' } }. */
export function loadPlaceAliases(file = join(projectRoot(), 'data', 'place-aliases.json')): Record<string, Record<string, string>> {
  const { aliases } = aliasesFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return Object.fromEntries(Object.entries(aliases).map(([cc, map]) => [cc, Object.fromEntries(Object.entries(map).map(([k, v]) => [fold(k), v]))]));
}
