import { beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/booking/booking.js';
import type { Centre } from '../../src/booking/centre.js';
import { preferencesText, whenText } from '../../src/console/bookings/bookingText.js';
import { staffTime } from '../../src/console/bookings/staffTime.js';
import type { ConsoleT } from '../../src/console/consoleI18n.js';
import { appointmentDays } from '../../src/console/pages/appointments.js';
import { consoleTranslators } from '../support/consoleTranslators.js';
import { aBooking } from '../support/bookings.js';
import { SAMPLE_CENTRES } from '../support/testApp.js';

// Friday 20 November 2026, 11:00 in Santo Domingo (UTC−4, no daylight saving).
const NOW = new Date('2026-11-20T15:00:00Z');
const onboarded = SAMPLE_CENTRES().find((c) => c.id === 'infotep-santo-domingo')!;
const requestsOnly: Centre = { ...onboarded, id: 'infotep-santiago', onboarded: false, availability: null, assesses: 'unknown', sample: false };
let es: ConsoleT;
let en: ConsoleT;
beforeAll(async () => ({ es, en } = await consoleTranslators()));

describe('staffTime', () => {
  it('turns a date and a time into a local start in the centre’s zone', () => {
    expect(staffTime({ date: '2026-11-23', time: '09:00' }, onboarded, NOW)).toEqual({ ok: true, local: '2026-11-23T09:00' });
    expect(staffTime({ date: ' 2026-11-21 ', time: '19:45:00' }, requestsOnly, NOW)).toEqual({ ok: true, local: '2026-11-21T19:45' });
  });

  it('says what is missing or not real, on the field it concerns', () => {
    expect(staffTime({ date: '', time: '' }, onboarded, NOW)).toEqual({ ok: false, problems: [{ on: 'date', problem: 'dateMissing' }, { on: 'time', problem: 'timeMissing' }] });
    expect(staffTime({ date: '2026-02-30', time: '25:00' }, onboarded, NOW)).toEqual({ ok: false, problems: [{ on: 'date', problem: 'dateInvalid' }, { on: 'time', problem: 'timeInvalid' }] });
  });

  it('refuses the past (earlier today included) and, at a centre with hours, a time it is not open', () => {
    expect(staffTime({ date: '2026-11-20', time: '10:59' }, requestsOnly, NOW)).toEqual({ ok: false, problems: [{ on: 'date', problem: 'past' }] });
    expect(staffTime({ date: '2026-11-20', time: '11:30' }, requestsOnly, NOW)).toEqual({ ok: true, local: '2026-11-20T11:30' });
    expect(staffTime({ date: '2026-11-21', time: '09:00' }, onboarded, NOW)).toEqual({ ok: false, problems: [{ on: 'time', problem: 'notOpen' }] });
    expect(staffTime({ date: '2026-11-23', time: '09:30' }, onboarded, NOW)).toEqual({ ok: false, problems: [{ on: 'time', problem: 'notOpen' }] });
  });

  it('refuses a wall-clock time that a daylight-saving change skips', () => {
    const havana: Centre = { ...requestsOnly, timeZone: 'America/Havana' };
    // Cuba moves its clocks from 00:00 to 01:00 on the second Sunday of March (14 March 2027).
    expect(staffTime({ date: '2027-03-14', time: '00:30' }, havana, NOW)).toEqual({ ok: false, problems: [{ on: 'time', problem: 'timeInvalid' }] });
  });
});

describe('preferencesText', () => {
  it('says a worker’s preferences in plain words, in the page’s language', () => {
    expect(preferencesText(es, 'es', { any: true, dates: [], weekdays: [], parts: [] })).toBe('Cualquier día y hora');
    expect(preferencesText(es, 'es', null)).toBe('Cualquier día y hora');
    expect(preferencesText(es, 'es', { any: false, dates: [], weekdays: ['mon', 'fri'], parts: ['morning'] })).toBe('lunes o viernes, por la mañana');
    expect(preferencesText(en, 'en', { any: false, dates: [], weekdays: ['tue'], parts: ['morning', 'evening'] })).toBe('Tuesday, in the morning or in the evening');
    expect(preferencesText(es, 'es', { any: false, dates: ['2026-11-27'], weekdays: [], parts: [] })).toBe('viernes, 27 de noviembre, a cualquier hora');
    expect(preferencesText(en, 'en', { any: false, dates: [], weekdays: [], parts: ['afternoon'] })).toBe('Any day, in the afternoon');
  });

  it('writes times on the centre’s clock, not the server’s', () => {
    expect(whenText('2026-11-23T12:00:00Z', 'America/Santo_Domingo', 'es')).toBe('lunes, 23 de noviembre de 2026, 8:00');
    expect(whenText('2026-11-23T14:00:00Z', 'America/Costa_Rica', 'en')).toBe('Monday, November 23, 2026 at 8:00 AM');
  });
});

describe('appointmentDays', () => {
  const at = (local: string, status: Booking['status'], code: string) =>
    aBooking({ code, status, slot: { local, start: `${local}:00-04:00`, end: `${local}:00-04:00` } });

  it('lists today and the days ahead soonest first, then the past week most recent first; leaves out what needs nothing', () => {
    const days = appointmentDays(
      [
        at('2026-11-23T09:00', 'confirmed', 'MON9'),
        at('2026-11-20T14:00', 'proposed', 'TODAY'),
        at('2026-11-23T08:00', 'confirmed', 'MON8'),
        at('2026-11-19T08:00', 'attended', 'THU'),
        at('2026-11-18T08:00', 'confirmed', 'WEDUNMARKED'),
        at('2026-11-17T08:00', 'proposed', 'STALE'),
        at('2026-11-24T08:00', 'cancelled', 'GONE'),
        aBooking({ code: 'REQ', status: 'requested', slot: null }),
      ],
      NOW,
    );
    expect(days.map((d) => [d.day, d.past, d.bookings.map((b) => b.code)])).toEqual([
      ['2026-11-20', false, ['TODAY']],
      ['2026-11-23', false, ['MON8', 'MON9']],
      ['2026-11-19', true, ['THU']],
      ['2026-11-18', true, ['WEDUNMARKED']],
    ]);
  });
});
