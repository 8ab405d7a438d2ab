import type { BookingView } from './bookingView.js';

const COLUMNS = [
  'code',
  'centre',
  'start',
  'end',
  'status',
  'preferences',
  'decline_reason',
  'outcome',
  'first_name',
  'phone',
  'channel',
  'language',
  'occupation',
  'isco08',
  'standard_code',
  'prescreen_level',
  'prescreen_share',
  'prescreen_years',
  'prescreen_evidence',
] as const;

/** A request's preferences in a few words: "any", or days, weekdays and parts of the day. */
export function preferencesText(p: BookingView['preferences']): string | null {
  if (!p) return null;
  if (p.any) return 'any';
  return [...p.dates, ...p.weekdays, ...p.parts].join(' ') || 'any';
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe, except
 * phone numbers, which are only '+' and digits.
 */
export function csvField(value: string | number | null, column?: string): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !(column === 'phone' && /^\+\d+$/.test(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Bookings as CSV for spreadsheets: a header row, then one row per booking, CRLF line ends.
 * `phone: false` leaves the phone column out (the console's export never has numbers).
 */
export function bookingsCsv(bookings: BookingView[], { phone = true }: { phone?: boolean } = {}): string {
  const columns = COLUMNS.filter((c) => phone || c !== 'phone');
  const rows = bookings.map((b) => {
    const cells: Record<(typeof COLUMNS)[number], string | number | null> = {
      code: b.code,
      centre: b.centreName,
      start: b.start,
      end: b.end,
      status: b.status,
      preferences: preferencesText(b.preferences),
      decline_reason: b.declineReason,
      outcome: b.outcome,
      first_name: b.firstName,
      phone: b.phone,
      channel: b.channel,
      language: b.language,
      occupation: b.standard.title,
      isco08: b.standard.isco08,
      standard_code: b.standard.code,
      prescreen_level: b.prescreen?.level ?? null,
      prescreen_share: b.prescreen ? Math.round(b.prescreen.share * 100) / 100 : null,
      prescreen_years: b.prescreen?.years ?? null,
      prescreen_evidence: b.prescreen ? b.prescreen.evidence.join(' ') : null,
    };
    return columns.map((c) => csvField(cells[c], c)).join(',');
  });
  return [columns.join(','), ...rows].join('\r\n') + '\r\n';
}
