import type { Catalog } from '../src/catalog/Catalog.js';
import type { Language, Occupation, Prescreen } from '../src/catalog/schema.js';
import type { Translate } from '../src/i18n.js';
import type { WorkerProfile } from '../src/prescreen/ProfileStore.js';
import type { Readiness } from '../src/prescreen/readiness.js';

/** "8 años", "8 years", "8 an"; "menos de un año" below one year. */
export function experienceText(t: Translate, years: number): string {
  return years < 1 ? t('prescreen.lessThanYear') : t('prescreen.experience', { count: Math.round(years) });
}

const bullet = (s: string) => `- ${s}`;

/**
 * The pre-screen result as short messages in the worker's language (at most 4 SMS segments): how
 * ready and why, what to practise and what to learn (two of each, the rest counted), evidence to
 * gather, the standard and institution, and that this is only a guide. Pure: everything comes from
 * the catalog and the worker's answers.
 */
export function prescreenResultMessages(
  catalog: Catalog,
  t: Translate,
  language: Language,
  { occupation, prescreen, readiness: r, profile }: { occupation: Occupation; prescreen: Prescreen; readiness: Readiness; profile: WorkerProfile },
): string[] {
  const countryName = catalog.country(profile.country)?.name[language] ?? profile.country;
  const standards = catalog.standardsFor(occupation, profile.country);
  const acronym = (id: string) => catalog.institution(id)?.acronym ?? id;
  const institutions = [...new Set(standards.map((s) => acronym(s.institution)))];
  // The standard by its code (its title and the route are one menu choice away); none without a code.
  const standardLines = standards.flatMap((s) => (s.code ? [t('prescreen.result.standard', { code: s.code, institution: acronym(s.institution) })] : []));
  // Evidence: the one this trade's assessors like to see most (or a kind the worker does not have yet);
  // the booking's 'what to bring' and the summary for the centre say the rest.
  const trade = prescreen.evidence.map((e) => e.text[language]);
  const missing = r.missingEvidence.map((k) => t(`prescreen.evidenceKind.${k}`));
  const gather = [...trade.slice(0, 1), ...missing.slice(0, 1), ...trade.slice(1), ...missing.slice(1)].slice(0, MAX_EVIDENCE);
  /** At most a few statements per list (SMS is paid by the segment); the rest are counted. */
  const listed = (heading: string, items: readonly { text: Record<Language, string> }[]) => [
    heading,
    ...items.slice(0, MAX_LISTED).map((s) => bullet(s.text[language])),
    ...(items.length > MAX_LISTED ? [t('prescreen.result.more', { count: items.length - MAX_LISTED })] : []),
  ];
  return [[
    [
      t(`prescreen.result.heading_${r.level}`, { occupation: occupation.name[language] }),
      t('prescreen.result.why', { yes: r.counts.yes, partly: r.counts.partly, total: prescreen.statements.length, experience: experienceText(t, profile.years) }),
    ].join('\n'),
    // What is done in part (practise) apart from what was never done (learn first); what is done
    // well is in the counts above and in the summary for the centre.
    [
      ...(r.practise.length > 0 ? listed(t('prescreen.result.practise'), r.practise) : []),
      ...(r.learn.length > 0 ? listed(t('prescreen.result.learn'), r.learn) : []),
      ...(r.practise.length + r.learn.length === 0 ? [t('prescreen.result.nothingToPractise')] : []),
    ].join('\n'),
    [t('prescreen.result.gather'), ...gather.map(bullet)].join('\n'),
    [...standardLines.slice(0, 1), t('prescreen.result.disclaimer', { institution: institutions.join(' / ') })].join('\n'),
  ].join('\n')];
}

/** Statements listed per kind in the result, and evidence items. */
const MAX_LISTED = 2;
const MAX_EVIDENCE = 1;

/** The short summary a worker can show at the assessment centre: no name, no number. */
export function prescreenSummary(catalog: Catalog, t: Translate, language: Language, p: WorkerProfile): string {
  const standard = p.standards
    .map((s) => {
      const institution = catalog.institution(s.institution)?.acronym ?? s.institution;
      return s.code ? `${s.code} · ${institution} (${p.country})` : t('prescreen.standardToConfirmShort', { institution });
    })
    .join('; ');
  const counts = { yes: 0, partly: 0, no: 0 };
  for (const a of Object.values(p.answers)) counts[a] += 1;
  return t('prescreen.summary', {
    occupation: catalog.occupation(p.occupation)?.name[language] ?? p.occupation,
    isco: p.isco08,
    standard,
    experience: experienceText(t, p.years),
    // Said of the worker (the centre reads it), not to them: 'con su familia', not 'con mi familia' or 'tu trabajo'.
    learned: t(`prescreen.summaryLearned.${p.learnedAt}`),
    evidence: p.evidence.length > 0 ? p.evidence.map((k) => t(`prescreen.summaryEvidence.${k}`)).join('; ') : t('prescreen.noEvidence'),
    ...counts,
    total: Object.keys(p.answers).length,
    level: t(`prescreen.level.${p.level}`),
    date: p.completedAt.slice(0, 10),
  });
}
