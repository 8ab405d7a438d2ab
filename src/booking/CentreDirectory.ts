import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/Catalog.js';
import { projectRoot } from '../paths.js';
import type { Store } from '../store/Store.js';
import { centreFields, centreSchema, centresFileSchema, type Centre } from './centre.js';
import { distanceKm } from './slots.js';

/** Where the centres are read from: the real directory and the development samples. */
export interface CentreFiles {
  /** data/centres.json: built from public sources by src/tools/buildCentres.ts, never samples. */
  centres: string;
  /** data/sample-centres.json: development samples with invented hours, `sample: true`. */
  samples: string;
}

export const defaultCentreFiles = (): CentreFiles => ({
  centres: join(projectRoot(), 'data', 'centres.json'),
  samples: join(projectRoot(), 'data', 'sample-centres.json'),
});

/**
 * Reads and checks the centres against the catalog (known institutions and occupations, ids unique
 * across both files, samples only in the samples file). Samples are read only when asked: never in production.
 *
 * @example loadCentres(catalog, { samples: config.NODE_ENV !== 'production' })
 */
export function loadCentres(catalog: Catalog, options: { samples: boolean; files?: CentreFiles }): Centre[] {
  const files = options.files ?? defaultCentreFiles();
  const read = (file: string) => centresFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).centres;
  const real = read(files.centres);
  const samples = options.samples ? read(files.samples) : [];
  const problems: string[] = [];
  for (const c of real) if (c.sample) problems.push(`centre ${c.id} is a sample: samples belong in ${files.samples}`);
  for (const c of samples) if (!c.sample) problems.push(`centre ${c.id} of ${files.samples} is not marked sample`);
  const centres = [...real, ...samples];
  for (const c of centres) {
    if (!catalog.institution(c.institution)) problems.push(`centre ${c.id} names unknown institution ${c.institution}`);
    if (Array.isArray(c.assesses)) for (const o of c.assesses) if (!catalog.occupation(o)) problems.push(`centre ${c.id} names unknown occupation ${o}`);
  }
  const ids = centres.map((c) => c.id);
  for (const d of ids.filter((x, i) => ids.indexOf(x) !== i)) problems.push(`duplicate centre ${d}`);
  if (problems.length > 0) throw new Error(`centres:\n  ${problems.join('\n  ')}`);
  return centres;
}

/** Institutions of the catalog that none of `centres` belongs to (the sources named none for them). */
export function institutionsWithoutCentre(catalog: Catalog, centres: readonly Centre[]): string[] {
  return catalog.data.institutions.map((i) => i.id).filter((id) => !centres.some((c) => c.institution === id));
}

const CUSTOM_IDS = 'centres/ids';
const centreKey = (id: string) => `centre/${id}`;

/**
 * The assessment centres: those of data/centres.json (and the development samples outside
 * production), overlaid by what institutions set
 * through the API (stored, and winning over the default with the same id).
 */
export class CentreDirectory {
  private readonly defaults: Map<string, Centre>;

  constructor(
    private readonly catalog: Catalog,
    private readonly store: Store,
    defaults: Centre[],
  ) {
    this.defaults = new Map(defaults.map((c) => [c.id, c]));
  }

  async get(id: string): Promise<Centre | undefined> {
    const stored = await this.stored(id);
    return stored ?? this.defaults.get(id);
  }

  async all(): Promise<Centre[]> {
    const ids = new Set([...this.defaults.keys(), ...(await this.customIds())]);
    const centres = await Promise.all([...ids].map((id) => this.get(id)));
    return centres.filter((c): c is Centre => c !== undefined);
  }

  async ofInstitution(institution: string): Promise<Centre[]> {
    return (await this.all()).filter((c) => c.institution === institution);
  }

  /**
   * Centres of `institution` that assess `occupation` — or may: `maybe` when the sources do not
   * say what a centre assesses (the worker is told to ask) — nearest first when a point is given.
   */
  async assessing(institution: string, occupation: string, from?: { lat: number; lon: number }): Promise<Array<{ centre: Centre; km?: number; maybe: boolean }>> {
    const centres = (await this.ofInstitution(institution)).filter((c) => c.assesses === 'all' || c.assesses === 'unknown' || (Array.isArray(c.assesses) && c.assesses.includes(occupation)));
    const withDistance = centres.map((centre) => ({ centre, maybe: centre.assesses === 'unknown', ...(from ? { km: distanceKm(from, centre.location) } : {}) }));
    return withDistance.sort((a, b) => (a.km ?? 0) - (b.km ?? 0) || a.centre.name.localeCompare(b.centre.name));
  }

  /** Stores a centre (an institution's own data wins over the default). */
  async save(centre: Centre): Promise<void> {
    const valid = centreSchema.parse(centre);
    await this.store.set(centreKey(valid.id), JSON.stringify(valid));
    if (this.defaults.has(valid.id)) return;
    // Record the id in the list of added centres (compare-and-set, so concurrent additions both stay).
    for (let attempt = 0; attempt < 10; attempt++) {
      const [current] = await this.store.getVersioned([CUSTOM_IDS]);
      const ids: string[] = current ? (JSON.parse(current.value) as string[]) : [];
      if (ids.includes(valid.id)) return;
      const put = await this.store.putVersioned(CUSTOM_IDS, JSON.stringify([...ids, valid.id]), 10 * 365 * 24 * 3600, current ? current.etag : null);
      if (put.ok) return;
    }
    throw new Error('could not record the new centre: too many concurrent changes');
  }

  /** The country a centre's institution belongs to. */
  countryOf(centre: Centre): string | undefined {
    return this.catalog.institution(centre.institution)?.country;
  }

  private async stored(id: string): Promise<Centre | undefined> {
    const raw = await this.store.get(centreKey(id));
    if (raw === null) return undefined;
    const json: unknown = JSON.parse(raw);
    const parsed = centreSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    // Saved onboarded before onboarding needed weekly hours (an API template with no range): it is
    // read as requests-only, which is what it offered, rather than dropped for the default.
    const lenient = centreFields.safeParse(json);
    return lenient.success && lenient.data.onboarded ? { ...lenient.data, onboarded: false } : undefined;
  }

  private async customIds(): Promise<string[]> {
    const [current] = await this.store.getVersioned([CUSTOM_IDS]);
    if (!current) return [];
    const parsed: unknown = JSON.parse(current.value);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  }
}
