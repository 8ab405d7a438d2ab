#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCentreDirectory } from '../booking/buildCentreDirectory.js';
import { loadCentreSources, parseCentreRows } from '../booking/centreSources.js';
import { Catalog } from '../catalog/Catalog.js';
import { Gazetteer } from '../geo/Gazetteer.js';
import { loadPlaceAliases } from '../geo/placeAliases.js';

/**
 * `node dist/src/tools/buildCentres.js --central data/sources/centres-central.tsv --south data/sources/centres-south.tsv > data/centres.json`
 * The real centre directory from the researched lists: JSON on stdout, every row left out on
 * stderr with its reason. Decisions (institution names, places, trades) are in data/centre-sources.json.
 */
const { values } = parseArgs({ options: { central: { type: 'string' }, south: { type: 'string' }, sources: { type: 'string' } } });
if (!values.central || !values.south) {
  process.stderr.write('Usage: buildCentres --central centres-central.tsv --south centres-south.tsv [--sources data/centre-sources.json] > data/centres.json\n');
  process.exit(2);
}
const rows = [values.central, values.south].flatMap((file) => parseCentreRows(readFileSync(file, 'utf8'), basename(file)));
const catalog = Catalog.load();
const gazetteer = new Gazetteer(catalog.countries.map((c) => c.code), loadPlaceAliases());
const { file, skipped, warnings } = buildCentreDirectory(rows, values.sources ? loadCentreSources(values.sources) : loadCentreSources(), gazetteer, catalog);
process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
for (const s of skipped) process.stderr.write(`skipped ${s.at} ${s.country} ${s.institution} "${s.centre}" (${s.city}): ${s.reason}\n`);
for (const w of warnings) process.stderr.write(`warning ${w}\n`);
process.stderr.write(`${file.centres.length} centres from ${rows.length} rows; ${skipped.length} left out\n`);
