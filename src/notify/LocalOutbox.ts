import { randomBytes } from 'node:crypto';
import type { OutboundMessage, OutboundSender } from './OutboundSender.js';

/**
 * Without a Twilio account (the quick start), proactive messages are kept here instead of sent,
 * so they can be looked at in development. Never used when TWILIO_ACCOUNT_SID is set.
 */
export class LocalOutbox implements OutboundSender {
  readonly kind = 'local' as const;
  readonly sent: Array<OutboundMessage & { sid: string }> = [];

  async send(message: OutboundMessage): Promise<{ sid: string }> {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    this.sent.push({ ...message, sid });
    if (this.sent.length > 200) this.sent.shift();
    return { sid };
  }
}
