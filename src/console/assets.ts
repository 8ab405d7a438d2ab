import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { projectRoot } from '../paths.js';

/**
 * The console's static files, served from the installed packages (never a CDN) and from
 * src/console/assets/. Each URL carries a hash of the file (`?v=…`), so browsers may keep it a year
 * and a new version is fetched at once.
 */
const FILES = {
  'pico.min.css': { package: '@picocss/pico/css/pico.min.css', type: 'text/css' },
  'htmx.min.js': { package: 'htmx.org/dist/htmx.min.js', type: 'text/javascript' },
  'console.css': { own: 'src/console/assets/console.css', type: 'text/css' },
} as const;
export type AssetName = keyof typeof FILES;

interface Loaded {
  body: Buffer;
  type: string;
  version: string;
}
let loaded: Map<AssetName, Loaded> | undefined;

function load(): Map<AssetName, Loaded> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  loaded = new Map(
    (Object.entries(FILES) as Array<[AssetName, (typeof FILES)[AssetName]]>).map(([name, f]) => {
      const path = 'package' in f ? require.resolve(f.package) : join(projectRoot(), f.own);
      const body = readFileSync(path);
      return [name, { body, type: f.type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) }];
    }),
  );
  return loaded;
}

/** The URL of an asset, e.g. /console/assets/pico.min.css?v=3f2a… */
export function assetHref(name: AssetName): string {
  return `/console/assets/${name}?v=${load().get(name)!.version}`;
}

/** GET /console/assets/<name>: only the files above. */
export function assetRoutes(): Router {
  const router = express.Router();
  router.get('/:name', (req, res, next) => {
    const name = req.params.name;
    const asset = Object.hasOwn(FILES, name) ? load().get(name as AssetName) : undefined;
    if (!asset) return next();
    res.set('Cache-Control', req.query.v === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    res.type(asset.type).send(asset.body);
  });
  return router;
}
