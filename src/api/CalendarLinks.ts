import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/Store.js';

const linkRecord = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), createdAt: z.iso.datetime(), createdBy: z.string() });
/** A centre's calendar link as stored: the SHA-256 of its secret, when and by whom it was made. */
export type CalendarLinkRecord = z.infer<typeof linkRecord>;

/** 32 random bytes (256 bits), base64url: 43 characters. */
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Links do not expire by themselves: they are turned off or replaced. Ten years is "until turned off". */
const UNTIL_REVOKED = 10 * 365 * 24 * 3600;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const linkKey = (centreId: string) => `centre/${centreId}/calendar-link`;

/**
 * Each centre's calendar subscription link, `/calendar/<centreId>/<secret>.ics`: calendar apps cannot
 * send a bearer token, so the link itself is the key. One link per centre; making a new one replaces
 * the old (which stops working), turning it off deletes it. Only the secret's SHA-256 is stored; the
 * secret is shown once, when made.
 *
 * @example const { secret } = await links.create('infotep-santo-domingo', 'ana@infotep.gob.do'); await links.verify('infotep-santo-domingo', secret) === true
 */
export class CalendarLinks {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** Makes the centre's link (replacing any other); returns the secret, which is not kept. */
  async create(centreId: string, createdBy: string): Promise<{ secret: string; record: CalendarLinkRecord }> {
    const secret = randomBytes(32).toString('base64url');
    const record: CalendarLinkRecord = { hash: sha256(secret), createdAt: this.now().toISOString(), createdBy };
    await this.store.set(linkKey(centreId), JSON.stringify(record), UNTIL_REVOKED);
    return { secret, record };
  }

  /** True when `secret` is the centre's current link (compared as hashes, in constant time). */
  async verify(centreId: string, secret: string): Promise<boolean> {
    if (!SECRET_FORMAT.test(secret)) return false;
    const record = await this.get(centreId);
    if (!record) return false;
    return timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(sha256(secret), 'hex'));
  }

  /** The centre's link, if it has one (without its secret, which is not kept). */
  async get(centreId: string): Promise<CalendarLinkRecord | undefined> {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(centreId)) return undefined;
    const raw = await this.store.get(linkKey(centreId));
    if (raw === null) return undefined;
    const parsed = linkRecord.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  /** Turns the link off; false when there was none. */
  async revoke(centreId: string): Promise<CalendarLinkRecord | undefined> {
    const record = await this.get(centreId);
    if (record) await this.store.del([linkKey(centreId)]);
    return record;
  }
}
