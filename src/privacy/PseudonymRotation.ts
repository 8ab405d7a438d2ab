import type { BookingStore } from '../booking/BookingStore.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/Store.js';
import { botFrameworkPseudonym, pseudonymize } from './pseudonym.js';
import { STATE_NAMESPACE } from '../store/BotStorage.js';
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
    return this.adoptFrom(pseudonymize(this.deps.previousSecret, address), pid);
  }

  /** The same for a Bot Framework sender, whose pseudonym comes from its channel and id. */
  async adoptChat(channelId: string, fromId: string, pid: string): Promise<number> {
    return this.adoptFrom(botFrameworkPseudonym(this.deps.previousSecret, channelId, fromId), pid);
  }

  private async adoptFrom(old: string, pid: string): Promise<number> {
    if (old === pid) return 0;
    // Cheap first: most senders have nothing left under the old pseudonym (or were moved already).
    const markers = ['sms', 'whatsapp', 'chat'].map((c) => `${STATE_NAMESPACE}${RutaBot.conversationKey(c, old)}`).concat(ProfileStore.key(old), bookingKeys.byWorker(old));
    if ((await this.deps.store.exists(markers)) === 0) return 0;
    return this.move(old, pid);
  }

  /** Moves everything of pseudonym `from` to `to`. */
  async move(from: string, to: string): Promise<number> {
    const { store, bookings } = this.deps;
    const keys = await store.keysContaining(from);
    if (keys.length === 0) return 0;
    for (const key of keys) await store.move(key, key.split(from).join(to));
    let stale = 0;
    for (const booking of await bookings.byWorker(to)) {
      for (let attempt = 0; ; attempt++) {
        const stored = await bookings.get(booking.code);
        if (!stored || stored.booking.pid !== from) break;
        if ((await bookings.rewrite(stored, { ...stored.booking, pid: to })).ok) break;
        if (attempt === 4) {
          stale++;
          break;
        }
      }
    }
    // Left for `ruta keys rotate-pseudonyms` (which checks and retries), never silently.
    if (stale > 0) this.deps.log.warn('pseudonym_rotation_incomplete', { bookings: stale });
    this.deps.log.info('pseudonym_rotated', { keys: keys.length });
    return keys.length;
  }
}
