import { beforeAll, describe, expect, it } from 'vitest';
import { waitBucket } from '../../src/analytics/event.js';
import type { ConsoleT } from '../../src/console/consoleI18n.js';
import { stepLabel } from '../../src/console/pages/analytics.js';
import { placeId } from '../../src/geo/Gazetteer.js';
import { bookingMilestones } from '../../src/booking/BookingService.js';
import { aBooking } from '../support/bookings.js';
import { stepIdsOfDialogs } from '../support/dialogSteps.js';
import { consoleTranslators } from '../support/consoleTranslators.js';

let es: ConsoleT;
let en: ConsoleT;
beforeAll(async () => ({ es, en } = await consoleTranslators()));

describe('step labels on the coordinators’ dashboard', () => {
  it('names every step of every dialog in Spanish and English, never the raw id', () => {
    const ids = [...stepIdsOfDialogs(), 'none', 'erased'];
    expect(ids.length).toBeGreaterThan(50);
    expect(ids).toContain('booking.centre');
    for (const id of ids) {
      for (const t of [es, en]) {
        const label = stepLabel(t, id);
        expect(label, id).not.toBe(id);
        expect(label, id).not.toMatch(/analytics\.steps/);
      }
    }
    expect(stepLabel(es, 'booking.centre')).toBe('Reservar cita: ¿qué centro?');
    expect(stepLabel(en, 'prescreen.s3')).toBe('Experience check: statement 4');
  });

  it('keeps an id it has no label for (an old step in stored data) as it is', () => {
    expect(stepLabel(es, 'route.retired')).toBe('route.retired');
  });
});

describe('waitBucket', () => {
  it('puts a duration in its bucket, the edges in the longer one', () => {
    const h = 3_600_000;
    expect([-5, 0, h - 1, h, 24 * h - 1, 24 * h, 7 * 24 * h, 14 * 24 * h, 30 * 24 * h - 1, 30 * 24 * h].map(waitBucket)).toEqual(['lt1h', 'lt1h', 'lt1h', '1h_1d', '1h_1d', '1_7d', '7_14d', '14_30d', '14_30d', 'gt30d']);
  });
});

describe('placeId', () => {
  it('is a stable id of letters, digits, "-" and "." that fits an analytics detail (48)', () => {
    expect(placeId({ name: 'Santiago de los Caballeros', region: 'Santiago', kind: 'town' })).toBe('santiago-de-los-caballeros.santiago');
    expect(placeId({ name: 'San José', region: 'San José', kind: 'region' })).toBe('san-jose');
    const long = placeId({ name: 'Heroica Ciudad de Juchitán de Zaragoza del Istmo', region: 'Oaxaca de Juárez y más allá', kind: 'town' });
    expect(long).toMatch(/^[a-z0-9.-]{1,48}$/);
  });
});

describe('bookingMilestones: how long it took', () => {
  const booking = aBooking({ createdAt: '2026-11-22T12:00:00.000Z', slot: { local: '2026-12-03T09:00', start: '2026-12-03T09:00:00-04:00', end: '2026-12-03T10:00:00-04:00' } });

  it('counts a new booking from the conversation’s first message, when it is known', () => {
    expect(bookingMilestones('created', booking, '2026-11-19T08:30:00.000Z')).toEqual([{ kind: 'booking_requested', waited: '1_7d' }, { kind: 'booking_confirmed' }]);
    expect(bookingMilestones('requested', { ...booking, history: booking.history.slice(0, 1) }, '2026-11-22T11:15:00.000Z')).toEqual([{ kind: 'booking_requested', waited: 'lt1h' }]);
    // A conversation from before analytics kept its start: no bucket rather than a made-up one.
    expect(bookingMilestones('created', booking)).toEqual([{ kind: 'booking_requested' }, { kind: 'booking_confirmed' }]);
  });

  it('counts an attendance from the booking to the assessment’s start', () => {
    expect(bookingMilestones('attended', booking)).toEqual([{ kind: 'attended', waited: '7_14d' }]);
    expect(bookingMilestones('attended', { ...booking, slot: null })).toEqual([{ kind: 'attended' }]);
  });
});
