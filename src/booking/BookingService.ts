import { DateTime } from 'luxon';
import type { Catalog } from '../catalog/Catalog.js';
import type { Language } from '../catalog/schema.js';
import { errorCode, type Logger } from '../log.js';
import { isActive, type Booking, type BookingStatus, type DeclineReason, type HistoryAction, type Outcome, type PrescreenSnapshot } from './booking.js';
import type { BookingStore, BookingTimes, StoredBooking } from './BookingStore.js';
import { isBookable, type Centre } from './centre.js';
import type { CentreDirectory } from './CentreDirectory.js';
import { newBookingCode } from './code.js';
import type { Preferences } from './preferences.js';
import { slotOf, slotsBetween, type Slot } from './slots.js';
import type { EventContext } from '../analytics/EventRecorder.js';
import { waitBucket, type Tracked } from '../analytics/event.js';

/** Where the booking service reports its milestones (EventRecorder.record). */
export interface BookingAnalytics {
  record(context: EventContext, milestones: readonly Tracked[]): Promise<void>;
}

/**
 * What happened to a booking. 'created': an instant booking at an onboarded centre (confirmed at
 * once); 'requested': a request that its centre will answer; the others name the change.
 */
export type BookingEventType = 'created' | 'requested' | 'proposed' | 'confirmed' | 'declined' | 'cancelled' | 'rescheduled' | 'attended' | 'no_show' | 'outcome';

/** Something that happened to a booking, for reminders, webhooks and messages to the worker. */
export interface BookingEvent {
  type: BookingEventType;
  booking: Booking;
  by: 'worker' | 'institution' | 'system';
  /** The booking before the change (moves: the old slot). */
  previous?: Booking;
  /** The change's entry in `booking.history`: with the code, it names the change (job and event ids derive from it). */
  index: number;
}
export type BookingListener = (event: BookingEvent) => Promise<void>;

export interface BookingRules {
  /** Slots are offered this many days ahead (and a request waits this long for an answer). */
  horizonDays: number;
  /** The earliest slot offered starts at least this many hours from now. */
  minLeadHours: number;
  /** A booking's record is kept this many days after its slot, then deleted. */
  retentionDays: number;
}

/** Who the worker is and what the assessment is for: the same for a booking and a request. */
export interface WorkerRequest {
  pid: string;
  /** The conversation's analytics id (never the pid): booking milestones are counted under it. */
  aid?: string | null;
  /** When the conversation began (ISO): analytics count how long it took to book, as a bucket; not stored. */
  startedAt?: string | null;
  /** From the console's simulator: never counted in analytics. */
  simulated?: boolean;
  centreId: string;
  occupation: string;
  standard: { institution: string; code: string | null };
  channel: Booking['channel'];
  contact: string | null;
  via: string | null;
  firstName: string | null;
  language: Language;
  prescreen: PrescreenSnapshot | null;
}

/** An instant booking: a slot of an onboarded centre. */
export interface BookingRequest extends WorkerRequest {
  /** The slot's local start ('2027-03-02T09:00' in the centre's time zone). */
  local: string;
}

/** A request to a centre that sets its own times: when the worker can go. */
export interface AppointmentRequest extends WorkerRequest {
  preferences: Preferences;
}

export type BookResult =
  | { ok: true; booking: Booking }
  /** Someone took the last place first, or the slot is no longer offered (or the centre takes requests only). */
  | { ok: false; reason: 'full' | 'unavailable' }
  /** The worker already holds an active booking for this standard. */
  | { ok: false; reason: 'already'; booking: Booking | undefined };

export type ChangeResult = { ok: true; booking: Booking } | { ok: false; reason: 'not_found' | 'not_active' | 'wrong_status' | 'full' | 'unavailable' };

/**
 * Points between a booking's write and its side effects, where a test can make the process die
 * (a real SIGKILL) to show nothing is lost: see `TEST_CRASH_AT` in config.ts.
 */
export type EffectPoint = 'booking_written' | 'effects_partial' | 'effects_queued';

/** How many times a change is retried when another process changed the booking meanwhile. */
const CONFLICT_RETRIES = 8;
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** The length of an appointment a centre sets itself when it has published no slot length. */
const DEFAULT_MINUTES = 60;
/** A place with no published capacity (the centre set the time itself). */
const UNLIMITED = 1_000_000;

/** Options for the slots offered to a worker. */
export interface SlotQuery {
  limit?: number;
  /** At most this many on one day, so a worker sees several days. */
  perDay?: number;
  /** Only slots starting after this local start (for "more times"). */
  after?: string;
  /** Only slots on this day (YYYY-MM-DD in the centre's calendar: "another day"). */
  day?: string;
  /** Leave this slot out (the worker's current one, when moving). */
  except?: string;
}

/**
 * Booking rules on top of the store: which slots are free; instant booking at onboarded centres;
 * requests to the others, which their staff confirm, propose a time for, or decline; cancelling,
 * moving, attendance and outcomes. Every change is announced to the listeners (reminders,
 * webhooks, messages to the worker) after it is stored.
 */
export class BookingService {
  private readonly listeners: BookingListener[] = [];

  constructor(
    readonly store: BookingStore,
    readonly centres: CentreDirectory,
    private readonly catalog: Catalog,
    readonly rules: BookingRules,
    private readonly now: () => Date,
    private readonly options: { log?: Logger; faultAt?: (point: EffectPoint) => void; analytics?: BookingAnalytics } = {},
  ) {}

  on(listener: BookingListener): void {
    this.listeners.push(listener);
  }

  /** The next free slots of an onboarded centre, from the minimum lead time to the horizon. */
  async freeSlots(centre: Centre, query: SlotQuery = {}): Promise<Slot[]> {
    const { limit = 5, perDay = 2 } = query;
    if (!isBookable(centre)) return [];
    const from = new Date(this.now().getTime() + this.rules.minLeadHours * HOUR);
    const to = new Date(this.now().getTime() + this.rules.horizonDays * DAY);
    const free: Slot[] = [];
    const candidates = slotsBetween(centre, from, to).filter(
      (s) => s.local !== query.except && (!query.after || s.local > query.after) && (!query.day || s.local.startsWith(query.day)),
    );
    const onDay = new Map<string, number>();
    // Counted in pages, so a busy centre does not cost one round trip per slot.
    for (let i = 0; i < candidates.length && free.length < limit; i += 50) {
      const page = candidates.slice(i, i + 50);
      const taken = await this.store.taken(centre.id, page.map((s) => s.local));
      page.forEach((slot, j) => {
        const day = slot.local.slice(0, 10);
        if (free.length >= limit || (taken[j] ?? 0) >= slot.capacity || (onDay.get(day) ?? 0) >= perDay) return;
        onDay.set(day, (onDay.get(day) ?? 0) + 1);
        free.push(slot);
      });
    }
    return free;
  }

  /** The days (YYYY-MM-DD, centre's calendar) with at least one free slot, soonest first. */
  async freeDays(centre: Centre, limit = 6): Promise<string[]> {
    const slots = await this.freeSlots(centre, { limit: 200, perDay: 1 });
    return slots.slice(0, limit).map((s) => s.local.slice(0, 10));
  }

  /** A slot that can still be booked at this onboarded centre now (offered, not too soon, within the horizon). */
  bookableSlot(centre: Centre, local: string): Slot | undefined {
    if (!isBookable(centre)) return undefined;
    const slot = slotOf(centre, local);
    if (!slot) return undefined;
    const start = Date.parse(slot.start);
    const now = this.now().getTime();
    return start >= now + this.rules.minLeadHours * HOUR && start < now + this.rules.horizonDays * DAY ? slot : undefined;
  }

  /**
   * The time a centre's staff set for an appointment: one of its published slots when it has
   * them (with that slot's capacity), otherwise the time they chose, for the centre's usual
   * length; never in the past.
   */
  staffSlot(centre: Centre, local: string): { slot: Slot; capacity: number } | undefined {
    const published = slotOf(centre, local);
    if (published && Date.parse(published.start) > this.now().getTime()) return { slot: published, capacity: published.capacity };
    const start = DateTime.fromISO(local, { zone: centre.timeZone });
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(local) || !start.isValid || start.toMillis() <= this.now().getTime()) return undefined;
    const minutes = centre.availability?.slotMinutes ?? DEFAULT_MINUTES;
    const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true, includeOffset: true }) ?? '';
    return { slot: { local, start: iso(start), end: iso(start.plus({ minutes })), capacity: UNLIMITED }, capacity: UNLIMITED };
  }

  /** Books a published slot of an onboarded centre: confirmed at once. */
  async book(request: BookingRequest): Promise<BookResult> {
    const centre = await this.centres.get(request.centreId);
    const slot = centre && this.bookableSlot(centre, request.local);
    if (!centre || !slot) return { ok: false, reason: 'unavailable' };
    return this.create(centre, request, { status: 'confirmed', slot, preferences: null, action: 'booked', event: 'created' }, slot.capacity, this.times(slot));
  }

  /** Asks a centre for an appointment: its staff will confirm a time, propose one, or decline. */
  async request(request: AppointmentRequest): Promise<BookResult> {
    const centre = await this.centres.get(request.centreId);
    if (!centre) return { ok: false, reason: 'unavailable' };
    // Held until the centre answers, for as long as slots are offered ahead.
    const until = this.now().getTime() + this.rules.horizonDays * DAY;
    return this.create(centre, request, { status: 'requested', slot: null, preferences: request.preferences, action: 'requested', event: 'requested' }, 0, {
      activeUntil: until,
      keepUntil: until + this.rules.retentionDays * DAY,
    });
  }

  async get(code: string): Promise<Booking | undefined> {
    return (await this.store.get(code))?.booking;
  }

  /** A worker's bookings still under way (requested, proposed, or confirmed and not yet past), soonest first. */
  async activeFor(pid: string): Promise<Booking[]> {
    const now = this.now().getTime();
    return (await this.store.byWorker(pid)).filter((b) => isActive(b) && (b.slot === null || Date.parse(b.slot.end) > now));
  }

  /** The centre's staff set the time of a request (or a proposed time they now fix): confirmed. */
  async confirm(code: string, local: string): Promise<ChangeResult> {
    return this.schedule(code, local, 'confirmed', 'institution', ['requested', 'proposed']);
  }

  /** The centre's staff propose a time; the worker accepts it (confirmed) or asks for another. */
  async propose(code: string, local: string): Promise<ChangeResult> {
    return this.schedule(code, local, 'proposed', 'institution', ['requested', 'proposed']);
  }

  /** The worker accepts the time the centre proposed. */
  async acceptProposal(code: string): Promise<ChangeResult> {
    return this.change(code, 'confirmed', 'worker', ['proposed'], (b) => ({ next: { ...b, status: 'confirmed' }, capacity: UNLIMITED }));
  }

  /**
   * The worker cannot go at the time the centre proposed or set: back to a request, with new
   * preferences if given, for the centre to answer again (its place is let go).
   */
  async askAnotherTime(code: string, preferences: Preferences | null): Promise<ChangeResult> {
    return this.change(code, 'requested', 'worker', ['proposed', 'confirmed'], (b) => ({
      next: { ...b, status: 'requested', slot: null, preferences: preferences ?? b.preferences },
      capacity: UNLIMITED,
      times: this.requestTimes(),
    }));
  }

  /** The centre cannot take the request; the worker is told why, in their language, and what to do. */
  async decline(code: string, reason: DeclineReason): Promise<ChangeResult> {
    return this.change(code, 'declined', 'institution', ['requested', 'proposed'], (b) => ({ next: { ...b, status: 'declined', declineReason: reason }, capacity: UNLIMITED }), { reason });
  }

  /** Cancels a booking or request still under way: by the worker, or by the institution. */
  cancel(code: string, by: 'worker' | 'institution'): Promise<ChangeResult> {
    const status: BookingStatus = by === 'worker' ? 'cancelled' : 'cancelled_by_institution';
    return this.change(code, 'cancelled', by, ['requested', 'proposed', 'confirmed'], (b) => ({ next: { ...b, status }, capacity: UNLIMITED }));
  }

  /** Marks a confirmed appointment attended or no-show (the institution). */
  mark(code: string, status: 'attended' | 'no_show'): Promise<ChangeResult> {
    return this.change(code, status, 'institution', ['confirmed'], (b) => ({ next: { ...b, status }, capacity: UNLIMITED }));
  }

  /** Records what the assessment found (the institution), once the worker attended; it can be corrected. */
  setOutcome(code: string, outcome: Outcome): Promise<ChangeResult> {
    return this.change(code, 'outcome', 'institution', ['attended'], (b) => ({ next: { ...b, outcome }, capacity: UNLIMITED }), { outcome });
  }

  /**
   * Moves a confirmed or proposed appointment to another time: a published slot (the worker, or
   * staff) or, for staff, any time they set. The new place is taken before the old one is let go.
   */
  async move(code: string, local: string, by: 'worker' | 'institution'): Promise<ChangeResult> {
    const stored = await this.store.get(code);
    const centre = stored && (await this.centres.get(stored.booking.centreId));
    if (!stored || !centre) return { ok: false, reason: 'not_found' };
    const target = by === 'worker' ? mapSlot(this.bookableSlot(centre, local)) : this.staffSlot(centre, local);
    if (!target) return { ok: false, reason: 'unavailable' };
    return this.change(code, 'rescheduled', by, ['confirmed', 'proposed'], (b) => ({ next: { ...b, slot: slotOnly(target.slot) }, capacity: target.capacity, times: this.times(target.slot) }));
  }

  /**
   * Deletes every booking of a worker, cancelling those under way first: the institution is told
   * and the reminders withdrawn before the record goes. If that cannot be done now, nothing is
   * deleted and the error reaches the worker (who can send the erase word again).
   */
  async eraseWorker(pid: string): Promise<number> {
    const bookings = await this.store.byWorker(pid);
    for (const b of bookings) {
      if (isActive(b)) {
        const cancelled = await this.change(b.code, 'cancelled', 'worker', ['requested', 'proposed', 'confirmed'], (x) => ({ next: { ...x, status: 'cancelled' }, capacity: UNLIMITED }), {}, { strict: true });
        if (!cancelled.ok && cancelled.reason !== 'not_active' && cancelled.reason !== 'wrong_status' && cancelled.reason !== 'not_found')
          throw new Error(`erase: booking could not be cancelled (${cancelled.reason})`);
      }
      await this.store.remove((await this.store.get(b.code))?.booking ?? b);
    }
    return bookings.length;
  }

  /**
   * Runs again the side effects of changes whose process died (or failed) between writing the
   * booking and queuing its reminders, notices and webhooks. Every job id derives from the booking
   * code and the change's index, so running an effect twice queues nothing twice.
   * `minAgeMs`: only changes written at least this long ago (leave in-flight ones alone).
   */
  async reconcileEffects(minAgeMs: number): Promise<number> {
    const pending = await this.store.pendingEffects(this.now().getTime() - minAgeMs);
    let redone = 0;
    for (const { code, index } of pending) {
      const booking = (await this.store.get(code))?.booking;
      const entry = booking?.history[index];
      if (!booking || !entry) {
        await this.store.effectsDone(code, index);
        continue;
      }
      const type: BookingEventType = entry.action === 'booked' ? 'created' : entry.action;
      const previous = type === 'rescheduled' && entry.from && entry.fromStart ? { ...booking, slot: { local: entry.from, start: entry.fromStart, end: entry.fromStart } } : undefined;
      if (await this.emit({ type, booking, by: entry.by, index, ...(previous ? { previous } : {}) })) redone++;
    }
    if (redone > 0) this.options.log?.info('booking_effects_redone', { count: redone });
    return redone;
  }

  private async create(
    centre: Centre,
    request: WorkerRequest,
    shape: { status: BookingStatus; slot: Slot | null; preferences: Preferences | null; action: HistoryAction; event: BookingEventType },
    capacity: number,
    times: BookingTimes,
  ): Promise<BookResult> {
    const at = this.now().toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const booking: Booking = {
        v: 2,
        code: newBookingCode(),
        pid: request.pid,
        aid: request.aid ?? null,
        ...(request.simulated ? { simulated: true } : {}),
        centreId: centre.id,
        institution: centre.institution,
        country: this.catalog.institution(centre.institution)?.country ?? 'XX',
        occupation: request.occupation,
        standard: request.standard,
        slot: shape.slot ? slotOnly(shape.slot) : null,
        timeZone: centre.timeZone,
        status: shape.status,
        preferences: shape.preferences,
        declineReason: null,
        outcome: null,
        channel: request.channel,
        contact: request.contact,
        via: request.via,
        firstName: request.firstName,
        language: request.language,
        prescreen: request.prescreen,
        createdAt: at,
        updatedAt: at,
        history: [{ at, action: shape.action, by: 'worker', ...(shape.slot ? { to: shape.slot.local } : {}) }],
      };
      const created = await this.store.create(booking, capacity, times);
      if (created.ok) {
        await this.track(shape.event, booking, request.startedAt ?? undefined);
        await this.emit({ type: shape.event, booking, by: 'worker', index: 0 });
        return { ok: true, booking };
      }
      if (created.reason === 'already') return { ok: false, reason: 'already', booking: (await this.store.get(created.code))?.booking };
      if (created.reason === 'full') return { ok: false, reason: 'full' };
      // code_taken: draw another code.
    }
    throw new Error('no free booking code after 5 draws');
  }

  /** Sets the time of a request or proposal (confirmed or proposed). */
  private async schedule(code: string, local: string, status: 'confirmed' | 'proposed', by: 'institution', from: BookingStatus[]): Promise<ChangeResult> {
    const stored = await this.store.get(code);
    const centre = stored && (await this.centres.get(stored.booking.centreId));
    if (!stored || !centre) return { ok: false, reason: 'not_found' };
    const target = this.staffSlot(centre, local);
    if (!target) return { ok: false, reason: 'unavailable' };
    return this.change(code, status, by, from, (b) => ({ next: { ...b, status, slot: slotOnly(target.slot) }, capacity: target.capacity, times: this.times(target.slot) }));
  }

  private async change(
    code: string,
    type: Exclude<BookingEventType, 'created' | 'requested'> | 'requested',
    by: 'worker' | 'institution',
    from: BookingStatus[],
    apply: (b: Booking) => { next: Booking; capacity: number; times?: BookingTimes },
    detail: { reason?: DeclineReason; outcome?: Outcome } = {},
    { strict = false }: { strict?: boolean } = {},
  ): Promise<ChangeResult> {
    for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
      const stored: StoredBooking | undefined = await this.store.get(code);
      if (!stored) return { ok: false, reason: 'not_found' };
      const previous = stored.booking;
      if (!from.includes(previous.status)) return { ok: false, reason: isActive(previous) || previous.status === 'attended' ? 'wrong_status' : 'not_active' };
      const at = this.now().toISOString();
      const { next, capacity, times } = apply(previous);
      const moved = previous.slot?.local !== next.slot?.local;
      next.updatedAt = at;
      next.history = [
        ...previous.history,
        {
          at,
          action: type,
          by,
          ...(moved && previous.slot ? { from: previous.slot.local, fromStart: previous.slot.start } : {}),
          ...(moved && next.slot ? { to: next.slot.local } : {}),
          ...detail,
        },
      ].slice(-100);
      const keep = times ?? (next.slot ? this.times(next.slot) : previous.slot ? this.times(previous.slot) : this.requestTimes());
      const result = await this.store.update(stored, next, capacity, keep);
      if (result.ok) {
        await this.track(type, next);
        const done = await this.emit({ type, booking: next, by, previous, index: next.history.length - 1 });
        if (!done && strict) throw new Error('booking side effects could not be queued');
        return { ok: true, booking: next };
      }
      if (result.reason === 'full') return { ok: false, reason: 'full' };
      if (result.reason === 'missing') return { ok: false, reason: 'not_found' };
    }
    throw new Error(`booking ${code.slice(0, 2)}…: too many concurrent changes`);
  }

  /** Counts a stored change for analytics, under the booking's analytics id (never fails the change). */
  private async track(type: BookingEventType, b: Booking, startedAt?: string): Promise<void> {
    const milestones = bookingMilestones(type, b, startedAt);
    if (!this.options.analytics || milestones.length === 0 || b.simulated) return;
    await this.options.analytics.record({ aid: b.aid ?? undefined, country: b.country, language: b.language, channel: b.channel }, milestones);
  }

  private times(slot: Pick<Slot, 'end'>): BookingTimes {
    const end = Date.parse(slot.end);
    return { activeUntil: end, keepUntil: end + this.rules.retentionDays * DAY };
  }

  private requestTimes(): BookingTimes {
    const until = this.now().getTime() + this.rules.horizonDays * DAY;
    return { activeUntil: until, keepUntil: until + this.rules.retentionDays * DAY };
  }

  /**
   * Tells the listeners, then marks the change's effects done. A listener that fails (Redis or
   * the queue down) leaves them pending: the change itself is stored and reconcileEffects runs
   * them later, so the worker is not told a booking failed when it did not. True when all ran.
   */
  private async emit(event: BookingEvent): Promise<boolean> {
    const fault = this.options.faultAt;
    try {
      fault?.('booking_written');
      for (const [i, listener] of this.listeners.entries()) {
        await listener(event);
        if (i === 0) fault?.('effects_partial');
      }
      fault?.('effects_queued');
      await this.store.effectsDone(event.booking.code, event.index);
      return true;
    } catch (err) {
      this.options.log?.error('booking_effects_failed', { change: event.type, code: errorCode(err) });
      return false;
    }
  }
}

/**
 * What analytics count of a booking change: an instant booking is requested and confirmed at once.
 * A new booking says how long after the conversation began it was made (`startedAt`, when known),
 * an attendance how long after the booking the assessment was — as buckets.
 */
export function bookingMilestones(type: BookingEventType, b: Booking, startedAt?: string): Tracked[] {
  const requested = (): Tracked => {
    const since = startedAt ? Date.parse(b.createdAt) - Date.parse(startedAt) : Number.NaN;
    return { kind: 'booking_requested', ...(Number.isFinite(since) ? { waited: waitBucket(since) } : {}) };
  };
  switch (type) {
    case 'created':
      return [requested(), { kind: 'booking_confirmed' }];
    case 'requested':
      // A worker asking for another time sends the booking back to 'requested': not a new request.
      return b.history.length === 1 ? [requested()] : [];
    case 'confirmed':
      return [{ kind: 'booking_confirmed' }];
    case 'declined':
      return [{ kind: 'booking_declined' }];
    case 'cancelled':
      return [{ kind: 'booking_cancelled', by: b.status === 'cancelled_by_institution' ? 'institution' : 'worker' }];
    case 'attended': {
      const wait = b.slot ? Date.parse(b.slot.start) - Date.parse(b.createdAt) : Number.NaN;
      return [{ kind: 'attended', ...(Number.isFinite(wait) ? { waited: waitBucket(wait) } : {}) }];
    }
    case 'no_show':
      return [{ kind: 'no_show' }];
    case 'outcome':
      return b.outcome ? [{ kind: 'outcome', outcome: b.outcome }] : [];
    default:
      return [];
  }
}

/** A slot as a booking keeps it (its capacity belongs to the centre). */
const slotOnly = (s: Slot): NonNullable<Booking['slot']> => ({ local: s.local, start: s.start, end: s.end });
const mapSlot = (s: Slot | undefined) => (s ? { slot: s, capacity: s.capacity } : undefined);
