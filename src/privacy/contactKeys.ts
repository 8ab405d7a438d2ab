import { hkdfSync, randomBytes } from 'node:crypto';

/**
 * A key that encrypts the phone numbers kept in bookings, with the id written next to every
 * value it seals, so keys can be rotated: the newest seals, every configured key still opens.
 *
 * @example parseContactKeys('k2:' + randomBytes(32).toString('base64') + ',k1:…')
 */
export interface ContactKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[a-z0-9]{1,16}$/;

/** `id:base64,id:base64` (newest first) → keys, or what is wrong with the setting. */
export function parseContactKeys(value: string): { keys: ContactKey[] } | { error: string } {
  const keys: ContactKey[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [id, encoded, ...rest] = part.split(':');
    if (!id || !KEY_ID.test(id) || encoded === undefined || rest.length > 0) return { error: 'must be id:base64 pairs separated by commas, e.g. k2:…,k1:… (ids: lowercase letters and digits)' };
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) return { error: `key ${id} must be 32 random bytes in base64 (npx ruta keys new)` };
    if (keys.some((k) => k.id === id)) return { error: `key id ${id} is used twice` };
    keys.push({ id, key });
  }
  if (keys.length === 0) return { error: 'must hold at least one key' };
  return { keys };
}

/** The development key (public: it is derived from a constant in this repository). Never in production. */
export function devContactKeys(): ContactKey[] {
  return [{ id: 'dev', key: Buffer.from(hkdfSync('sha256', 'ruta-dev-contact-key', 'ruta', 'ruta contact dev', 32)) }];
}

/** A new key line for CONTACT_KEYS, e.g. `ksn0x2ma3f9:3q2+7w…` (the id: when it was made, plus randomness, so two made in one second differ). */
export function newContactKey(now: Date): string {
  return `k${Math.floor(now.getTime() / 1000).toString(36)}${randomBytes(2).toString('hex')}:${randomBytes(32).toString('base64')}`;
}

/** The key that sealed values of the first format ('v1.'), derived from a pseudonym secret (before contact keys existed). */
export function legacyContactKey(pseudonymSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', pseudonymSecret, 'ruta', 'ruta contact v1', 32));
}
