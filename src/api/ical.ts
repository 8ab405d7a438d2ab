import type { Booking } from '../booking/booking.js';
import type { Catalog } from '../catalog/Catalog.js';

/**
 * What a calendar shows of a booking, and all it can show: when, its status, the trade and standard,
 * and the booking code. No name, no number, no pre-screen: calendars are synced to many devices, and
 * a subscription link can be forwarded. Built from the booking alone (the worker's contact is never opened).
 *
 * @example calendarEntry(booking, catalog) // { code: 'K7MX4P', start: '2026-11-24T09:00:00-04:00', end: '…', status: 'confirmed', standard: { code: null, title: 'Albañil' } }
 */
export interface CalendarEntry {
  code: string;
  start: string | null;
  end: string | null;
  status: Booking['status'];
  standard: { code: string | null; title: string };
}

export function calendarEntry(b: Booking, catalog: Catalog): CalendarEntry {
  return {
    code: b.code,
    start: b.slot?.start ?? null,
    end: b.slot?.end ?? null,
    status: b.status,
    standard: { code: b.standard.code, title: catalog.occupation(b.occupation)?.name.es ?? b.occupation },
  };
}

/**
 * Text escaped for an iCalendar TEXT value (RFC 5545 §3.3.11): every line break (CRLF, a lone LF
 * or a lone CR) becomes `\\n`, and the other control characters, which TEXT does not allow, are dropped,
 * so a value can never start a content line of its own.
 *
 * @example icalText('a,b\rDTSTART:x') === 'a\\,b\\nDTSTART:x'
 */
export function icalText(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

/** A content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (octets + size > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utc = (iso: string) => new Date(Date.parse(iso)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * A centre's bookings as an iCalendar feed: one VEVENT per booking, times in UTC so every calendar
 * app places them right; cancelled bookings stay as STATUS:CANCELLED so subscribed calendars drop them.
 * No phone numbers, no names, no pre-screen (it takes CalendarEntry, which has none): calendars are
 * synced to many devices. An event says the booking code, the standard and the status; the API
 * (behind the token) has the rest.
 */
export function centreCalendar(centre: { id: string; name: string }, bookings: readonly CalendarEntry[], now: Date): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Ruta//Assessment bookings//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${icalText(`Ruta – ${centre.name}`)}`];
  for (const b of bookings) {
    if (b.start === null || b.end === null) continue; // a request has no time yet
    const status = b.status === 'confirmed' || b.status === 'attended' || b.status === 'no_show' ? 'CONFIRMED' : b.status === 'proposed' ? 'TENTATIVE' : 'CANCELLED';
    lines.push(
      'BEGIN:VEVENT',
      `UID:${b.code}@ruta`,
      `DTSTAMP:${utc(now.toISOString())}`,
      `DTSTART:${utc(b.start)}`,
      `DTEND:${utc(b.end)}`,
      `SUMMARY:${icalText(`${b.standard.title}: ${b.code}`)}`,
      `DESCRIPTION:${icalText(`Ruta booking ${b.code}\nStandard: ${b.standard.code ?? 'to be confirmed'} (${b.standard.title})\nStatus: ${b.status}`)}`,
      `LOCATION:${icalText(centre.name)}`,
      `STATUS:${status}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
