import { z } from 'zod';
import type { Booking } from '../booking/booking.js';
import { RutaBot } from '../bot/RutaBot.js';
import { readSession, type Session } from '../bot/session.js';
import type { Language } from '../catalog/schema.js';
import { toSmsText } from '../channels/render.js';
import { isSimulatedNumber } from '../channels/simulatedNumber.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { Logger } from '../log.js';
import type { ContactSealer } from '../privacy/ContactSealer.js';
import type { BotStorage } from '../store/BotStorage.js';
import type { Store } from '../store/Store.js';
import { SendError, type OutboundMessage, type OutboundSender } from './OutboundSender.js';

import { MESSAGE_KINDS, type MessageKind, type Templates } from './templates.js';

export { MESSAGE_KINDS, type MessageKind };

/** One attempt at a proactive message, as recorded for the booking (never the number or the text). */
export const deliverySchema = z.object({
  kind: z.enum(MESSAGE_KINDS),
  via: z.enum(['whatsapp', 'whatsapp-template', 'sms', 'none']),
  status: z.string(),
  sid: z.string().optional(),
  error: z.string().optional(),
  at: z.string(),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** The WhatsApp customer-service window: free-form messages only within 24 h of the worker's last message. */
export const WHATSAPP_WINDOW_MS = 24 * 3600_000;

export interface MessengerDeps {
  sender: OutboundSender;
  /** For the simulator's numbers (never sent to). */
  catalog: Pick<Catalog, 'countries'>;
  store: Store;
  storage: BotStorage;
  sealer: ContactSealer;
  templates: Templates;
  /** An SMS-capable Twilio number for when WhatsApp cannot be used (no template). */
  smsFrom: string | undefined;
  /** Where Twilio posts delivery statuses (…/twilio/status). */
  statusCallback: string;
  retentionSeconds: number;
  now: () => Date;
  log: Logger;
}

const deliveriesKey = (code: string) => `deliveries/${code}`;
const outboundKey = (sid: string) => `outbound/${sid}`;
const sentKey = (id: string) => `sent/${id}`;

/**
 * Delivers proactive messages to a booking's worker, once per job id: WhatsApp free-form inside
 * the 24-hour window, the approved template outside it, SMS when there is no template but an
 * SMS number, otherwise a recorded failure. Never to the console simulator's numbers (recorded as
 * skipped). Every attempt is recorded on the booking.
 */
export class Messenger {
  constructor(private readonly deps: MessengerDeps) {}

  async deliver(booking: Booking, kind: MessageKind, body: string, variables: Record<string, string>, jobId: string): Promise<void> {
    const { deps } = this;
    if ((await deps.store.get(sentKey(jobId))) !== null) return; // sent before: exactly once
    const address = booking.contact ? deps.sealer.open(booking.contact) : undefined;
    if (!address) return this.record(booking.code, jobId, { kind, via: 'none', status: 'failed', error: 'no_address' });
    if (isSimulatedNumber(address, deps.catalog)) {
      // The console's simulator: no person has this number, and Twilio must never be asked to write to it.
      deps.log.info('proactive_skipped', { kind, reason: 'simulated' });
      return this.record(booking.code, jobId, { kind, via: 'none', status: 'skipped', error: 'simulated' });
    }
    const session = await this.session(booking);
    if (session.optedOut) return this.record(booking.code, jobId, { kind, via: 'none', status: 'skipped', error: 'opted_out' });

    const plan = this.plan(booking, address, kind, body, variables, this.windowOpen(session));
    if (!plan) return this.record(booking.code, jobId, { kind, via: 'none', status: 'failed', error: 'no_template_no_sms' });
    try {
      const { sid } = await deps.sender.send({ ...plan.message, statusCallback: deps.statusCallback });
      await deps.store.set(sentKey(jobId), sid, deps.retentionSeconds);
      await deps.store.set(outboundKey(sid), JSON.stringify({ code: booking.code, jobId, kind, via: plan.via }), 7 * 24 * 3600);
      await this.record(booking.code, jobId, { kind, via: plan.via, status: 'queued', sid });
      deps.log.info('proactive_sent', { kind, via: plan.via, language: booking.language });
    } catch (err) {
      if (!(err instanceof SendError)) throw err;
      await this.record(booking.code, jobId, { kind, via: plan.via, status: err.retryable ? 'retrying' : 'failed', error: `twilio_${err.twilioCode ?? 'network'}` });
      if (err.retryable) throw err;
    }
  }

  /** A status callback for a message sent here: the booking's delivery record follows it. */
  async onStatus(sid: string, status: string, errorCode: number | undefined): Promise<void> {
    const raw = await this.deps.store.get(outboundKey(sid));
    if (raw === null) return;
    const sent = z.object({ code: z.string(), jobId: z.string(), kind: z.enum(MESSAGE_KINDS), via: deliverySchema.shape.via }).safeParse(JSON.parse(raw));
    if (!sent.success) return;
    const { code, jobId, kind, via } = sent.data;
    await this.record(code, jobId, { kind, via, status, sid, ...(errorCode ? { error: `twilio_${errorCode}` } : {}) });
  }

  /** Every delivery recorded for a booking, by job. */
  async deliveries(code: string): Promise<Record<string, Delivery>> {
    const fields = await this.deps.store.fields(deliveriesKey(code));
    const out: Record<string, Delivery> = {};
    for (const [jobId, json] of Object.entries(fields)) {
      const parsed = deliverySchema.safeParse(JSON.parse(json));
      if (parsed.success) out[jobId] = parsed.data;
    }
    return out;
  }

  private plan(
    booking: Booking,
    address: string,
    kind: MessageKind,
    body: string,
    variables: Record<string, string>,
    windowOpen: boolean,
  ): { message: OutboundMessage; via: Delivery['via'] } | undefined {
    const { deps } = this;
    if (!address.startsWith('whatsapp:')) {
      const from = booking.via ?? deps.smsFrom;
      return from ? { message: { to: address, from, body: toSmsText(body) }, via: 'sms' } : undefined;
    }
    const from = booking.via ?? '';
    if (from && windowOpen) return { message: { to: address, from, body }, via: 'whatsapp' };
    const template = deps.templates[kind]?.[booking.language as Language];
    if (from && template) return { message: { to: address, from, contentSid: template, contentVariables: variables }, via: 'whatsapp-template' };
    if (deps.smsFrom) return { message: { to: address.slice('whatsapp:'.length), from: deps.smsFrom, body: toSmsText(body) }, via: 'sms' };
    return undefined;
  }

  private windowOpen(session: Session): boolean {
    const last = session.lastInboundAt;
    return last !== undefined && this.deps.now().getTime() - Date.parse(last) < WHATSAPP_WINDOW_MS;
  }

  /** The worker's conversation session on the booking's channel (opt-out, WhatsApp window). */
  private async session(booking: Booking): Promise<Session> {
    if (booking.channel === 'chat') return readSession(undefined);
    const key = RutaBot.conversationKey(booking.channel, booking.pid);
    return readSession((await this.deps.storage.read([key]))[key]?.session);
  }

  private async record(code: string, jobId: string, d: Omit<Delivery, 'at'>): Promise<void> {
    const delivery: Delivery = { ...d, at: this.deps.now().toISOString() };
    await this.deps.store.setField(deliveriesKey(code), jobId, JSON.stringify(delivery), this.deps.retentionSeconds);
    if (d.status === 'failed') this.deps.log.warn('proactive_failed', { kind: d.kind, error: d.error ?? 'unknown' });
  }
}
