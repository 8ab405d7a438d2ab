import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { z } from 'zod';
import type { BookingEvent } from '../booking/BookingService.js';
import type { JobQueue } from '../jobs/JobQueue.js';
import { outboundUrlProblem, policyLookup, type OutboundPolicy, type ResolveAll } from '../net/addressPolicy.js';
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

/** The events sent; attendance and outcomes are not among them (the institution records them itself). */
const SENT: Partial<Record<BookingEvent['type'], string>> = {
  created: 'booking.created',
  requested: 'booking.requested',
  proposed: 'booking.proposed',
  confirmed: 'booking.confirmed',
  declined: 'booking.declined',
  cancelled: 'booking.cancelled',
  rescheduled: 'booking.rescheduled',
};
const LOG_SIZE = 200;
const LOG_TTL = 90 * 24 * 3600;
const key = (institution: string) => `webhook/${institution}`;
const logKey = (institution: string) => `webhook-log/${institution}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` — the Ruta-Signature header. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * What Webhooks needs. `allowHttp` means development: http and loopback or private addresses are
 * allowed (a receiver on this machine); without it only https to public addresses, checked when
 * the URL is registered and again at every delivery, on the address the host resolves to then.
 *
 * @example new Webhooks({ store, jobs, now, allowHttp: config.NODE_ENV !== 'production' })
 */
export interface WebhooksDeps {
  store: Store;
  jobs: JobQueue;
  now: () => Date;
  allowHttp: boolean;
  /** Per attempt, connection to answer (default 10 s). */
  timeoutMs?: number;
  /** The DNS resolver (default node:dns lookup); tests resolve made-up host names with it. */
  lookup?: ResolveAll;
}

/** Why a delivery attempt failed, as the delivery log names it. */
const failure = (err: unknown): string => {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  if (code === 'ERR_ADDRESS_NOT_ALLOWED') return 'address_not_allowed';
  if (err instanceof Error && err.name === 'TimeoutError') return 'timeout';
  return code || (err instanceof Error ? err.name : 'error');
};

/**
 * Institution webhooks: one URL per institution. Booking created / cancelled / rescheduled events
 * are POSTed as JSON with a Ruta-Signature header (HMAC-SHA256 with the institution's secret over
 * the timestamp and the body), through the job queue: retried with back-off, every attempt logged.
 * Redirects are not followed. Payloads carry no phone numbers or names: the API has those, behind the token.
 */
export class Webhooks {
  private readonly policy: OutboundPolicy;

  constructor(private readonly deps: WebhooksDeps) {
    this.policy = { allowPrivate: deps.allowHttp, requireHttps: !deps.allowHttp };
  }

  async register(institution: string, url: string): Promise<{ url: string; secret: string } | { error: string }> {
    const parsed = z.url().safeParse(url);
    if (!parsed.success) return { error: 'url must be an absolute URL' };
    const problem = outboundUrlProblem(parsed.data, this.policy);
    if (problem) return { error: problem };
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
    // The event's id names the change (booking, history entry, and when the booking was made, since
    // codes are reused once old bookings are deleted): queuing the same change again after a crash is
    // a no-op, and an institution can de-duplicate on it.
    const eventId = `evt_${b.code}_${event.index}_${Date.parse(b.createdAt).toString(36)}`;
    const body = JSON.stringify({
      id: eventId,
      type,
      occurredAt: b.history[event.index]?.at ?? this.deps.now().toISOString(),
      by: event.by,
      booking: {
        code: b.code,
        centre: b.centreId,
        start: b.slot?.start ?? null,
        end: b.slot?.end ?? null,
        status: b.status,
        standard: b.standard,
        occupation: b.occupation,
        ...(b.preferences ? { preferences: b.preferences } : {}),
        ...(b.declineReason ? { declineReason: b.declineReason } : {}),
        ...(b.outcome ? { outcome: b.outcome } : {}),
      },
      ...(event.type === 'rescheduled' && event.previous?.slot ? { previousStart: event.previous.slot.start } : {}),
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
    // Registered before URLs were checked, or under another policy: refused without a request, not retried.
    if (outboundUrlProblem(hook.url, this.policy)) return this.record(job.institution, entry(false, null, 'url_not_allowed'));
    let status: number;
    try {
      status = await this.post(hook.url, job.body, { 'content-type': 'application/json', 'ruta-signature': webhookSignature(hook.secret, job.body, t), 'ruta-event-id': job.eventId, 'user-agent': 'Ruta-Webhooks/1' });
    } catch (err) {
      // An address refused at connection time is retried too: DNS may point elsewhere later.
      await this.record(job.institution, entry(false, null, failure(err)));
      throw new Error('webhook delivery failed');
    }
    const ok = status >= 200 && status < 300;
    await this.record(job.institution, entry(ok, status));
    if (!ok) throw new Error(`webhook answered ${status}`);
  }

  /**
   * One POST with node:http(s), the host resolved through the policy's lookup so the address
   * connected to is the one checked (DNS rebinding); the answer's status, its body unread.
   */
  private post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const target = new URL(url);
    const options: RequestOptions = { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false, lookup: policyLookup(this.policy, this.deps.lookup) };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((done, fail) => {
      const req = send(target, options, (res) => {
        clearTimeout(timer);
        done(res.statusCode ?? 0);
        res.destroy();
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('webhook timed out'), { name: 'TimeoutError' })), this.deps.timeoutMs ?? 10_000);
      req.on('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
      req.end(body);
    });
  }

  private record(institution: string, attempt: WebhookAttempt): Promise<void> {
    return this.deps.store.pushCapped(logKey(institution), JSON.stringify(attempt), LOG_SIZE, LOG_TTL);
  }
}
