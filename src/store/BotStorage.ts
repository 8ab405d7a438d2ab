import type { Storage, StoreItems } from 'botbuilder';
import type { ExpectedEtag, Store } from './Store.js';
import { packState, unpackState } from './stateCodec.js';

/** Raised when a write's eTag no longer matches: another turn changed the item first. */
export class StorageConflictError extends Error {
  readonly code = 'storage_conflict';
  constructor(readonly key: string) {
    super(`eTag conflict on a state item`);
  }
}

/** Where conversation items live among the store's keys. */
export const STATE_NAMESPACE = 'state:';

/** Chooses how long an item lives, e.g. longer once the worker accepted the privacy notice. */
export type TtlPolicy = (key: string, item: Record<string, unknown>) => number;

/**
 * botbuilder `Storage` over Ruta's Store with real optimistic concurrency:
 * an item written with an eTag other than '*' is only written when the stored eTag still matches.
 * Items are kept as packed JSON (stateCodec.ts).
 */
export class BotStorage implements Storage {
  constructor(
    private readonly store: Store,
    private readonly ttl: TtlPolicy,
    private readonly namespace = STATE_NAMESPACE,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const values = await this.store.getVersioned(keys.map((k) => this.namespace + k));
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const found = values[i];
      if (!found) return;
      const parsed: unknown = JSON.parse(unpackState(found.value));
      // The parsed item itself, given its eTag (a copy by spread cost a turn old-generation garbage: issue 13).
      if (parsed && typeof parsed === 'object') items[key] = Object.assign(parsed as Record<string, unknown>, { eTag: found.etag });
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, raw] of Object.entries(changes)) {
      const item: Record<string, unknown> = raw && typeof raw === 'object' ? Object.assign({}, raw) : {};
      const eTag = item.eTag;
      delete item.eTag;
      const expect: ExpectedEtag = eTag === undefined || eTag === '*' ? undefined : eTag === NEW_ITEM ? null : String(eTag);
      const result = await this.store.putVersioned(this.namespace + key, packState(JSON.stringify(item)), this.ttl(key, item), expect);
      if (!result.ok) throw new StorageConflictError(key);
      if (raw && typeof raw === 'object') raw.eTag = result.etag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.store.del(keys.map((k) => this.namespace + k));
  }
}

/** eTag meaning "this item must not exist yet". */
export const NEW_ITEM = '__new__';
