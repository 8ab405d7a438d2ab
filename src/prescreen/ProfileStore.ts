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

/**
 * The packed form's first element. 3: answers as one string; 2 (until 2026-12-06): answers as an
 * object, still read; a profile written as an object is the oldest form, still read.
 */
const PACKED = 3;
const PACKED_ANSWERS_AS_OBJECT = 2;
const LEVEL_CODES = { ready: 'r', gaps: 'g', notYet: 'n' } as const;
const ANSWER_CODES = { yes: 'y', partly: 'p', no: 'n' } as const;
const decode = <T extends string>(codes: Readonly<Record<T, string>>, code: unknown): T | undefined => (Object.keys(codes) as T[]).find((name) => codes[name] === code);
/** A statement id as the catalog writes them (a slug): never a space, so it can be followed by its answer's letter. */
const STATEMENT_ID = /^[a-z][a-z0-9-]*$/;

/**
 * A profile as stored: a JSON array in a fixed order, the level as one letter, the answers as one
 * string (each statement's id followed by its answer's letter, separated by spaces; an object of
 * letters if an id is not a slug), the time as milliseconds. A mason's pre-screen of seven
 * statements is 154 bytes, against 372 as the object and 189 with the answers as an object (packing
 * 2): Redis keeps it in 264 bytes instead of 488 and 328 (`MEMORY USAGE`). A pre-screened worker's
 * profile is kept 30 days; issue 13 asks for 2 KB of Redis per worker in all.
 *
 * @example packProfile(p) === '[3,"mason","7112","DO",[["infotep",null]],8,"job",["letter"],"wallsy plastern","g",0.79,"es",1796493507841]'
 */
export function packProfile(p: WorkerProfile): string {
  const entries = Object.entries(p.answers);
  const answers = entries.every(([statement]) => STATEMENT_ID.test(statement))
    ? entries.map(([statement, answer]) => statement + ANSWER_CODES[answer]).join(' ')
    : Object.fromEntries(entries.map(([statement, answer]) => [statement, ANSWER_CODES[answer]]));
  const standards = p.standards.map((s) => [s.institution, s.code]);
  return JSON.stringify([PACKED, p.occupation, p.isco08, p.country, standards, p.years, p.learnedAt, p.evidence, answers, LEVEL_CODES[p.level], p.share, p.language, Date.parse(p.completedAt)]);
}

/** Answers as stored: 'wallsy plastern', or (packing 2, or an id that is not a slug) { walls: 'y' }. */
function unpackAnswers(answers: unknown): unknown {
  if (typeof answers === 'string') return Object.fromEntries(answers.split(' ').filter(Boolean).map((a) => [a.slice(0, -1), decode(ANSWER_CODES, a.slice(-1))]));
  if (answers && typeof answers === 'object') return Object.fromEntries(Object.entries(answers).map(([statement, code]) => [statement, decode(ANSWER_CODES, code)]));
  return answers;
}

/** A stored profile back into its object (not yet validated), from the packed forms or the older object form. */
function unpackProfile(raw: string): unknown {
  const stored: unknown = JSON.parse(raw);
  if (!Array.isArray(stored) || (stored[0] !== PACKED && stored[0] !== PACKED_ANSWERS_AS_OBJECT)) return stored;
  const [, occupation, isco08, country, standards, years, learnedAt, evidence, answers, level, share, language, completedMs] = stored as unknown[];
  return {
    v: 1,
    occupation,
    isco08,
    country,
    standards: Array.isArray(standards) ? standards.map((s) => (Array.isArray(s) ? { institution: s[0], code: s[1] } : s)) : standards,
    years,
    learnedAt,
    evidence,
    answers: unpackAnswers(answers),
    level: decode(LEVEL_CODES, level),
    share,
    language,
    completedAt: typeof completedMs === 'number' ? new Date(completedMs).toISOString() : completedMs,
  };
}

/** Where pre-screen profiles live: `profile/<pid>` (erased with everything else containing the pid). */
export class ProfileStore {
  constructor(private readonly store: Store) {}

  static key(pid: string): string {
    return `profile/${pid}`;
  }

  async save(pid: string, profile: WorkerProfile, ttlSeconds: number): Promise<void> {
    await this.store.set(ProfileStore.key(pid), packProfile(profileSchema.parse(profile)), ttlSeconds);
  }

  /** The saved profile, or undefined (none, expired, or not a profile). */
  async load(pid: string): Promise<WorkerProfile | undefined> {
    const raw = await this.store.get(ProfileStore.key(pid));
    if (raw === null) return undefined;
    try {
      const parsed = profileSchema.safeParse(unpackProfile(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
