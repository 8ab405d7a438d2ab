import type { Centre } from './centre.js';

/** What a centre's institution must set before the centre offers instant slots to workers. */
export const ONBOARDING_NEEDS = ['address', 'hours', 'capacity', 'assesses'] as const;
export type OnboardingNeed = (typeof ONBOARDING_NEEDS)[number];

/** Why each need matters, in the API's words (the console has its own, translated). */
export const ONBOARDING_MESSAGES: Record<OnboardingNeed, string> = {
  address: 'an onboarded centre needs its address (workers must find it)',
  hours: 'an onboarded centre needs its weekly hours (at least one opening range)',
  capacity: 'an onboarded centre needs its capacity per slot and slot length (set with its weekly hours)',
  assesses: 'an onboarded centre says what it assesses (all of its institution\'s occupations, or a list)',
};

/**
 * What is still missing for a centre to be onboarded (offer instant slots), in a fixed order; empty
 * when it may be. One rule for the console, the API and the stored centre (centreSchema). A development
 * sample may lack its address (its location is a city's centre, and it is labelled as a sample).
 *
 * @example onboardingGaps({ address: null, availability: null, assesses: 'unknown', sample: false }) // ['address', 'hours', 'capacity', 'assesses']
 */
export function onboardingGaps(centre: Pick<Centre, 'address' | 'availability' | 'assesses' | 'sample'>): OnboardingNeed[] {
  const gaps: OnboardingNeed[] = [];
  if (centre.address === null && !centre.sample) gaps.push('address');
  if (centre.availability === null || centre.availability.weekly.length === 0) gaps.push('hours');
  if (centre.availability === null) gaps.push('capacity');
  if (centre.assesses === 'unknown') gaps.push('assesses');
  return gaps;
}
