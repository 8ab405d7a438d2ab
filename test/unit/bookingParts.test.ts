import ICAL from 'ical.js';
import { centreLabel } from '../../dialogs/bookingMessages.js';
import { describe, expect, it } from 'vitest';
import { availabilitySchema } from '../../src/booking/availability.js';
import { availabilityConflicts } from '../../src/booking/availabilityConflicts.js';
import { CODE_ALPHABET, newBookingCode } from '../../src/booking/code.js';
import { csvField } from '../../src/api/csv.js';
import { centreCalendar, foldLine, icalText } from '../../src/api/ical.js';
import { webhookSignature } from '../../src/api/Webhooks.js';
import { firstNameOf } from '../../dialogs/bookingDialog.js';
import { currentBookingSchema } from '../../src/booking/booking.js';
import { aBooking } from '../support/bookings.js';

describe('booking codes', () => {
  it('use only characters that cannot be confused (no 0/O, 1/I/L, 2/Z, 5/S, 8/B…)', () => {
    for (const c of '0O1IL2Z5S8B6GUVDQJ') expect(CODE_ALPHABET).not.toContain(c);
    const codes = new Set(Array.from({ length: 2000 }, newBookingCode));
    expect(codes.size).toBeGreaterThan(1990);
    for (const code of codes) expect(code).toMatch(/^[ACEFHKMNPRTWXY3479]{6}$/);
  });
});

describe('firstNameOf (the first-name step)', () => {
  it('keeps a first name, or two, cleaned: control characters out, white space collapsed, trimmed', () => {
    expect(firstNameOf('Ana')).toBe('Ana');
    expect(firstNameOf('  María \t José\u0000 ')).toBe('María José');
    expect(firstNameOf('Ana\u202e')).toBe('Ana');
    expect(firstNameOf('Jose\u0301')).toBe('José'); // an accent typed as a combining mark
    expect(firstNameOf("O'Neil")).toBe("O'Neil");
  });

  it('refuses what is not a name', () => {
    for (const text of ['', '   ', '123', '=HYPERLINK("x")', 'me llamo Ana', 'Ana!', '-Ana']) expect(firstNameOf(text), text).toBeUndefined();
  });

  it('cuts a long name to the 40 code units a booking stores, never inside a surrogate pair or accented letter', () => {
    const long = 'Anaïs'.repeat(40);
    expect(long).toHaveLength(200);
    expect(firstNameOf(long)).toBe('Anaïs'.repeat(8));
    const astral = firstNameOf(`a${'𝒜'.repeat(100)}`)!; // U+1D49C: two UTF-16 code units each
    expect(astral).toBe(`a${'𝒜'.repeat(19)}`);
    expect(astral).not.toMatch(/\p{Cs}/u); // no lone surrogate
    const decomposed = firstNameOf(`${'a'.repeat(39)}e\u0301\u0301\u0301 Pérez`)!; // the é does not compose with both extra marks
    expect(decomposed).toBe('a'.repeat(39));
    expect(firstNameOf(`${'a'.repeat(39)} Bartolomé`)).toBe('a'.repeat(39)); // no trailing space
    for (const text of [long, `a${'𝒜'.repeat(100)}`, `${'Ñ'.repeat(30)} ${'ñ'.repeat(30)}`]) expect(currentBookingSchema.shape.firstName.safeParse(firstNameOf(text)).success, text).toBe(true);
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
  const anEvent = (code: string, status: string) =>
    ({
      code, centre: 'c', centreName: 'INFOTEP; Santo Domingo', start: '2026-11-23T08:00:00-04:00', end: '2026-11-23T09:00:00-04:00', status, preferences: null, declineReason: null, outcome: null, firstName: 'José, "Pepe"', phone: '+18095550100', channel: 'sms', language: 'es',
      standard: { institution: 'infotep', code: null, occupation: 'mason', isco08: '7112', title: 'Albañil' }, prescreen: null, createdAt: '', updatedAt: '', history: [],
    }) as Parameters<typeof centreCalendar>[1][number];
  it('escapes text and folds long lines at 75 octets without splitting a character', () => {
    expect(icalText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldLine(`SUMMARY:${'Albañil '.repeat(20)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'Albañil '.repeat(20)}`);
  });
  it('escapes a lone carriage return, so a value cannot start a content line of its own', () => {
    expect(icalText('a\rb')).toBe('a\\nb');
    expect(icalText('a\r\nb\n\rc')).toBe('a\\nb\\n\\nc');
    expect(icalText('x\u0000y\u001bz')).toBe('xyz');
    const evil = 'INFOTEP\rEND:VEVENT\rBEGIN:VEVENT\rUID:EVIL@ruta';
    const raw = centreCalendar({ id: 'c', name: evil }, [anEvent('AAAAAA', 'confirmed')], new Date('2026-11-20T15:00:00Z'));
    expect(raw.split(/\r\n|\r|\n/).filter((l) => /^(BEGIN|END|UID)/.test(l))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT', 'UID:AAAAAA@ruta', 'END:VEVENT', 'END:VCALENDAR']);
    const events = new ICAL.Component(ICAL.parse(raw)).getAllSubcomponents('vevent');
    expect(events.map((e) => [e.getFirstPropertyValue('uid'), e.getFirstPropertyValue('location')])).toEqual([['AAAAAA@ruta', evil.replace(/\r/g, '\n')]]);
  });
  it('writes a feed ical.js reads back, with cancelled bookings marked as such and no names or numbers', () => {
    const view = anEvent;
    const raw = centreCalendar({ id: 'c', name: 'INFOTEP; Santo Domingo' }, [view('AAAAAA', 'confirmed'), view('CCCCCC', 'cancelled_by_institution')], new Date('2026-11-20T15:00:00Z'));
    const events = new ICAL.Component(ICAL.parse(raw)).getAllSubcomponents('vevent');
    expect(events.map((e) => [e.getFirstPropertyValue('uid'), e.getFirstPropertyValue('status'), e.getFirstPropertyValue('summary'), e.getFirstPropertyValue('location')])).toEqual([
      ['AAAAAA@ruta', 'CONFIRMED', 'Albañil: AAAAAA', 'INFOTEP; Santo Domingo'],
      ['CCCCCC@ruta', 'CANCELLED', 'Albañil: CCCCCC', 'INFOTEP; Santo Domingo'],
    ]);
    expect(events[1]!.getFirstPropertyValue('description')).toBe('Ruta booking CCCCCC\nStandard: to be confirmed (Albañil)\nStatus: cancelled_by_institution');
    expect(raw).not.toMatch(/José|Pepe|8095550100/);
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 of "<t>.<body>" in hex, with the timestamp', () => {
    // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(webhookSignature('whsec_test', '{"a":1}', 1700000000)).toBe('t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
  });
});

describe('centreLabel', () => {
  it('adds the town only when the name does not say it', () => {
    expect(centreLabel({ name: 'INFOTEP Regional Norte', city: 'Santiago' })).toBe('INFOTEP Regional Norte (Santiago)');
    expect(centreLabel({ name: 'INFOTEP Santiago', city: 'Santiago de los Caballeros' })).toBe('INFOTEP Santiago');
    expect(centreLabel({ name: 'INFOTEP Centro Tecnológico Peña Gómez (Haina)', city: 'Bajos de Haina' })).toBe('INFOTEP Centro Tecnológico Peña Gómez (Haina)');
  });
});
