import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { SendError, type OutboundMessage, type OutboundSender } from './OutboundSender.js';

/** Twilio's RequestClient sending to another base URL (a proxy, or a fake Twilio in tests). */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super({ timeout: 15_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    uri.protocol = this.base.protocol;
    uri.host = this.base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

/**
 * Sends through the Twilio REST API with the official client. Server errors, rate limits and
 * network failures are retryable; Twilio's 4xx refusals (opted out 21610, outside the WhatsApp
 * window 63016, invalid number 21211…) are not.
 */
export class TwilioSender implements OutboundSender {
  readonly kind = 'twilio' as const;
  private readonly client: ReturnType<typeof twilio>;

  constructor(accountSid: string, authToken: string, apiUrl?: string) {
    this.client = twilio(accountSid, authToken, apiUrl ? { httpClient: new RebasedRequestClient(new URL(apiUrl)) } : {});
  }

  async send(m: OutboundMessage): Promise<{ sid: string }> {
    try {
      const created = await this.client.messages.create({
        to: m.to,
        from: m.from,
        ...(m.contentSid ? { contentSid: m.contentSid, contentVariables: JSON.stringify(m.contentVariables ?? {}) } : { body: m.body ?? '' }),
        ...(m.statusCallback ? { statusCallback: m.statusCallback } : {}),
      });
      return { sid: created.sid };
    } catch (err) {
      const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : undefined;
      const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number' ? err.code : status;
      const retryable = status === undefined || status >= 500 || status === 429;
      throw new SendError(retryable, code, `twilio refused the message (${code ?? 'network'})`);
    }
  }
}
