import { DateTime } from 'luxon';
import type { Store } from '../store/Store.js';
import type { Catalog } from './Catalog.js';
import { effectiveRoute, FACT_NAMES, publishedFactSchema, type EffectiveRoute, type FactDraft, type FactName, type PublishedFact } from './publishedFact.js';

/** Kept until withdrawn (the Store's versioned values need a lifetime). */
const KEEP_SECONDS = 10 * 365 * 24 * 3600;
const factKey = (institution: string, name: FactName) => `facts/${institution}/${name}`;

export interface PublishedFactsDeps {
  catalog: Catalog;
  store: Store;
  /** The injected clock: `confirmedAt` and `confirmedOn` come from it. */
  now: () => Date;
  /** The institution's time zone (that of its centres), for the day workers are told. */
  zoneOf: (institution: string) => Promise<string>;
}

/**
 * The route facts institutions publish (issue 10), kept in the Store like CentreDirectory keeps
 * their centres: one versioned value per institution and fact. What is published replaces the
 * researched fact for workers (see `effectiveRoute`); withdrawing it brings the researched one back.
 * Callers check drafts first (`checkDraft`), and record who did it in the audit log.
 *
 * @example const { before, after } = await facts.publish('infotep', draft)
 *          (await facts.routeOf('infotep'))?.confirmed.cost // { by: 'INFOTEP', on: '2026-12-04' }
 */
export class PublishedFacts {
  constructor(private readonly deps: PublishedFactsDeps) {}

  /** The facts an institution has published (unreadable stored values are ignored: the researched fact shows). */
  async of(institution: string): Promise<PublishedFact[]> {
    const values = await this.deps.store.getVersioned(FACT_NAMES.map((name) => factKey(institution, name)));
    return values.flatMap((v, i) => {
      if (!v) return [];
      const parsed = publishedFactSchema.safeParse(safeJson(v.value));
      return parsed.success && parsed.data.name === FACT_NAMES[i] ? [parsed.data] : [];
    });
  }

  /** The institution's route as workers get it, or undefined for an unknown institution. */
  async routeOf(institution: string): Promise<EffectiveRoute | undefined> {
    const inst = this.deps.catalog.institution(institution);
    return inst && effectiveRoute(inst.route, await this.of(institution));
  }

  /** The effective routes of a country's institutions, by institution id (read in parallel). */
  async routesIn(countryCode: string): Promise<Map<string, EffectiveRoute>> {
    const institutions = this.deps.catalog.institutionsOf(countryCode);
    const published = await Promise.all(institutions.map((i) => this.of(i.id)));
    return new Map(institutions.map((i, n) => [i.id, effectiveRoute(i.route, published[n] ?? [])]));
  }

  /**
   * Publishes a checked draft as confirmed by the institution now; returns what was published
   * before (null when the researched fact showed) and what is now. Throws for an unknown institution.
   */
  async publish(institution: string, draft: FactDraft): Promise<{ before: PublishedFact | null; after: PublishedFact }> {
    const inst = this.deps.catalog.institution(institution);
    if (!inst) throw new Error(`unknown institution ${institution}`);
    const now = this.deps.now();
    const zone = await this.deps.zoneOf(institution);
    const after = publishedFactSchema.parse({
      ...draft,
      confirmedAt: now.toISOString(),
      confirmedOn: DateTime.fromJSDate(now, { zone }).toISODate() ?? now.toISOString().slice(0, 10),
      confirmedBy: inst.acronym,
    });
    const key = factKey(institution, draft.name);
    // Read and write as one compare-and-set, so the audit's "before" is what this write replaced.
    for (let attempt = 0; attempt < 10; attempt++) {
      const [current] = await this.deps.store.getVersioned([key]);
      const put = await this.deps.store.putVersioned(key, JSON.stringify(after), KEEP_SECONDS, current ? current.etag : null);
      if (put.ok) return { before: current ? readFact(current.value) : null, after };
    }
    throw new Error('could not publish the fact: too many concurrent changes');
  }

  /** Withdraws a published fact (workers get the researched one again); returns it, or null when none was published. */
  async withdraw(institution: string, name: FactName): Promise<PublishedFact | null> {
    const key = factKey(institution, name);
    const [current] = await this.deps.store.getVersioned([key]);
    if (!current) return null;
    await this.deps.store.del([key]);
    return readFact(current.value);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function readFact(raw: string): PublishedFact | null {
  const parsed = publishedFactSchema.safeParse(safeJson(raw));
  return parsed.success ? parsed.data : null;
}
