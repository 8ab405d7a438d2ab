import type { Booking } from './booking.js';

/** A booking as stored, with the revision that guards concurrent changes. */
export interface StoredBooking {
  booking: Booking;
  rev: number;
}

export type CreateResult = { ok: true } | { ok: false; reason: 'full' | 'code_taken' } | { ok: false; reason: 'already'; code: string };
export type UpdateResult = { ok: true } | { ok: false; reason: 'full' | 'conflict' | 'missing' };

/** A change of a booking whose side effects (reminders, notices, webhooks) may not have run yet. */
export interface PendingEffect {
  code: string;
  /** The change's entry in the booking's history. */
  index: number;
}

/** The member naming a pending effect in the store ('K7MX4P#0'). */
export const effectId = (code: string, index: number): string => `${code}#${index}`;
export function parseEffectId(member: string): PendingEffect | undefined {
  const m = /^([A-Z0-9]{4,12})#(\d{1,3})$/.exec(member);
  return m ? { code: m[1]!, index: Number(m[2]) } : undefined;
}

/**
 * Times that bound a booking's life in the store, as instants of the injected clock (epoch ms).
 * Stores turn them into durations from that clock's now before anything reaches Redis.
 */
export interface BookingTimes {
  /** The slot's end: after it the worker may book the same standard again. */
  activeUntil: number;
  /** When the record (and its slot entry) is deleted. */
  keepUntil: number;
}

/**
 * Where bookings live, with the two guarantees booking depends on, enforced atomically by the
 * store itself (a Lua script in Redis): a slot never holds more bookings than the capacity given
 * (proposed and confirmed ones hold a place), and a worker holds at most one active booking
 * (requested, proposed or confirmed) per standard. Every create and
 * update also records, in the same step, that the change's side effects are pending, so that a
 * process killed right after the write cannot lose a reminder or a webhook.
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
  /** An institution's open requests (no time yet), oldest first, optionally of one centre. */
  requests(institution: string, centreId?: string): Promise<Booking[]>;
  /** How many active bookings each of these slots of a centre holds. */
  taken(centreId: string, locals: readonly string[]): Promise<number[]>;
  /**
   * Changes written (by create or update, in the same atomic step as the booking) whose side
   * effects were not yet marked done, written at or before `writtenBefore` (epoch ms), oldest first.
   */
  pendingEffects(writtenBefore: number): Promise<PendingEffect[]>;
  /** The side effects of one change have all been queued. */
  effectsDone(code: string, index: number): Promise<void>;
  /**
   * Rewrites the booking record (same rev check as update) with nothing else touched: used when
   * a worker's pseudonym changes, after every key named by the old one was renamed.
   */
  rewrite(previous: StoredBooking, next: Booking): Promise<UpdateResult>;
  /** Deletes a booking record and every index entry (the worker erased their data). */
  remove(booking: Booking): Promise<void>;
}
