import { describe, expect, it } from 'vitest';
import { availabilitySchema } from '../../src/booking/availability.js';
import { isTimeZone } from '../../src/booking/centre.js';
import { distanceKm, slotOf, slotsBetween } from '../../src/booking/slots.js';

const weekdays = (from: string, to: string) => (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from, to }));
const centre = (timeZone: string, extra: Partial<{ closedDates: string[] }> = {}) => ({
  timeZone,
  availability: availabilitySchema.parse({ slotMinutes: 60, capacity: 2, weekly: weekdays('08:00', '12:00'), closedDates: extra.closedDates ?? [] }),
});

describe('slotsBetween', () => {
  it('cuts the weekly template into slots in the centre’s time zone, with the offset of that date', () => {
    // Tuesday 3 March 2026 in Mexico City: no daylight saving since 2022, so UTC−06:00 all year.
    const slots = slotsBetween(centre('America/Mexico_City'), new Date('2026-03-03T00:00:00Z'), new Date('2026-03-04T06:00:00Z'));
    expect(slots.map((s) => s.local)).toEqual(['2026-03-03T08:00', '2026-03-03T09:00', '2026-03-03T10:00', '2026-03-03T11:00']);
    expect(slots[1]).toEqual({ local: '2026-03-03T09:00', start: '2026-03-03T09:00:00-06:00', end: '2026-03-03T10:00:00-06:00', capacity: 2 });
    const summer = slotsBetween(centre('America/Mexico_City'), new Date('2026-07-07T00:00:00Z'), new Date('2026-07-08T00:00:00Z'));
    expect(summer[0]?.start).toBe('2026-07-07T08:00:00-06:00');
  });

  it('follows daylight saving where the IANA data has it (Santiago de Chile: −03:00 in January, −04:00 in July)', () => {
    const january = slotsBetween(centre('America/Santiago'), new Date('2026-01-13T00:00:00Z'), new Date('2026-01-14T00:00:00Z'));
    const july = slotsBetween(centre('America/Santiago'), new Date('2026-07-14T00:00:00Z'), new Date('2026-07-15T06:00:00Z'));
    expect(january[0]?.start).toBe('2026-01-13T08:00:00-03:00');
    expect(july[0]?.start).toBe('2026-07-14T08:00:00-04:00');
  });

  it('leaves out weekends, closed dates and slots that start before `from`', () => {
    const c = centre('America/Santo_Domingo', { closedDates: ['2026-12-25'] });
    const slots = slotsBetween(c, new Date('2026-12-24T14:30:00Z'), new Date('2026-12-29T00:00:00Z'));
    // 24 Dec 10:30 local: only 11:00 is left that day; 25th closed; 26–27 weekend; 28th full day.
    expect(slots.map((s) => s.local)).toEqual(['2026-12-24T11:00', '2026-12-28T08:00', '2026-12-28T09:00', '2026-12-28T10:00', '2026-12-28T11:00']);
  });

  it('gives a range its own capacity when it sets one', () => {
    const c = { timeZone: 'America/Bogota', availability: availabilitySchema.parse({ slotMinutes: 30, capacity: 1, weekly: [{ day: 'sat', from: '09:00', to: '10:00', capacity: 5 }] }) };
    expect(slotsBetween(c, new Date('2026-11-28T00:00:00Z'), new Date('2026-11-29T00:00:00Z')).map((s) => [s.local, s.capacity])).toEqual([
      ['2026-11-28T09:00', 5],
      ['2026-11-28T09:30', 5],
    ]);
  });
});

describe('slotOf', () => {
  it('finds a template slot by its local start and refuses times the centre does not offer', () => {
    const c = centre('America/Costa_Rica', { closedDates: ['2026-12-25'] });
    expect(slotOf(c, '2026-12-01T09:00')?.start).toBe('2026-12-01T09:00:00-06:00');
    expect(slotOf(c, '2026-12-01T09:30')).toBeUndefined();
    expect(slotOf(c, '2026-12-05T09:00')).toBeUndefined(); // Saturday
    expect(slotOf(c, '2026-12-25T09:00')).toBeUndefined(); // closed
    expect(slotOf(c, 'tomorrow')).toBeUndefined();
  });
});

describe('availabilitySchema', () => {
  it('rejects overlapping ranges, ranges shorter than a slot and bad times', () => {
    const base = { slotMinutes: 60, capacity: 2, closedDates: [] };
    expect(availabilitySchema.safeParse({ ...base, weekly: [{ day: 'mon', from: '08:00', to: '10:00' }, { day: 'mon', from: '09:00', to: '11:00' }] }).success).toBe(false);
    expect(availabilitySchema.safeParse({ ...base, weekly: [{ day: 'mon', from: '08:00', to: '08:30' }] }).success).toBe(false);
    expect(availabilitySchema.safeParse({ ...base, weekly: [{ day: 'mon', from: '8:00', to: '10:00' }] }).success).toBe(false);
    expect(availabilitySchema.safeParse({ ...base, weekly: [{ day: 'mon', from: '08:00', to: '10:00' }, { day: 'mon', from: '10:00', to: '11:00' }] }).success).toBe(true);
  });
});

describe('time zones and distances', () => {
  it('knows IANA zones and refuses offsets written by hand', () => {
    expect(isTimeZone('America/Guatemala')).toBe(true);
    expect(isTimeZone('GMT-6')).toBe(false);
    expect(isTimeZone('America/Atlantis')).toBe(false);
    // Aliases the runtime's list leaves out are still known; a bare abbreviation is not.
    expect(isTimeZone('US/Eastern')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('EST')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
  it('measures great-circle distances (Santo Domingo – Santiago de los Caballeros ≈ 125 km)', () => {
    expect(distanceKm({ lat: 18.47, lon: -69.89 }, { lat: 19.45, lon: -70.7 })).toBeGreaterThan(120);
    expect(distanceKm({ lat: 18.47, lon: -69.89 }, { lat: 19.45, lon: -70.7 })).toBeLessThan(140);
  });
});
