import { globEscape, scanKeys, type RedisClient } from '../store/redisClient.js';
import type { BookingStore } from '../booking/BookingStore.js';
import { bookingKeys } from '../booking/keys.js';
import { RedisBookingStore } from '../booking/RedisBookingStore.js';
import type { Logger } from '../log.js';
import { RedisStore } from '../store/RedisStore.js';
import { RedisTurnLock } from '../store/RedisTurnLock.js';
import type { Store } from '../store/Store.js';
import { lineOf, type TurnLock } from '../store/TurnLock.js';
import type { ContactSealer } from './ContactSealer.js';
import { pseudonymize } from './pseudonym.js';
import { PseudonymRotation } from './PseudonymRotation.js';

/**
 * What `reseal` found, in bookings. `unreadable`: no configured key opens the number (the key
 * was removed too early, or the value was altered); they are left as they are, never deleted.
 * `retryLater`: the booking changed under every attempt; running again finishes them.
 *
 * @example { bookings: 120, resealed: 118, alreadyCurrent: 0, unreadable: 0, noNumber: 2, retryLater: 0 }
 */
export interface ResealReport {
  bookings: number;
  resealed: number;
  alreadyCurrent: number;
  unreadable: number;
  /** Chat-channel bookings: there is no number to seal. */
  noNumber: number;
  retryLater: number;
}

/**
 * What `rotatePseudonyms` found, in workers (one pseudonym each). `unmatched`: the number opens
 * but the booking's pseudonym is neither the old nor the new one of it (made under an even older
 * secret); `retryLater`: the worker's turn was running, or a booking changed under every attempt.
 *
 * @example { workers: 40, moved: 31, alreadyCurrent: 8, skippedNoNumber: 1, unreadable: 0, unmatched: 0, retryLater: 0 }
 */
export interface PseudonymReport {
  workers: number;
  moved: number;
  alreadyCurrent: number;
  /** Chat-channel workers: without a number their new pseudonym cannot be computed. */
  skippedNoNumber: number;
  unreadable: number;
  unmatched: number;
  retryLater: number;
}

export interface KeyRotationDeps {
  redis: RedisClient;
  /** REDIS_PREFIX of the service. */
  prefix: string;
  /** Built from the service's CONTACT_KEYS (and pseudonym secrets, for numbers of the first format). */
  sealer: ContactSealer;
  /** The booking store on the same Redis and prefix: its rev check guards every rewrite. */
  bookings: BookingStore;
  /** The state store on the same Redis and prefix: a moved worker's keys are renamed there. */
  store: Store;
  /** The service's turn lock: a worker is moved while none of their turns runs. */
  lock: TurnLock;
  log: Logger;
}

/** Bookings are read this many at a time (SCAN COUNT). */
const SCAN_BATCH = 500;
/** A booking that changed meanwhile is read and rewritten again, at most this many times. */
const ATTEMPTS = 5;
/** How long to wait for a worker's running turn before leaving them for the next run. */
const TURN_WAIT_MS = 10_000;
const BOOKING_CODE = /^[A-Z0-9]{4,12}$/;

/**
 * The two whole-store passes that finish a key rotation (README, "Key rotation"), both safe to
 * run while the service runs and to run again:
 * - `reseal`: every booking's number sealed with the newest contact key, so older keys can be
 *   removed from CONTACT_KEYS;
 * - `rotatePseudonyms`: every worker still under the pseudonym of PSEUDONYM_SECRET_PREVIOUS
 *   moved to that of PSEUDONYM_SECRET (what the service otherwise does when they next write),
 *   so the previous secret can be removed.
 * Reports are counts only: never a number or a pseudonym.
 *
 * @example
 *   const rotation = KeyRotation.onRedis(redis, 'ruta:', sealer, log);
 *   await rotation.reseal(); // { bookings: 2, resealed: 2, alreadyCurrent: 0, … }
 */
export class KeyRotation {
  constructor(private readonly deps: KeyRotationDeps) {}

  /** The stores and turn lock the service itself uses on this Redis and prefix. */
  static onRedis(redis: RedisClient, prefix: string, sealer: ContactSealer, log: Logger): KeyRotation {
    // Rewrites set no expiry, so the booking store's clock is never read here.
    return new KeyRotation({ redis, prefix, sealer, log, bookings: new RedisBookingStore(redis, prefix, Date.now), store: new RedisStore(redis, prefix), lock: new RedisTurnLock(redis, prefix) });
  }

  /** Seals every booking's number with the newest key (the first of CONTACT_KEYS). */
  async reseal(): Promise<ResealReport> {
    const report: ResealReport = { bookings: 0, resealed: 0, alreadyCurrent: 0, unreadable: 0, noNumber: 0, retryLater: 0 };
    for await (const code of this.bookingCodes()) {
      const outcome = await this.resealOne(code);
      if (outcome === 'gone') continue;
      report.bookings++;
      report[outcome]++;
    }
    this.deps.log.info('contacts_resealed', { ...report });
    return report;
  }

  /**
   * Moves every worker whose bookings carry the pseudonym `previousSecret` gave their number to
   * the one `secret` gives it, with everything else kept under the old one (conversations,
   * profile, holds), as PseudonymRotation does when they write.
   */
  async rotatePseudonyms(secrets: { secret: string; previousSecret: string }): Promise<PseudonymReport> {
    const { sealer, bookings } = this.deps;
    const rotation = new PseudonymRotation({ previousSecret: secrets.previousSecret, store: this.deps.store, bookings, log: this.deps.log });
    // Pseudonyms already dealt with (old and new), so each worker is looked at once.
    const settled = new Set<string>();
    const moved = new Set<string>();
    const current = new Set<string>();
    const unmatched = new Set<string>();
    const noNumber = new Set<string>();
    const unreadable = new Set<string>();
    const retryLater = new Set<string>();
    for await (const code of this.bookingCodes()) {
      const booking = (await bookings.get(code))?.booking;
      if (!booking || settled.has(booking.pid)) continue;
      if (booking.contact === null) {
        noNumber.add(booking.pid);
        continue;
      }
      const address = sealer.open(booking.contact);
      if (address === undefined) {
        unreadable.add(booking.pid);
        continue;
      }
      const to = pseudonymize(secrets.secret, address);
      const from = pseudonymize(secrets.previousSecret, address);
      settled.add(booking.pid);
      if (booking.pid === to) current.add(to);
      else if (booking.pid !== from) unmatched.add(booking.pid);
      else if (await this.moveWorker(rotation, from, to, code)) {
        moved.add(to);
        settled.add(to);
      } else retryLater.add(from);
    }
    const report: PseudonymReport = {
      workers: 0,
      moved: moved.size,
      alreadyCurrent: [...current].filter((pid) => !moved.has(pid)).length,
      skippedNoNumber: noNumber.size,
      // A worker with one readable booking was dealt with through it.
      unreadable: [...unreadable].filter((pid) => !settled.has(pid)).length,
      unmatched: unmatched.size,
      retryLater: retryLater.size,
    };
    report.workers = report.moved + report.alreadyCurrent + report.skippedNoNumber + report.unreadable + report.unmatched + report.retryLater;
    this.deps.log.info('pseudonyms_rotated', { ...report });
    return report;
  }

  private async resealOne(code: string): Promise<Exclude<keyof ResealReport, 'bookings'> | 'gone'> {
    const { sealer, bookings } = this.deps;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await bookings.get(code);
      if (!stored) return 'gone'; // expired or erased since it was listed
      const { contact } = stored.booking;
      if (contact === null) return 'noNumber';
      const address = sealer.open(contact);
      if (address === undefined) return 'unreadable';
      // The version too: an id alone could name a key that happens to be called 'legacy'.
      if (contact.startsWith('v2.') && sealer.keyIdOf(contact) === sealer.keyId) return 'alreadyCurrent';
      const written = await bookings.rewrite(stored, { ...stored.booking, contact: sealer.seal(address) });
      if (written.ok) return 'resealed';
      if (written.reason === 'missing') return 'gone';
      // conflict: the booking changed since it was read; read it again.
    }
    return 'retryLater';
  }

  /** Moves one worker inside their turn lock; true when the booking now carries the new pseudonym. */
  private async moveWorker(rotation: PseudonymRotation, from: string, to: string, code: string): Promise<boolean> {
    const locked = await this.deps.lock.run(lineOf(to), TURN_WAIT_MS, () => rotation.move(from, to));
    if (!locked.ok) return false;
    const after = await this.deps.bookings.get(code);
    return after === undefined || after.booking.pid === to;
  }

  /** Every booking code, each once, by SCAN (never KEYS: it would block Redis for everyone). */
  private async *bookingCodes(): AsyncGenerator<string> {
    const { redis, prefix } = this.deps;
    const head = prefix + bookingKeys.booking('');
    const seen = new Set<string>();
    for await (const batch of scanKeys(redis, `${globEscape(head)}*`, SCAN_BATCH)) {
      for (const key of batch) {
        const code = key.slice(head.length);
        if (!BOOKING_CODE.test(code) || seen.has(code)) continue; // SCAN may return a key twice
        seen.add(code);
        yield code;
      }
    }
  }
}
