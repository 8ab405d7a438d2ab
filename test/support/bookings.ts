import type { Booking } from '../../src/booking/booking.js';

/** A valid booking for tests; override what the test is about. */
export function aBooking(overrides: Partial<Booking> = {}): Booking {
  const at = '2026-11-22T12:00:00.000Z';
  return {
    v: 2,
    code: 'K7MX4P',
    pid: 'pid-aaaaaaaaaaaa',
    centreId: 'infotep-santo-domingo',
    institution: 'infotep',
    country: 'DO',
    occupation: 'mason',
    standard: { institution: 'infotep', code: null },
    slot: { local: '2026-11-24T09:00', start: '2026-11-24T09:00:00-04:00', end: '2026-11-24T10:00:00-04:00' },
    timeZone: 'America/Santo_Domingo',
    status: 'confirmed',
    preferences: null,
    declineReason: null,
    outcome: null,
    channel: 'sms',
    contact: null,
    via: null,
    firstName: null,
    language: 'es',
    prescreen: null,
    createdAt: at,
    updatedAt: at,
    history: [{ at, action: 'booked', by: 'worker', to: '2026-11-24T09:00' }],
    ...overrides,
  };
}
