import type { Booking } from './booking.js';

/** A booking as stored, with the revision that guards concurrent changes. */
export interface StoredBooking {
  booking: Booking;
  rev: number;
}

export type CreateResult = { ok: true } | { ok: false; reason: 'full' | 'code_taken' } | { ok: false; reason: 'already'; code: string };
export type UpdateResult = { ok: true } | { ok: false; reason: 'full' | 'conflict' | 'missing' };

/** Times that bound a booking's life in the store, in epoch ms. */
export interface BookingTimes {
  /** The slot's end: after it the worker may book the same standard again. */
  activeUntil: number;
  /** When the record (and its slot entry) is deleted. */
  keepUntil: number;
}

/**
 * Where bookings live, with the two guarantees booking depends on, enforced atomically by the
 * store itself (a Lua script in Redis): a slot never holds more active bookings than the
 * capacity given, and a worker holds at most one active booking per standard.
 * Two implementations: RedisBookingStore (every process shares it) and MemoryBookingStore
 * (the quick start's single process).
 */
export interface BookingStore {
  /** Stores a new booking if its slot has room and the worker has no active booking for the standard. */
  create(booking: Booking, capacity: number, times: BookingTimes): Promise<CreateResult>;
  /**
   * Replaces a booking if it is still at `previous.rev`. A changed slot is taken first (if it has
   * room) and the old one released in the same step; a booking that stops being active gives
   * its place and the worker's per-standard hold back.
   */
  update(previous: StoredBooking, next: Booking, capacity: number, times: BookingTimes): Promise<UpdateResult>;
  get(code: string): Promise<StoredBooking | undefined>;
  /** Every booking of a worker (any status), oldest slot first. */
  byWorker(pid: string): Promise<Booking[]>;
  /** An institution's bookings with slots starting in [fromMs, toMs), optionally of one centre. */
  byInstitution(institution: string, fromMs: number, toMs: number, centreId?: string): Promise<Booking[]>;
  /** How many active bookings each of these slots of a centre holds. */
  taken(centreId: string, locals: readonly string[]): Promise<number[]>;
  /** Deletes a booking record and every index entry (the worker erased their data). */
  remove(booking: Booking): Promise<void>;
}
