import type { Catalog } from '../catalog/Catalog.js';
import type { Language } from '../catalog/schema.js';
import { isActive, type Booking, type BookingStatus, type PrescreenSnapshot } from './booking.js';
import type { BookingStore, BookingTimes, StoredBooking } from './BookingStore.js';
import type { Centre } from './centre.js';
import type { CentreDirectory } from './CentreDirectory.js';
import { newBookingCode } from './code.js';
import { slotOf, slotsBetween, type Slot } from './slots.js';
import { errorCode, type Logger } from '../log.js';

export type BookingEventType = 'created' | 'cancelled' | 'rescheduled' | 'attended' | 'no_show';

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
  /** Slots are offered this many days ahead. */
  horizonDays: number;
  /** The earliest slot offered starts at least this many hours from now. */
  minLeadHours: number;
  /** A booking's record is kept this many days after its slot, then deleted. */
  retentionDays: number;
}

/** What a worker asks for when booking. */
export interface BookingRequest {
  pid: string;
  centreId: string;
  /** The slot's local start ('2027-03-02T09:00' in the centre's time zone). */
  local: string;
  occupation: string;
  standard: { institution: string; code: string | null };
  channel: Booking['channel'];
  contact: string | null;
  via: string | null;
  firstName: string | null;
  language: Language;
  prescreen: PrescreenSnapshot | null;
}

export type BookResult =
  | { ok: true; booking: Booking }
  /** Someone took the last place first, or the slot is no longer offered. */
  | { ok: false; reason: 'full' | 'unavailable' }
  /** The worker already holds an active booking for this standard. */
  | { ok: false; reason: 'already'; booking: Booking | undefined };

export type ChangeResult = { ok: true; booking: Booking } | { ok: false; reason: 'not_found' | 'not_active' | 'full' | 'unavailable' };

/**
 * Points between a booking's write and its side effects, where a test can make the process die
 * (a real SIGKILL) to show nothing is lost: see `TEST_CRASH_AT` in config.ts.
 */
export type EffectPoint = 'booking_written' | 'effects_partial' | 'effects_queued';

/** How many times a change is retried when another process changed the booking meanwhile. */
const CONFLICT_RETRIES = 8;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Booking rules on top of the store: which slots are free, booking, cancelling, moving and
 * marking attendance. Every change is announced to the listeners (reminders, webhooks,
 * messages to the worker) after it is stored.
 */
export class BookingService {
  private readonly listeners: BookingListener[] = [];

  constructor(
    readonly store: BookingStore,
    readonly centres: CentreDirectory,
    private readonly catalog: Catalog,
    readonly rules: BookingRules,
    private readonly now: () => Date,
    private readonly options: { log?: Logger; faultAt?: (point: EffectPoint) => void } = {},
  ) {}

  on(listener: BookingListener): void {
    this.listeners.push(listener);
  }

  /**
   * The next free slots of a centre (up to `limit`, at most `perDay` on one day so a worker sees
   * several days), from the minimum lead time to the horizon.
   */
  async freeSlots(centre: Centre, limit = 5, except?: string, perDay = 2): Promise<Slot[]> {
    const from = new Date(this.now().getTime() + this.rules.minLeadHours * HOUR);
    const to = new Date(this.now().getTime() + this.rules.horizonDays * DAY);
    const free: Slot[] = [];
    const candidates = slotsBetween(centre, from, to).filter((s) => s.local !== except);
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

  /** A slot that can still be booked at this centre now (offered, not too soon, within the horizon). */
  bookableSlot(centre: Centre, local: string): Slot | undefined {
    const slot = slotOf(centre, local);
    if (!slot) return undefined;
    const start = Date.parse(slot.start);
    const now = this.now().getTime();
    return start >= now + this.rules.minLeadHours * HOUR && start < now + this.rules.horizonDays * DAY ? slot : undefined;
  }

  async book(request: BookingRequest): Promise<BookResult> {
    const centre = await this.centres.get(request.centreId);
    const slot = centre && this.bookableSlot(centre, request.local);
    if (!centre || !slot) return { ok: false, reason: 'unavailable' };
    const at = this.now().toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const booking: Booking = {
        v: 1,
        code: newBookingCode(),
        pid: request.pid,
        centreId: centre.id,
        institution: centre.institution,
        country: this.catalog.institution(centre.institution)?.country ?? 'XX',
        occupation: request.occupation,
        standard: request.standard,
        slot: { local: slot.local, start: slot.start, end: slot.end },
        timeZone: centre.timeZone,
        status: 'booked',
        channel: request.channel,
        contact: request.contact,
        via: request.via,
        firstName: request.firstName,
        language: request.language,
        prescreen: request.prescreen,
        createdAt: at,
        updatedAt: at,
        history: [{ at, action: 'booked', by: 'worker', to: slot.local }],
      };
      const created = await this.store.create(booking, slot.capacity, this.times(slot));
      if (created.ok) {
        await this.emit({ type: 'created', booking, by: 'worker', index: 0 });
        return { ok: true, booking };
      }
      if (created.reason === 'already') return { ok: false, reason: 'already', booking: (await this.store.get(created.code))?.booking };
      if (created.reason === 'full') return { ok: false, reason: 'full' };
      // code_taken: draw another code.
    }
    throw new Error('no free booking code after 5 draws');
  }

  async get(code: string): Promise<Booking | undefined> {
    return (await this.store.get(code))?.booking;
  }

  /** A worker's active bookings whose slot has not ended, soonest first. */
  async activeFor(pid: string): Promise<Booking[]> {
    const now = this.now().getTime();
    return (await this.store.byWorker(pid)).filter((b) => isActive(b) && Date.parse(b.slot.end) > now);
  }

  /** Cancels an active booking: by the worker, or by the institution. */
  cancel(code: string, by: 'worker' | 'institution'): Promise<ChangeResult> {
    const status: BookingStatus = by === 'worker' ? 'cancelled' : 'cancelled_by_institution';
    return this.change(code, 'cancelled', by, (b) => ({ next: { ...b, status }, capacity: Infinity }));
  }

  /** Marks an active booking attended or no-show (the institution). */
  mark(code: string, status: 'attended' | 'no_show'): Promise<ChangeResult> {
    return this.change(code, status, 'institution', (b) => ({ next: { ...b, status }, capacity: Infinity }));
  }

  /** Moves an active booking to another slot of its centre: the new slot is taken before the old one is let go. */
  async move(code: string, local: string, by: 'worker' | 'institution'): Promise<ChangeResult> {
    const stored = await this.store.get(code);
    const centre = stored && (await this.centres.get(stored.booking.centreId));
    if (!stored || !centre) return { ok: false, reason: 'not_found' };
    const slot = this.bookableSlot(centre, local);
    if (!slot) return { ok: false, reason: 'unavailable' };
    return this.change(code, 'rescheduled', by, (b) => ({ next: { ...b, slot: { local: slot.local, start: slot.start, end: slot.end } }, capacity: slot.capacity, times: this.times(slot) }));
  }

  /**
   * Deletes every booking of a worker, cancelling active ones first: the institution is told and
   * the reminders withdrawn before the record goes. If that cannot be done now, nothing is
   * deleted and the error reaches the worker (who can send the erase word again).
   */
  async eraseWorker(pid: string): Promise<number> {
    const bookings = await this.store.byWorker(pid);
    for (const b of bookings) {
      if (isActive(b)) {
        const cancelled = await this.change(b.code, 'cancelled', 'worker', (x) => ({ next: { ...x, status: 'cancelled' }, capacity: Infinity }), { strict: true });
        if (!cancelled.ok && cancelled.reason !== 'not_active' && cancelled.reason !== 'not_found') throw new Error(`erase: booking could not be cancelled (${cancelled.reason})`);
      }
      await this.store.remove((await this.store.get(b.code))?.booking ?? b);
    }
    return bookings.length;
  }

  /**
   * Runs again the side effects of changes whose process died (or failed) between writing the
   * booking and queuing its reminders, notices and webhooks. Every job id derives from the booking
   * code and the change's index, so running an effect twice queues nothing twice.
   * `writtenBefore`: only changes written at least this long ago (leave in-flight ones alone).
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

  private async change(
    code: string,
    type: BookingEventType,
    by: 'worker' | 'institution',
    apply: (b: Booking) => { next: Booking; capacity: number; times?: BookingTimes },
    { strict = false }: { strict?: boolean } = {},
  ): Promise<ChangeResult> {
    for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
      const stored: StoredBooking | undefined = await this.store.get(code);
      if (!stored) return { ok: false, reason: 'not_found' };
      const previous = stored.booking;
      if (!isActive(previous)) return { ok: false, reason: 'not_active' };
      const at = this.now().toISOString();
      const { next, capacity, times } = apply(previous);
      const action: Booking['history'][number]['action'] = type === 'created' ? 'booked' : type;
      next.updatedAt = at;
      next.history = [...previous.history, { at, action, by, ...(type === 'rescheduled' ? { from: previous.slot.local, fromStart: previous.slot.start, to: next.slot.local } : {}) }].slice(-100);
      const result = await this.store.update(stored, next, Number.isFinite(capacity) ? capacity : 1_000_000, times ?? this.times(previous.slot));
      if (result.ok) {
        const done = await this.emit({ type, booking: next, by, previous, index: next.history.length - 1 });
        if (!done && strict) throw new Error('booking side effects could not be queued');
        return { ok: true, booking: next };
      }
      if (result.reason === 'full') return { ok: false, reason: 'full' };
      if (result.reason === 'missing') return { ok: false, reason: 'not_found' };
    }
    throw new Error(`booking ${code.slice(0, 2)}…: too many concurrent changes`);
  }

  private times(slot: Pick<Slot, 'end'>): BookingTimes {
    const end = Date.parse(slot.end);
    return { activeUntil: end, keepUntil: end + this.rules.retentionDays * DAY };
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
