// Provisional: replaced by the full parser (branch `prefs`).
import type { Preferences } from '../booking/preferences.js';
import { fold } from '../bot/text.js';

export type TimePreferences = Preferences;

export function parseTimePreferences(text: string, _context: { today: string }): TimePreferences | undefined {
  const t = fold(text);
  if (/^(cualquier dia|any day|anytime|nenpot jou)$/.test(t)) return { any: true, dates: [], weekdays: [], parts: [] };
  return undefined;
}
