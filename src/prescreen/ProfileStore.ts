import { z } from 'zod';
import { LANGUAGES } from '../catalog/schema.js';
import type { Store } from '../store/Store.js';
import { LEARNED_AT } from '../match/WorkProfiler.js';
import { EVIDENCE_KINDS, SELF_ASSESSMENT } from './readiness.js';

/**
 * A worker's pre-screen result, kept so that booking (and the summary message) can use it.
 * Only what the assessment needs: no name, no number, no message text.
 */
export const profileSchema = z.object({
  v: z.literal(1),
  occupation: z.string(),
  isco08: z.string(),
  country: z.string(),
  /** Standard codes in that country (empty when the code is to be confirmed), with their institution. */
  standards: z.array(z.object({ institution: z.string(), code: z.string().nullable() })),
  years: z.number().min(0).max(60),
  learnedAt: z.enum(LEARNED_AT),
  evidence: z.array(z.enum(EVIDENCE_KINDS)),
  answers: z.record(z.string(), z.enum(SELF_ASSESSMENT)),
  level: z.enum(['ready', 'gaps', 'notYet']),
  share: z.number().min(0).max(1),
  language: z.enum(LANGUAGES),
  completedAt: z.iso.datetime(),
});
export type WorkerProfile = z.infer<typeof profileSchema>;

/** Where pre-screen profiles live: `profile/<pid>` (erased with everything else containing the pid). */
export class ProfileStore {
  constructor(private readonly store: Store) {}

  static key(pid: string): string {
    return `profile/${pid}`;
  }

  async save(pid: string, profile: WorkerProfile, ttlSeconds: number): Promise<void> {
    await this.store.set(ProfileStore.key(pid), JSON.stringify(profileSchema.parse(profile)), ttlSeconds);
  }

  /** The saved profile, or undefined (none, expired, or from an older format). */
  async load(pid: string): Promise<WorkerProfile | undefined> {
    const raw = await this.store.get(ProfileStore.key(pid));
    if (raw === null) return undefined;
    try {
      const parsed = profileSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
