import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { availabilitySchema } from '../../src/booking/availability.js';
import { availabilityConflicts } from '../../src/booking/availabilityConflicts.js';
import { CODE_ALPHABET, newBookingCode } from '../../src/booking/code.js';
import { csvField } from '../../src/api/csv.js';
import { centreCalendar, foldLine, icalText } from '../../src/api/ical.js';
import { webhookSignature } from '../../src/api/Webhooks.js';
import { ContactSealer } from '../../src/privacy/ContactSealer.js';
import { aBooking } from '../support/bookings.js';

describe('booking codes', () => {
  it('use only characters that cannot be confused (no 0/O, 1/I/L, 2/Z, 5/S, 8/B…)', () => {
    for (const c of '0O1IL2Z5S8B6GUVDQJ') expect(CODE_ALPHABET).not.toContain(c);
    const codes = new Set(Array.from({ length: 2000 }, newBookingCode));
    expect(codes.size).toBeGreaterThan(1990);
    for (const code of codes) expect(code).toMatch(/^[ACEFHKMNPRTWXY3479]{6}$/);
  });
});

describe('ContactSealer', () => {
  it('opens what it sealed, with a fresh IV each time, and refuses altered or foreign values', () => {
    const sealer = new ContactSealer('a-secret-of-at-least-16-chars');
    const a = sealer.seal('whatsapp:+18095550100');
    const b = sealer.seal('whatsapp:+18095550100');
    expect(a).not.toBe(b);
    expect(a).not.toContain('8095550100');
    expect(sealer.open(a)).toBe('whatsapp:+18095550100');
    const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'B' : 'A') + a.slice(-1);
    expect(sealer.open(tampered)).toBeUndefined();
    expect(new ContactSealer('another-secret-of-16-chars').open(a)).toBeUndefined();
    expect(sealer.open('not sealed')).toBeUndefined();
  });
});

describe('availabilityConflicts', () => {
  const next = availabilitySchema.parse({ slotMinutes: 60, capacity: 1, weekly: [{ day: 'mon', from: '08:00', to: '10:00' }], closedDates: ['2026-11-30'] });
  const at = (code: string, local: string, createdAt = '2026-11-01T00:00:00.000Z') =>
    aBooking({ code, createdAt, slot: { local, start: `${local}:00-04:00`, end: `${local.slice(0, 11)}${String(Number(local.slice(11, 13)) + 1).padStart(2, '0')}:00:00-04:00` } });
  it('names bookings outside the new hours, on a closed date, or beyond the new capacity (latest first to go), and ignores inactive ones', () => {
    const conflicts = availabilityConflicts('America/Santo_Domingo', next, [
      at('AAAAAA', '2026-11-23T08:00'),
      at('CCCCCC', '2026-11-23T08:00', '2026-11-02T00:00:00.000Z'),
      at('EEEEEE', '2026-11-24T08:00'),
      at('FFFFFF', '2026-11-30T09:00'),
      { ...at('HHHHHH', '2026-11-24T08:00'), status: 'cancelled' },
    ]);
    expect(conflicts).toEqual([
      { code: 'CCCCCC', start: '2026-11-23T08:00:00-04:00', reason: 'over_capacity' },
      { code: 'EEEEEE', start: '2026-11-24T08:00:00-04:00', reason: 'outside_hours' },
      { code: 'FFFFFF', start: '2026-11-30T09:00:00-04:00', reason: 'closed' },
    ]);
  });
});

describe('CSV fields', () => {
  it('quotes separators and quotes, and defuses spreadsheet formulas but not phone numbers', () => {
    expect(csvField('Ana, María')).toBe('"Ana, María"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+18095550100', 'phone')).toBe('+18095550100');
    expect(csvField('+cmd', 'phone')).toBe("'+cmd");
    expect(csvField(null)).toBe('');
  });
});

describe('iCalendar', () => {
  it('escapes text and folds long lines at 75 octets without splitting a character', () => {
    expect(icalText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldLine(`SUMMARY:${'Albañil '.repeat(20)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'Albañil '.repeat(20)}`);
  });
  it('writes a feed ical.js reads back, with cancelled bookings marked as such', () => {
    const view = (code: string, status: string) => ({
      code, centre: 'c', centreName: 'INFOTEP; Santo Domingo', start: '2026-11-23T08:00:00-04:00', end: '2026-11-23T09:00:00-04:00', status, firstName: 'José, "Pepe"', phone: null, channel: 'sms', language: 'es',
      standard: { institution: 'infotep', code: null, occupation: 'mason', isco08: '7112', title: 'Albañil' }, prescreen: null, createdAt: '', updatedAt: '', history: [],
    }) as Parameters<typeof centreCalendar>[1][number];
    const raw = centreCalendar({ id: 'c', name: 'INFOTEP; Santo Domingo' }, [view('AAAAAA', 'booked'), view('CCCCCC', 'cancelled_by_institution')], new Date('2026-11-20T15:00:00Z'));
    const events = new ICAL.Component(ICAL.parse(raw)).getAllSubcomponents('vevent');
    expect(events.map((e) => [e.getFirstPropertyValue('uid'), e.getFirstPropertyValue('status'), e.getFirstPropertyValue('summary'), e.getFirstPropertyValue('location')])).toEqual([
      ['AAAAAA@ruta', 'CONFIRMED', 'Albañil: José, "Pepe" (AAAAAA)', 'INFOTEP; Santo Domingo'],
      ['CCCCCC@ruta', 'CANCELLED', 'Albañil: José, "Pepe" (CCCCCC)', 'INFOTEP; Santo Domingo'],
    ]);
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 of "<t>.<body>" in hex, with the timestamp', () => {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(webhookSignature('whsec_test', '{"a":1}', 1700000000)).toBe('t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
  });
});
