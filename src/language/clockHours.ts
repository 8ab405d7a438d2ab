import { cardinalOfWord } from './numberWords.js';
import { HOUR_WORDS, NOT_HOUR_WORDS } from './timeLexicon.js';

/** Parts of the day a worker can ask for, earliest first. */
export const PARTS_OF_DAY = ['morning', 'afternoon', 'evening'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

/** Where each part starts and ends, in hours of the 24-hour clock: morning until noon, evening from 18:00. */
const SPANS: Record<PartOfDay, [from: number, to: number]> = { morning: [0, 12], afternoon: [12, 18], evening: [18, 24] };

/** Which half of the day an hour was said to be in: "2pm", "a las 8 de la noche", "10è dimaten". */
export type Meridiem = 'am' | 'pm' | undefined;

/**
 * The hour (0–23) of a folded hour as typed — "2", "14", "2pm", "14h", "14h30", "2e" (Creole "2è"), "dos",
 * "dezè", "midi" — or undefined when it is not one. A bare 1–6 is read as afternoon ("a las 2": nobody
 * books 2 a.m.), 7–11 as morning; 13–23 as they are.
 * @example hourOf('2') === 14; hourOf('8') === 8; hourOf('10', 'pm') === 22; hourOf('14h30') === 14
 */
export function hourOf(typed: string, meridiem?: Meridiem): number | undefined {
  const m = /^(\d{1,2})(?:h(\d\d))?(h|hs|hrs?|e|am|pm)?$/.exec(typed);
  let hour: number | undefined;
  let said = meridiem;
  if (m) {
    hour = Number(m[1]);
    if (m[2] !== undefined && Number(m[2]) > 59) return undefined;
    if (m[3] === 'am' || m[3] === 'pm') said = m[3];
  } else {
    hour = HOUR_WORDS[typed] ?? (NOT_HOUR_WORDS.includes(typed) ? undefined : cardinalOfWord(typed));
    if (hour === undefined || hour > 12) return undefined;
  }
  if (hour > 23) return undefined;
  if (said === 'pm') return hour < 12 ? hour + 12 : hour;
  if (said === 'am') return hour === 12 ? 0 : hour;
  if (hour === 0 || hour >= 12) return hour;
  return hour <= 6 ? hour + 12 : hour;
}

/** True when a typed hour says by itself that it is a time ("2pm", "14h", "2è", "14h30"), not just a number. */
export const isMarkedHour = (typed: string): boolean => /^\d{1,2}(h\d\d)?(h|hs|hrs?|e|am|pm)$|^\d{1,2}h\d\d$/.test(typed);

/** The part of the day an hour falls in. */
export function partOfHour(hour: number): PartOfDay {
  return PARTS_OF_DAY.find((p) => hour >= SPANS[p][0] && hour < SPANS[p][1]) ?? 'evening';
}

/** Parts that overlap the hours [from, to); just the part of `from` when the range is empty. */
export function partsBetween(from: number, to: number): PartOfDay[] {
  if (to <= from) return [partOfHour(from)];
  return PARTS_OF_DAY.filter((p) => SPANS[p][0] < to && SPANS[p][1] > from);
}

/**
 * "After H": the part of H, and the afternoon when H is in the morning. The evening only when H is
 * in it or at most an hour before it: centres open in the daytime, and "después de las 2" means the
 * afternoon, not "any time until midnight".
 * @example partsAfter(14) → ['afternoon']; partsAfter(10) → ['morning', 'afternoon']; partsAfter(17) → ['afternoon', 'evening']
 */
export function partsAfter(hour: number): PartOfDay[] {
  const last = hour >= 17 ? 24 : SPANS.afternoon[1];
  return partsBetween(hour, Math.max(last, hour + 1));
}

/**
 * "Before H": every part that starts before H.
 * @example partsBefore(12) → ['morning']; partsBefore(15) → ['morning', 'afternoon']
 */
export function partsBefore(hour: number): PartOfDay[] {
  return partsBetween(0, Math.max(hour, 1));
}
