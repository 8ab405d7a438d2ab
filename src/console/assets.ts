import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import express, { type Router } from 'express';
import { projectRoot } from '../paths.js';

/**
 * The console's static files, served from the installed packages (never a CDN) and from
 * src/console/assets/. Each URL carries a hash of the file (`?v=…`), so browsers may keep it a year
 * and a new version is fetched at once. Compressed once (brotli, or gzip for older browsers), on
 * zlib's thread pool and never on the event loop: Pico and htmx are 120 KB as shipped and about
 * 30 KB compressed, which matters on a phone over a slow connection, but brotli at its best quality
 * takes about half a second for all of them — not something start-up or a worker's turn should wait for.
 */
const FILES = {
  'pico.min.css': { package: '@picocss/pico/css/pico.min.css', type: 'text/css' },
  'htmx.min.js': { package: 'htmx.org/dist/htmx.min.js', type: 'text/javascript' },
  'console.css': { own: 'src/console/assets/console.css', type: 'text/css' },
  // The dashboard's chart (Chart.js, from the package) and the few lines that draw it from the page's numbers.
  // (chart.js exports no subpath for its browser build: the file beside the package's entry.)
  'chart.umd.min.js': { package: 'chart.js', beside: 'chart.umd.min.js', type: 'text/javascript' },
  'analytics.js': { own: 'src/console/assets/analytics.js', type: 'text/javascript' },
} as const;
export type AssetName = keyof typeof FILES;

interface Loaded {
  body: Buffer;
  /** Brotli and gzip, made once on the thread pool (see compressed). */
  packed?: Promise<{ br: Buffer; gzip: Buffer }>;
  type: string;
  version: string;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function compressed(asset: Loaded): Promise<{ br: Buffer; gzip: Buffer }> {
  asset.packed ??= Promise.all([brotliAsync(asset.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), gzipAsync(asset.body, { level: 9 })]).then(([br, gz]) => ({ br, gzip: gz }));
  return asset.packed;
}
let loaded: Map<AssetName, Loaded> | undefined;

function load(): Map<AssetName, Loaded> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  loaded = new Map(
    (Object.entries(FILES) as Array<[AssetName, (typeof FILES)[AssetName]]>).map(([name, f]) => {
      const path = 'package' in f ? ('beside' in f ? join(dirname(require.resolve(f.package)), f.beside) : require.resolve(f.package)) : join(projectRoot(), f.own);
      const body = readFileSync(path);
      return [name, { body, type: f.type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) }];
    }),
  );
  return loaded;
}

/** Reads the assets now and starts compressing them in the background (the console calls it when it is built, not in a first visitor's request). */
export function warmAssets(): void {
  for (const asset of load().values()) void compressed(asset);
}

/** The URL of an asset, e.g. /console/assets/pico.min.css?v=3f2a… */
export function assetHref(name: AssetName): string {
  return `/console/assets/${name}?v=${load().get(name)!.version}`;
}

/** GET /console/assets/<name>: only the files above. */
export function assetRoutes(): Router {
  const router = express.Router();
  router.get('/:name', async (req, res, next) => {
    const name = req.params.name;
    const asset = Object.hasOwn(FILES, name) ? load().get(name as AssetName) : undefined;
    if (!asset) return next();
    res.set('Cache-Control', req.query.v === asset.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    res.vary('Accept-Encoding').type(asset.type);
    const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
    if (accepted !== 'br' && accepted !== 'gzip') return void res.send(asset.body);
    const packed = await compressed(asset);
    res.set('Content-Encoding', accepted).send(packed[accepted]);
  });
  return router;
}
