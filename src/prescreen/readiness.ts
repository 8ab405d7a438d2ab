import type { Prescreen, Statement } from '../catalog/schema.js';

export const SELF_ASSESSMENT = ['yes', 'partly', 'no'] as const;
export type SelfAssessment = (typeof SELF_ASSESSMENT)[number];

/** The kinds of evidence the pre-screen asks about (the assessment centres' usual list). */
export const EVIDENCE_KINDS = ['letter', 'photos', 'courses', 'references'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export type ReadinessLevel = 'ready' | 'gaps' | 'notYet';

export interface Readiness {
  level: ReadinessLevel;
  /** Share of the standard's statements the worker says they do (yes 1, partly ½, no 0). */
  share: number;
  counts: Record<SelfAssessment, number>;
  strong: Statement[];
  /** What the worker does in part: to practise. */
  practise: Statement[];
  /** What the worker has never done: to learn (a course, or working beside someone who does it). */
  learn: Statement[];
  /** Evidence kinds the worker does not have yet. */
  missingEvidence: EvidenceKind[];
}

/**
 * How ready a worker looks for a standard, from their own answers. Deliberately simple and
 * explainable, so the worker can be told why:
 * - ready: at least 80% of the standard done (yes = 1, partly = ½), no part never done, and at
 *   least 2 years of experience;
 * - almost ("gaps"): at most one part never done, and at least 60% of it with a year or more of
 *   experience, or 80% with less — so 3 yes, 2 partly and 2 no (57%, two parts never done) is
 *   not "almost";
 * - not yet: otherwise.
 * It is an orientation for the worker, never a verdict: only the institution assesses.
 *
 * @example readiness(prescreen, { walls: 'yes', … }, 8, ['photos']).level === 'ready'
 */
export function readiness(prescreen: Prescreen, answers: Record<string, SelfAssessment>, years: number, evidence: readonly EvidenceKind[]): Readiness {
  const counts: Record<SelfAssessment, number> = { yes: 0, partly: 0, no: 0 };
  const byAnswer: Record<SelfAssessment, Statement[]> = { yes: [], partly: [], no: [] };
  for (const s of prescreen.statements) {
    const a = answers[s.id] ?? 'no';
    counts[a] += 1;
    byAnswer[a].push(s);
  }
  const n = prescreen.statements.length;
  const share = (counts.yes + counts.partly / 2) / n;
  const almost = counts.no <= 1 && ((share >= 0.6 && years >= 1) || share >= 0.8);
  const level: ReadinessLevel = share >= 0.8 && counts.no === 0 && years >= 2 ? 'ready' : almost ? 'gaps' : 'notYet';
  return {
    level,
    share: Math.round(share * 100) / 100,
    counts,
    strong: byAnswer.yes,
    practise: byAnswer.partly,
    learn: byAnswer.no,
    missingEvidence: EVIDENCE_KINDS.filter((k) => !evidence.includes(k)),
  };
}
