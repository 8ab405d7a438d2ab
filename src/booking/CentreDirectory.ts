import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/Catalog.js';
import { projectRoot } from '../paths.js';
import type { Store } from '../store/Store.js';
import { centreSchema, centresFileSchema, type Centre } from './centre.js';
import { distanceKm } from './slots.js';

/** Reads and checks data/centres.json against the catalog: every institution has a centre. */
export function loadDefaultCentres(catalog: Catalog, file = join(projectRoot(), 'data', 'centres.json')): Centre[] {
  const { centres } = centresFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const problems: string[] = [];
  for (const c of centres) {
    if (!catalog.institution(c.institution)) problems.push(`centre ${c.id} names unknown institution ${c.institution}`);
    if (Array.isArray(c.assesses)) for (const o of c.assesses) if (!catalog.occupation(o)) problems.push(`centre ${c.id} names unknown occupation ${o}`);
  }
  for (const inst of catalog.data.institutions) if (!centres.some((c) => c.institution === inst.id)) problems.push(`institution ${inst.id} has no centre`);
  const ids = centres.map((c) => c.id);
  for (const d of ids.filter((x, i) => ids.indexOf(x) !== i)) problems.push(`duplicate centre ${d}`);
  if (problems.length > 0) throw new Error(`data/centres.json:\n  ${problems.join('\n  ')}`);
  return centres;
}

const CUSTOM_IDS = 'centres/ids';
const centreKey = (id: string) => `centre/${id}`;

/**
 * The assessment centres: the defaults of data/centres.json, overlaid by what institutions set
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
    const centres = (await this.ofInstitution(institution)).filter((c) => c.assesses === 'all' || c.assesses === 'unknown' || c.assesses.includes(occupation));
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
    const parsed = centreSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private async customIds(): Promise<string[]> {
    const [current] = await this.store.getVersioned([CUSTOM_IDS]);
    if (!current) return [];
    const parsed: unknown = JSON.parse(current.value);
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  }
}
