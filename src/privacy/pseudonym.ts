import { createHmac } from 'node:crypto';

/**
 * A stable pseudonymous id for a sender: HMAC-SHA256 of the channel-independent address.
 * SMS and WhatsApp from the same number share one id, so one erase word clears both.
 *
 * @example pseudonymize('secret…', 'whatsapp:+18095550100') === pseudonymize('secret…', '+18095550100')
 */
export function pseudonymize(secret: string, address: string): string {
  const canonical = address.trim().replace(/^whatsapp:/i, '').replace(/[\s().-]/g, '');
  return createHmac('sha256', secret).update(canonical).digest('hex').slice(0, 32);
}
