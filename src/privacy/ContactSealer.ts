import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { legacyContactKey, type ContactKey } from './contactKeys.js';

/**
 * Seals a worker's address (phone number, whatsapp:+…) for storage in a booking: AES-256-GCM
 * with the newest contact key, a fresh IV each time, the key's id written in front
 * (`v2.<key id>.<iv>.<tag>.<body>`). Only two things open it: sending that worker a message,
 * and showing their own institution who booked. Keys are separate from the pseudonym secret,
 * so either can be rotated without the other (README, "Key rotation").
 *
 * @example const s = new ContactSealer(keys); s.open(s.seal('+18095550100')) === '+18095550100'
 */
export class ContactSealer {
  private readonly current: ContactKey;
  private readonly byId: Map<string, Buffer>;
  private readonly legacy: Buffer[];

  /**
   * @param keys newest first (CONTACT_KEYS)
   * @param legacySecrets pseudonym secrets whose derived key sealed the first format ('v1.')
   */
  constructor(keys: readonly ContactKey[], legacySecrets: readonly string[] = []) {
    if (keys.length === 0) throw new Error('ContactSealer needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.legacy = legacySecrets.map(legacyContactKey);
  }

  /** The id of the key new values are sealed with. */
  get keyId(): string {
    return this.current.id;
  }

  seal(address: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(address, 'utf8'), cipher.final()]);
    return ['v2', this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The id of the contact key that sealed a value; undefined for the first format ('v1.', see isLegacy) and for anything not sealed. */
  keyIdOf(sealed: string): string | undefined {
    const [version, id] = sealed.split('.');
    return version === 'v2' ? id : undefined;
  }

  /** True for the first format ('v1.'), sealed with a key derived from a pseudonym secret. */
  isLegacy(sealed: string): boolean {
    return sealed.startsWith('v1.');
  }

  /** The address, or undefined when no configured key sealed the value (or it was altered). */
  open(sealed: string): string | undefined {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const key = this.byId.get(parts[1]!);
      return key ? decrypt(key, parts[2]!, parts[3]!, parts[4]!) : undefined;
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      for (const key of this.legacy) {
        const opened = decrypt(key, parts[1]!, parts[2]!, parts[3]!);
        if (opened !== undefined) return opened;
      }
    }
    return undefined;
  }
}

function decrypt(key: Buffer, iv: string, tag: string, body: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
