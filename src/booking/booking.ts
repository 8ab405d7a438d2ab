import { z } from 'zod';
import { languageSchema } from '../catalog/schema.js';
import { LEARNED_AT } from '../match/WorkProfiler.js';
import { EVIDENCE_KINDS } from '../prescreen/readiness.js';

export const BOOKING_STATUSES = ['booked', 'cancelled', 'cancelled_by_institution', 'attended', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

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

export const historyEntrySchema = z.object({
  at: z.iso.datetime(),
  action: z.enum(['booked', 'rescheduled', 'cancelled', 'attended', 'no_show']),
  by: z.enum(['worker', 'institution', 'system']),
  /** Moves: the slot before and after (local wall-clock times), and when the old one started. */
  from: z.string().optional(),
  fromStart: isoWithOffset.optional(),
  to: z.string().optional(),
});

/**
 * One assessment appointment. The worker's address (phone number) is stored sealed
 * (AES-GCM, see ContactSealer) and opened only to send them a message or to show it to
 * their institution through the API; `pid` is the pseudonym used everywhere else.
 */
export const bookingSchema = z.object({
  v: z.literal(1),
  code: z.string().min(4).max(12),
  pid: z.string().min(8),
  centreId: z.string(),
  institution: z.string(),
  country: z.string().regex(/^[A-Z]{2}$/),
  occupation: z.string(),
  standard: z.object({ institution: z.string(), code: z.string().nullable() }),
  slot: z.object({ local: z.string(), start: isoWithOffset, end: isoWithOffset }),
  timeZone: z.string(),
  status: z.enum(BOOKING_STATUSES),
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
export type Booking = z.infer<typeof bookingSchema>;

/** One worker holds at most one active booking per standard: this is the standard's key. */
export const standardKey = (b: Pick<Booking, 'standard' | 'occupation'>): string => `${b.standard.institution}:${b.standard.code ?? b.occupation}`;

/** Statuses that hold a place in a slot. */
export const isActive = (b: Pick<Booking, 'status'>): boolean => b.status === 'booked';
