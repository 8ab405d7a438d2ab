import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BookingEvent } from '../booking/BookingService.js';
import type { JobQueue } from '../jobs/JobQueue.js';
import type { Store } from '../store/Store.js';

const registration = z.object({ url: z.url(), secret: z.string(), createdAt: z.string() });
export type WebhookRegistration = z.infer<typeof registration>;

const webhookJob = z.object({ institution: z.string(), eventId: z.string(), body: z.string() });

/** One delivery attempt, as the institution sees it in its delivery log. */
export interface WebhookAttempt {
  eventId: string;
  type: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  error?: string;
  at: string;
}

/** The events sent; attendance is not among them (the institution marks it itself). */
const SENT: Partial<Record<BookingEvent['type'], string>> = { created: 'booking.created', cancelled: 'booking.cancelled', rescheduled: 'booking.rescheduled' };
const LOG_SIZE = 200;
const LOG_TTL = 90 * 24 * 3600;
const key = (institution: string) => `webhook/${institution}`;
const logKey = (institution: string) => `webhook-log/${institution}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` — the Ruta-Signature header. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * Institution webhooks: one URL per institution. Booking created / cancelled / rescheduled events
 * are POSTed as JSON with a Ruta-Signature header (HMAC-SHA256 with the institution's secret over
 * the timestamp and the body), through the job queue: retried with back-off, every attempt logged.
 * Payloads carry no phone numbers or names: the API has those, behind the token.
 */
export class Webhooks {
  constructor(
    private readonly deps: { store: Store; jobs: JobQueue; now: () => Date; fetch?: typeof fetch; allowHttp: boolean; timeoutMs?: number },
  ) {}

  async register(institution: string, url: string): Promise<{ url: string; secret: string } | { error: string }> {
    const parsed = z.url().safeParse(url);
    if (!parsed.success) return { error: 'url must be an absolute URL' };
    const protocol = new URL(parsed.data).protocol;
    if (protocol !== 'https:' && !(this.deps.allowHttp && protocol === 'http:')) return { error: 'url must use https' };
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.deps.store.set(key(institution), JSON.stringify({ url: parsed.data, secret, createdAt: this.deps.now().toISOString() }));
    return { url: parsed.data, secret };
  }

  async get(institution: string): Promise<WebhookRegistration | undefined> {
    const raw = await this.deps.store.get(key(institution));
    if (raw === null) return undefined;
    const parsed = registration.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async unregister(institution: string): Promise<void> {
    await this.deps.store.del([key(institution)]);
  }

  async log(institution: string): Promise<WebhookAttempt[]> {
    return (await this.deps.store.list(logKey(institution))).map((line) => JSON.parse(line) as WebhookAttempt);
  }

  /** BookingService listener: queues the event for the booking's institution, if it registered a URL. */
  readonly onEvent = async (event: BookingEvent): Promise<void> => {
    const type = SENT[event.type];
    const b = event.booking;
    if (!type || !(await this.get(b.institution))) return;
    const eventId = randomUUID();
    const body = JSON.stringify({
      id: eventId,
      type,
      occurredAt: this.deps.now().toISOString(),
      by: event.by,
      booking: { code: b.code, centre: b.centreId, start: b.slot.start, end: b.slot.end, status: b.status, standard: b.standard, occupation: b.occupation },
      ...(event.type === 'rescheduled' && event.previous ? { previousStart: event.previous.slot.start } : {}),
    });
    await this.deps.jobs.add({ name: 'webhook', id: `webhook_${eventId}`, data: { institution: b.institution, eventId, body }, delayMs: 0 });
  };

  /** Runs a 'webhook' job: POSTs the event; a non-2xx answer or a network error is retried. */
  async deliver(data: unknown, attempt: number): Promise<void> {
    const job = webhookJob.parse(data);
    const hook = await this.get(job.institution);
    if (!hook) return; // unregistered meanwhile
    const type = (JSON.parse(job.body) as { type: string }).type;
    const t = Math.floor(this.deps.now().getTime() / 1000);
    const entry = (ok: boolean, status: number | null, error?: string): WebhookAttempt => ({ eventId: job.eventId, type, attempt, ok, status, ...(error ? { error } : {}), at: this.deps.now().toISOString() });
    let status: number | null = null;
    try {
      const res = await (this.deps.fetch ?? fetch)(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'ruta-signature': webhookSignature(hook.secret, job.body, t), 'ruta-event-id': job.eventId, 'user-agent': 'Ruta-Webhooks/1' },
        body: job.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 10_000),
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      await this.record(job.institution, entry(false, null, err instanceof Error ? err.name : 'error'));
      throw new Error('webhook delivery failed');
    }
    const ok = status >= 200 && status < 300;
    await this.record(job.institution, entry(ok, status));
    if (!ok) throw new Error(`webhook answered ${status}`);
  }

  private record(institution: string, attempt: WebhookAttempt): Promise<void> {
    return this.deps.store.pushCapped(logKey(institution), JSON.stringify(attempt), LOG_SIZE, LOG_TTL);
  }
}
