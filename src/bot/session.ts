import { z } from 'zod';
import { languageSchema } from '../catalog/schema.js';

/**
 * What Ruta remembers about one conversation, besides the dialog stack. Versioned: a stored
 * session that does not parse (older shape, corruption) is replaced by a fresh one.
 *
 * @example { v: 1, language: 'ht', consent: 'accepted' }
 */
export const sessionSchema = z.object({
  v: z.literal(1),
  language: languageSchema.optional(),
  consent: z.enum(['accepted', 'declined']).optional(),
  /** Opted out of messages: by a keyword we handled, or by Twilio (OptOutType / error 21610). */
  optedOut: z.enum(['keyword', 'twilio']).optional(),
  /** Country the worker confirmed or chose (never inferred silently). */
  country: z.string().regex(/^[A-Z]{2}$/).optional(),
  /** WhatsApp: when the worker last wrote (their 24-hour window for free-form messages opens then). */
  lastInboundAt: z.iso.datetime().optional(),
  /**
   * The conversation's analytics id: random, never derived from the phone number, kept only here.
   * Erasing or expiring the session leaves its events with no link to anyone.
   */
  aid: z.string().regex(/^[0-9a-f]{16,32}$/).optional(),
  /** When this conversation (this aid) began: only to count, as a bucket, how long it took to book. */
  startedAt: z.iso.datetime().optional(),
});
export type Session = z.infer<typeof sessionSchema>;

export const freshSession = (): Session => ({ v: 1 });

export function readSession(raw: unknown): Session {
  const parsed = sessionSchema.safeParse(raw);
  return parsed.success ? parsed.data : freshSession();
}
