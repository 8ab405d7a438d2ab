import { standardKey, type Booking } from './booking.js';

/** Logical keys of the booking store (the store adds its prefix). Keys holding a pid are erased with it. */
export const bookingKeys = {
  booking: (code: string) => `booking/${code}`,
  slot: (centreId: string, local: string) => `slot/${centreId}/${local}`,
  active: (b: Pick<Booking, 'pid' | 'standard' | 'occupation'>) => `active/${b.pid}/${standardKey(b)}`,
  byCentre: (centreId: string) => `centre-bookings/${centreId}`,
  byInstitution: (institution: string) => `institution-bookings/${institution}`,
  byWorker: (pid: string) => `worker-bookings/${pid}`,
  /** Requests (no time yet), by when they were made. */
  requestsByCentre: (centreId: string) => `centre-requests/${centreId}`,
  requestsByInstitution: (institution: string) => `institution-requests/${institution}`,
  /** Changes whose reminders, notices and webhooks are not yet queued (a sorted set by write time). */
  effects: 'booking-effects',
};
