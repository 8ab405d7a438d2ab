import { standardKey, type Booking } from './booking.js';

/**
 * Every booking key starts with one hash tag: a booking's scripts and transactions touch its hash,
 * its slot, its worker's hold and several indexes at once, and on a Redis Cluster they must all
 * lie in one slot. (Bookings are few beside conversations: one slot holds them well.)
 */
export const BOOKINGS_TAG = '{bookings}';

/** Logical keys of the booking store (the store adds its prefix). Keys holding a pid are erased with it. */
export const bookingKeys = {
  booking: (code: string) => `${BOOKINGS_TAG}booking/${code}`,
  slot: (centreId: string, local: string) => `${BOOKINGS_TAG}slot/${centreId}/${local}`,
  active: (b: Pick<Booking, 'pid' | 'standard' | 'occupation'>) => `${BOOKINGS_TAG}active/${b.pid}/${standardKey(b)}`,
  byCentre: (centreId: string) => `${BOOKINGS_TAG}centre-bookings/${centreId}`,
  byInstitution: (institution: string) => `${BOOKINGS_TAG}institution-bookings/${institution}`,
  byWorker: (pid: string) => `${BOOKINGS_TAG}worker-bookings/${pid}`,
  /** Requests (no time yet), by when they were made. */
  requestsByCentre: (centreId: string) => `${BOOKINGS_TAG}centre-requests/${centreId}`,
  requestsByInstitution: (institution: string) => `${BOOKINGS_TAG}institution-requests/${institution}`,
  /** Changes whose reminders, notices and webhooks are not yet queued (a sorted set by write time). */
  effects: `${BOOKINGS_TAG}booking-effects`,
};

/**
 * How the same keys began before they carried the tag (releases up to 2026-12-04): a store
 * opened on a single Redis renames what it finds of them once (RedisBookingStore.adoptUntaggedKeys).
 */
export const UNTAGGED_BOOKING_HEADS = ['booking/', 'slot/', 'active/', 'centre-bookings/', 'institution-bookings/', 'worker-bookings/', 'centre-requests/', 'institution-requests/', 'booking-effects'] as const;
