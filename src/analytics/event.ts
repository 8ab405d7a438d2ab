import { z } from 'zod';
import { languageSchema } from '../catalog/schema.js';

/**
 * One anonymous analytics event: what happened in a worker's conversation, never who they are
 * nor what they wrote. The time is truncated to the hour; `aid` is a random id kept in the
 * worker's session (never derived from the phone number), so when the session is erased or
 * expires nothing links the events back to a person.
 *
 * @example
 *   { v: 1, hour: '2026-12-05T14:00:00Z', aid: 'a1b2c3d4e5f6a7b8', country: 'DO', language: 'es',
 *     channel: 'sms', kind: 'not_understood', step: 'route.trade', segments: 2 }
 */
export const TURN_OUTCOMES = [
  /** The reply was read: the conversation moved on (or answered what was asked). */
  'understood',
  /** The reply was not understood: the question was asked again, kindly. */
  'reasked',
  /** Not understood again: help and the menu were offered. */
  'not_understood',
  /** A command word (menu, help, back, language, erase, stop…), not an answer to the question. */
  'command',
] as const;

export const MILESTONES = [
  'first_contact',
  'privacy_accepted',
  'privacy_declined',
  'route_explained',
  /** A trade description that matched nothing (its scrubbed phrase is stored apart, shown only from k workers). */
  'trade_unmatched',
  'prescreen_started',
  'prescreen_completed',
  'booking_requested',
  'booking_confirmed',
  'booking_cancelled',
  'booking_declined',
  /** The nearest centre assessing the worker's trade is more than FAR_KM away (or none is known): the town is in `detail`. */
  'centre_far',
  'attended',
  'no_show',
  'outcome',
  'opt_out',
  'erase',
  'throttled',
  'delivery_failed',
] as const;

export const EVENT_KINDS = [...TURN_OUTCOMES, ...MILESTONES] as const;
export type TurnOutcome = (typeof TURN_OUTCOMES)[number];
export type Milestone = (typeof MILESTONES)[number];
export type EventKind = (typeof EVENT_KINDS)[number];

export const CHANNELS = ['sms', 'whatsapp', 'chat'] as const;
export type AnalyticsChannel = (typeof CHANNELS)[number];

/** A country code, or 'XX' when the conversation has none yet (no hint from the number, none chosen). */
export const UNKNOWN_COUNTRY = 'XX';

/** Stable ids only: a step ('route.trade'), a fact name, a band, an error code — never free text. */
export const ID_PATTERN = /^[a-z0-9_.-]{1,48}$/i;
const idSchema = z.string().regex(ID_PATTERN);
/** A conversation's analytics id: random hex (newAid). */
export const AID_PATTERN = /^[0-9a-f]{16,32}$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const HOUR_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:00:00Z$/;

/** The hour an event happened in, ISO UTC: '2026-12-05T14:00:00Z'. */
export const hourSchema = z.string().regex(HOUR_PATTERN);

export const analyticsEventSchema = z.object({
  v: z.literal(1),
  hour: hourSchema,
  /** Random per conversation (see above); absent when no conversation exists (a throttled stranger). */
  aid: z.string().regex(AID_PATTERN).optional(),
  country: z.string().regex(COUNTRY_PATTERN),
  language: languageSchema,
  channel: z.enum(CHANNELS),
  kind: z.enum(EVENT_KINDS),
  /** Turn outcomes: the question asked at the end of the turn (a re-ask repeats the one answered). */
  step: idSchema.optional(),
  /** SMS segments the turn's replies cost (turn outcomes on SMS). */
  segments: z.number().int().min(0).max(1000).optional(),
  /** route_explained: the trade; the country is `country`. */
  trade: idSchema.optional(),
  /** route_explained: which facts of the route are not known (e.g. 'cost', 'validity'). */
  unknownFacts: z.array(idSchema).max(20).optional(),
  /** prescreen_completed: the readiness band. */
  band: z.enum(['ready', 'gaps', 'notYet']).optional(),
  /** outcome: what the assessment found; booking_cancelled: who cancelled. */
  detail: idSchema.optional(),
  /**
   * booking_requested: how long after the conversation's first message; attended: how long after
   * the booking was made the assessment took place. A bucket (WAIT_BUCKETS), never a time.
   */
  waited: z.enum(['lt1h', '1h_1d', '1_7d', '7_14d', '14_30d', 'gt30d']).optional(),
  /** delivery_failed: Twilio's error code. */
  errorCode: z.number().int().min(0).max(99_999).optional(),
  /** A simulator conversation (kept in the stream, marked, and out of every aggregate). */
  test: z.literal(true).optional(),
});
export type AnalyticsEvent = z.infer<typeof analyticsEventSchema>;

/** The fields every event of a conversation shares (the recorder's base). */
export type EventBase = Pick<AnalyticsEvent, 'v' | 'hour' | 'aid' | 'country' | 'language' | 'channel' | 'test'>;

/**
 * The event every turn makes (its outcome, the step asked, SMS segments), without a schema parse:
 * it is built for each of the service's turns, and its fields come typed from RutaBot, so only
 * its strings are checked — with the schema's own patterns, so no free text gets in either.
 * Throws as a parse would on a value the schema refuses.
 *
 * @example turnEvent({ v: 1, hour: '2026-12-05T14:00:00Z', aid: 'a1b2c3d4e5f6a7b8', country: 'DO', language: 'es', channel: 'sms' }, 'understood', 'route.trade', 1)
 */
export function turnEvent(base: EventBase, kind: TurnOutcome, step: string, segments: number | undefined): AnalyticsEvent {
  const strings = HOUR_PATTERN.test(base.hour) && COUNTRY_PATTERN.test(base.country) && ID_PATTERN.test(step) && (base.aid === undefined || AID_PATTERN.test(base.aid));
  const numbers = segments === undefined || (Number.isInteger(segments) && segments >= 0 && segments <= 1000);
  if (!strings || !numbers || !TURN_OUTCOMES.includes(kind) || !CHANNELS.includes(base.channel)) return analyticsEventSchema.parse({ ...base, kind, step, segments });
  // Written out, not spread from `base`: a turn's object spread here left about 0.7 KB a turn to
  // the old generation (--trace-gc-nvp under the bench's load, 1.6 against 0.96 KB a turn promoted
  // with the event built this way), though nothing keeps the event (issue 13). An absent aid or
  // segments is an undefined field, as packEvent and the aggregates read it.
  const event: AnalyticsEvent = { v: 1, hour: base.hour, aid: base.aid, country: base.country, language: base.language, channel: base.channel, kind, step, segments };
  if (base.test) event.test = true;
  return event;
}

/** What a dialog or the booking service reports; the recorder adds the time, the id and the cell. */
export type Tracked =
  | { kind: Exclude<Milestone, 'route_explained' | 'prescreen_completed' | 'trade_unmatched' | 'outcome' | 'booking_cancelled' | 'delivery_failed' | 'booking_requested' | 'attended' | 'centre_far'> }
  /** `waited`: since the conversation's first message (absent when that is not known). */
  | { kind: 'booking_requested'; waited?: WaitBucket }
  /** `waited`: from the booking to the assessment. */
  | { kind: 'attended'; waited?: WaitBucket }
  /** `place`: the town's id (Gazetteer.placeId), never what the worker typed. */
  | { kind: 'centre_far'; place: string }
  | { kind: 'route_explained'; trade: string; unknownFacts: readonly string[] }
  | { kind: 'prescreen_completed'; band: 'ready' | 'gaps' | 'notYet' }
  /** `text`: what the worker typed; only its scrubbed, normalised phrase is kept (see tradePhrase). */
  | { kind: 'trade_unmatched'; text: string }
  | { kind: 'outcome'; outcome: string }
  | { kind: 'booking_cancelled'; by: 'worker' | 'institution' }
  | { kind: 'delivery_failed'; errorCode: number };

/** How long something took, as analytics keep it: a bucket, never a time (the buckets' order is theirs). */
export const WAIT_BUCKETS = ['lt1h', '1h_1d', '1_7d', '7_14d', '14_30d', 'gt30d'] as const;
export type WaitBucket = (typeof WAIT_BUCKETS)[number];

/** Beyond this many kilometres to the nearest centre for a trade, a town counts as far from any centre. */
export const FAR_KM = 50;

/**
 * The bucket of a duration in milliseconds (a negative one, clocks apart, is 'lt1h').
 *
 * @example waitBucket(3 * 86_400_000) === '1_7d'
 */
export function waitBucket(ms: number): WaitBucket {
  const h = ms / 3_600_000;
  if (h < 1) return 'lt1h';
  if (h < 24) return '1h_1d';
  if (h < 7 * 24) return '1_7d';
  if (h < 14 * 24) return '7_14d';
  if (h < 30 * 24) return '14_30d';
  return 'gt30d';
}

/** The hour of `at`, as events keep it. */
export function hourOf(at: Date): string {
  return `${at.toISOString().slice(0, 13)}:00:00Z`;
}

/** The UTC day of an hour or instant: '2026-12-05'. */
export function dayOf(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}
