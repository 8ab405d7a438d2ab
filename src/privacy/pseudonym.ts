import { createHmac } from 'node:crypto';

/**
 * A stable pseudonymous id for a sender: HMAC-SHA256 of the channel-independent number.
 * SMS and WhatsApp from the same person share one id, so one erase word clears both.
 *
 * @example pseudonymize('secret…', 'whatsapp:+18095550100') === pseudonymize('secret…', '+18095550100')
 */
export function pseudonymize(secret: string, address: string): string {
  return createHmac('sha256', secret).update(canonicalNumber(address)).digest('hex').slice(0, 32);
}

/**
 * The number as one person has it on every channel. WhatsApp writes Mexican mobiles as
 * +521 + 10 digits and Argentine ones as +549 + 10 digits, where SMS uses +52 / +54 + 10 digits:
 * without this, SMS and WhatsApp of one Mexican worker would be two people (and erasing on one
 * would leave the other).
 *
 * @example canonicalNumber('whatsapp:+5215512345678') === '+525512345678'
 */
export function canonicalNumber(address: string): string {
  const n = address.trim().replace(/^whatsapp:/i, '').replace(/[\s().-]/g, '');
  const mobile = /^\+(?:(52)1|(54)9)(\d{10})$/.exec(n);
  return mobile ? `+${mobile[1] ?? mobile[2]}${mobile[3]}` : n;
}

/**
 * The pseudonym of a Bot Framework sender (Emulator, Web Chat): its own namespace, so no
 * `channelId` and `from.id` a caller chooses ("whatsapp", "+1809…") can reach the id of an SMS or
 * WhatsApp sender. Twilio numbers never contain the NUL separator.
 */
export function botFrameworkPseudonym(secret: string, channelId: string, fromId: string): string {
  return createHmac('sha256', secret).update(`botframework\u0000${channelId}\u0000${fromId}`).digest('hex').slice(0, 32);
}
