import { holdsPlace, isActive, type Booking } from './booking.js';
import { effectId, parseEffectId, type BookingStore, type BookingTimes, type CreateResult, type PendingEffect, type StoredBooking, type UpdateResult } from './BookingStore.js';
import { bookingKeys as K } from './keys.js';
import { sortBySlot, updatePlan } from './RedisBookingStore.js';

/**
 * Bookings in this process's memory, for the quick start only: the same rules as Redis
 * (JavaScript runs one call at a time, so each method is atomic), lost on restart.
 */
export class MemoryBookingStore implements BookingStore {
  private readonly bookings = new Map<string, StoredBooking & { keepUntil: number }>();
  private readonly slots = new Map<string, Set<string>>();
  private readonly active = new Map<string, { code: string; until: number }>();
  /** Pending side effects: effect id → when written. */
  private readonly effects = new Map<string, number>();

  /** `now`: the injected clock (epoch ms); expiries are measured on it. */
  constructor(private readonly now: () => number) {}

  async create(b: Booking, capacity: number, times: BookingTimes): Promise<CreateResult> {
    if (this.live(b.code)) return { ok: false, reason: 'code_taken' };
    const held = this.heldBy(K.active(b));
    if (held) return { ok: false, reason: 'already', code: held };
    if (holdsPlace(b)) {
      const slot = this.slotOf(b);
      if (slot.size >= capacity) return { ok: false, reason: 'full' };
      slot.add(b.code);
    }
    this.bookings.set(b.code, { booking: structuredClone(b), rev: 1, keepUntil: times.keepUntil });
    this.active.set(K.active(b), { code: b.code, until: times.activeUntil });
    this.effects.set(effectId(b.code, b.history.length - 1), this.now());
    return { ok: true };
  }

  async update(previous: StoredBooking, next: Booking, capacity: number, times: BookingTimes): Promise<UpdateResult> {
    const current = this.live(next.code);
    if (!current) return { ok: false, reason: 'missing' };
    if (current.rev !== previous.rev) return { ok: false, reason: 'conflict' };
    const before = current.booking;
    const plan = updatePlan(before, next);
    if (plan.take) {
      const slot = this.slotOf(next);
      if (!slot.has(next.code) && slot.size >= capacity) return { ok: false, reason: 'full' };
      slot.add(next.code);
    }
    if (plan.release) this.slotOf(before).delete(next.code);
    const hold = this.active.get(K.active(next));
    if (hold?.code === next.code) {
      if (isActive(next)) hold.until = times.activeUntil;
      else this.active.delete(K.active(next));
    }
    this.bookings.set(next.code, { booking: structuredClone(next), rev: current.rev + 1, keepUntil: times.keepUntil });
    this.effects.set(effectId(next.code, next.history.length - 1), this.now());
    return { ok: true };
  }

  async rewrite(previous: StoredBooking, next: Booking): Promise<UpdateResult> {
    const current = this.live(next.code);
    if (!current) return { ok: false, reason: 'missing' };
    if (current.rev !== previous.rev) return { ok: false, reason: 'conflict' };
    const hold = this.active.get(K.active(previous.booking));
    if (hold?.code === next.code) {
      this.active.delete(K.active(previous.booking));
      this.active.set(K.active(next), hold);
    }
    this.bookings.set(next.code, { booking: structuredClone(next), rev: current.rev + 1, keepUntil: current.keepUntil });
    return { ok: true };
  }

  async pendingEffects(writtenBefore: number): Promise<PendingEffect[]> {
    return [...this.effects.entries()]
      .filter(([, at]) => at <= writtenBefore)
      .sort((a, b) => a[1] - b[1])
      .flatMap(([id]) => parseEffectId(id) ?? []);
  }

  async effectsDone(code: string, index: number): Promise<void> {
    this.effects.delete(effectId(code, index));
  }

  async get(code: string): Promise<StoredBooking | undefined> {
    const stored = this.live(code);
    return stored ? { booking: structuredClone(stored.booking), rev: stored.rev } : undefined;
  }

  async byWorker(pid: string): Promise<Booking[]> {
    return sortBySlot(this.all().filter((b) => b.pid === pid));
  }

  async byInstitution(institution: string, fromMs: number, toMs: number, centreId?: string): Promise<Booking[]> {
    return sortBySlot(
      this.all().filter((b) => b.institution === institution && (!centreId || b.centreId === centreId) && b.slot !== null && Date.parse(b.slot.start) >= fromMs && Date.parse(b.slot.start) < toMs),
    );
  }

  async requests(institution: string, centreId?: string): Promise<Booking[]> {
    return this.all()
      .filter((b) => b.institution === institution && (!centreId || b.centreId === centreId) && b.status === 'requested')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.code.localeCompare(b.code));
  }

  async taken(centreId: string, locals: readonly string[]): Promise<number[]> {
    return locals.map((local) => [...(this.slots.get(K.slot(centreId, local)) ?? [])].filter((code) => this.live(code)).length);
  }

  async remove(b: Booking): Promise<void> {
    this.slotOf(b).delete(b.code);
    this.bookings.delete(b.code);
    if (this.active.get(K.active(b))?.code === b.code) this.active.delete(K.active(b));
    b.history.forEach((_, i) => this.effects.delete(effectId(b.code, i)));
  }

  private all(): Booking[] {
    return [...this.bookings.keys()].flatMap((code) => {
      const stored = this.live(code);
      return stored ? [structuredClone(stored.booking)] : [];
    });
  }

  private live(code: string) {
    const stored = this.bookings.get(code);
    if (stored && stored.keepUntil <= this.now()) {
      this.bookings.delete(code);
      return undefined;
    }
    return stored;
  }

  private heldBy(key: string): string | undefined {
    const hold = this.active.get(key);
    if (hold && hold.until <= this.now()) this.active.delete(key);
    return hold && hold.until > this.now() ? hold.code : undefined;
  }

  /** The set of a booking's slot (a booking without a time: a set nothing is added to). */
  private slotOf(b: Booking): Set<string> {
    const key = K.slot(b.centreId, b.slot?.local ?? 'none');
    let set = this.slots.get(key);
    if (!set) this.slots.set(key, (set = new Set()));
    return set;
  }
}
