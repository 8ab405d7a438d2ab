import { z } from 'zod';
import { languageSchema } from '../catalog/schema.js';
import { LEARNED_AT } from '../match/WorkProfiler.js';
import { EVIDENCE_KINDS } from '../prescreen/readiness.js';
import { preferencesSchema } from './preferences.js';

/**
 * A booking's life: an instant booking at an onboarded centre starts `confirmed`; a request to a
 * centre that has not published its hours starts `requested` (no time yet) and the centre
 * confirms it with a time, proposes one (`proposed`, until the worker accepts), or declines it.
 * A confirmed appointment ends `attended` (then an outcome) or `no_show`; worker and staff can
 * cancel or move it at any point before.
 */
export const BOOKING_STATUSES = ['requested', 'proposed', 'confirmed', 'declined', 'cancelled', 'cancelled_by_institution', 'attended', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** What an assessment found, set by the centre after the worker attended. */
export const OUTCOMES = ['competent', 'not_yet_competent', 'referred_to_training'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why a centre declined a request: each is told to the worker in their language, with what to do next. */
export const DECLINE_REASONS = ['not_assessed_here', 'no_capacity', 'documents_needed', 'training_first', 'other'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const isoWithOffset = z.iso.datetime({ offset: true });

/** What the institution sees of the worker's pre-screen: the result, never the answers' text. */
export const prescreenSnapshotSchema = z.object({
  level: z.enum(['ready', 'gaps', 'notYet']),
  share: z.number().min(0).max(1),
  years: z.number().min(0).max(60),
  learnedAt: z.enum(LEARNED_AT),
  evidence: z.array(z.enum(EVIDENCE_KINDS)),
  completedAt: z.iso.datetime(),
});
export type PrescreenSnapshot = z.infer<typeof prescreenSnapshotSchema>;

export const HISTORY_ACTIONS = ['booked', 'requested', 'proposed', 'confirmed', 'declined', 'rescheduled', 'cancelled', 'attended', 'no_show', 'outcome'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export const historyEntrySchema = z.object({
  at: z.iso.datetime(),
  /** 'booked': an instant booking, confirmed at once; the others name the change. */
  action: z.enum(HISTORY_ACTIONS),
  by: z.enum(['worker', 'institution', 'system']),
  /** Moves: the slot before and after (local wall-clock times), and when the old one started. */
  from: z.string().optional(),
  fromStart: isoWithOffset.optional(),
  to: z.string().optional(),
  reason: z.enum(DECLINE_REASONS).optional(),
  outcome: z.enum(OUTCOMES).optional(),
});

/**
 * One assessment appointment. The worker's address (phone number) is stored sealed
 * (AES-GCM, see ContactSealer) and opened only to send them a message or to show it to
 * their institution through the API; `pid` is the pseudonym used everywhere else.
 */
const slotSchema = z.object({ local: z.string(), start: isoWithOffset, end: isoWithOffset });

export const currentBookingSchema = z.object({
  v: z.literal(2),
  code: z.string().min(4).max(12),
  pid: z.string().min(8),
  /**
   * The worker's conversation analytics id (random, see session.ts), so changes made outside the
   * conversation (staff confirm, attendance, outcome) are counted for the same anonymous worker.
   * Deleted with the booking (erase, retention); absent on bookings made before analytics.
   */
  aid: z.string().regex(/^[0-9a-f]{16,32}$/).nullable().optional(),
  /** Made from the console's simulator (a simulated number): kept out of analytics like its conversation. */
  simulated: z.boolean().optional(),
  centreId: z.string(),
  institution: z.string(),
  country: z.string().regex(/^[A-Z]{2}$/),
  occupation: z.string(),
  standard: z.object({ institution: z.string(), code: z.string().nullable() }),
  /** null while requested: the centre has not set a time yet. */
  slot: slotSchema.nullable(),
  timeZone: z.string(),
  status: z.enum(BOOKING_STATUSES),
  /** For a request: when the worker can go (never their words). */
  preferences: preferencesSchema.nullable(),
  declineReason: z.enum(DECLINE_REASONS).nullable(),
  outcome: z.enum(OUTCOMES).nullable(),
  channel: z.enum(['sms', 'whatsapp', 'chat']),
  /** The sealed address the worker wrote from (null on chat channels, which have no number). */
  contact: z.string().nullable(),
  /** Ruta's own number the worker wrote to (replies come from it); not personal data. */
  via: z.string().nullable(),
  firstName: z.string().max(40).nullable(),
  language: languageSchema,
  prescreen: prescreenSnapshotSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  history: z.array(historyEntrySchema).max(100),
});

/** The first stored form (instant bookings only): read as v2, 'booked' meaning confirmed. */
const bookingV1 = currentBookingSchema.extend({
  v: z.literal(1),
  slot: slotSchema,
  status: z.enum(['booked', 'cancelled', 'cancelled_by_institution', 'attended', 'no_show']),
  preferences: z.undefined().optional(),
  declineReason: z.undefined().optional(),
  outcome: z.undefined().optional(),
});

/**
 * A stored booking, as the current version. Older records are migrated when read, never
 * rewritten in bulk.
 */
export const bookingSchema = z.union([
  currentBookingSchema,
  bookingV1.transform((b): z.infer<typeof currentBookingSchema> => ({ ...b, v: 2, status: b.status === 'booked' ? 'confirmed' : b.status, preferences: null, declineReason: null, outcome: null })),
]);
export type Booking = z.infer<typeof currentBookingSchema>;
/** A booking with its time set (confirmed, proposed, or after). */
export type ScheduledBooking = Booking & { slot: NonNullable<Booking['slot']> };
export const isScheduled = (b: Booking): b is ScheduledBooking => b.slot !== null;

/** One worker holds at most one active booking per standard: this is the standard's key. */
export const standardKey = (b: Pick<Booking, 'standard' | 'occupation'>): string => `${b.standard.institution}:${b.standard.code ?? b.occupation}`;

/** Statuses of a booking still under way: the worker holds it (one per standard), and can cancel or move it. */
export const isActive = (b: Pick<Booking, 'status'>): boolean => b.status === 'requested' || b.status === 'proposed' || b.status === 'confirmed';

/** True when the booking takes a place in its slot (a proposed time is held until the worker answers). */
export const holdsPlace = (b: Pick<Booking, 'status' | 'slot'>): boolean => b.slot !== null && (b.status === 'proposed' || b.status === 'confirmed');
