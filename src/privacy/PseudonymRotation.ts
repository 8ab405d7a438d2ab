import type { BookingStore } from '../booking/BookingStore.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/Store.js';
import { pseudonymize } from './pseudonym.js';
import { RutaBot } from '../bot/RutaBot.js';
import { ProfileStore } from '../prescreen/ProfileStore.js';
import { bookingKeys } from '../booking/keys.js';

/**
 * After PSEUDONYM_SECRET is rotated (the old one kept as PSEUDONYM_SECRET_PREVIOUS), a worker's
 * data still sits under their old pseudonym. The first message from their number, inside their
 * turn lock, moves it: every key named by the old pseudonym (conversations on every channel,
 * pre-screen profile, booking holds and index) is renamed, and each booking record is
 * rewritten with the new one. Bookings of workers who never write again are moved by
 * `npx ruta keys rotate-pseudonyms` (their sealed number gives the new pseudonym).
 */
export class PseudonymRotation {
  constructor(
    private readonly deps: { previousSecret: string; store: Store; bookings: BookingStore; log: Logger },
  ) {}

  /** Moves what the previous secret's pseudonym of `address` holds to `pid`; the number of keys moved. */
  async adopt(address: string, pid: string): Promise<number> {
    const old = pseudonymize(this.deps.previousSecret, address);
    if (old === pid) return 0;
    // Cheap first: most senders have nothing left under the old pseudonym (or were moved already).
    const markers = ['sms', 'whatsapp'].map((c) => `state:${RutaBot.conversationKey(c, old)}`).concat(ProfileStore.key(old), bookingKeys.byWorker(old));
    if ((await this.deps.store.exists(markers)) === 0) return 0;
    return this.move(old, pid);
  }

  /** Moves everything of pseudonym `from` to `to`. */
  async move(from: string, to: string): Promise<number> {
    const { store, bookings } = this.deps;
    const keys = await store.keysContaining(from);
    if (keys.length === 0) return 0;
    for (const key of keys) await store.move(key, key.split(from).join(to));
    for (const booking of await bookings.byWorker(to)) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const stored = await bookings.get(booking.code);
        if (!stored || stored.booking.pid !== from) break;
        if ((await bookings.rewrite(stored, { ...stored.booking, pid: to })).ok) break;
      }
    }
    this.deps.log.info('pseudonym_rotated', { keys: keys.length });
    return keys.length;
  }
}
