import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import type { z } from 'zod';
import type { Catalog } from '../../catalog/Catalog.js';
import type { RutaI18n } from '../../i18n.js';
import { errorCode, type Logger } from '../../log.js';
import { answerError, pathOf, type RawHandler } from '../../server.js';
import { pseudonymize } from '../../privacy/pseudonym.js';
import { RutaBot } from '../../bot/RutaBot.js';
import { readSession } from '../../bot/session.js';
import type { TurnOutcome } from '../../bot/RutaTurn.js';
import { StorageConflictError, type BotStorage } from '../../store/BotStorage.js';
import type { Store } from '../../store/Store.js';
import { lineOf, type Place, type TurnLock } from '../../store/TurnLock.js';
import type { Admission, ArrivalCount, SenderLimits } from '../SenderLimits.js';
import type { PseudonymRotation } from '../../privacy/PseudonymRotation.js';
import { renderForChannel, type RenderedMessage } from '../render.js';
import { isValidTwilioSignature } from './signature.js';
import { readForm } from './formBody.js';
import { messagingTwiml } from './twiml.js';
import { isSimulatedNumber } from '../simulatedNumber.js';
import { channelOf, formParams, inboundMessageSchema, statusCallbackSchema, type InboundMessage } from './schemas.js';
import type { TwilioAdapter } from './TwilioAdapter.js';
import { isLanguage } from '../../catalog/schema.js';
import { replyLanguage } from '../../language/detectLanguage.js';
import type { ContactSealer } from '../../privacy/ContactSealer.js';
import type { Messenger } from '../../notify/Messenger.js';
import type { EventRecorder } from '../../analytics/EventRecorder.js';
import type { Tracked } from '../../analytics/event.js';

export interface TwilioRoutesDeps {
  publicUrl: string;
  authToken: string;
  /** When set, webhooks for any other account are refused. */
  accountSid: string | undefined;
  pseudonymSecret: string;
  /** Seals the sender's address for a booking (the only place it is kept). */
  sealer: ContactSealer;
  /** Follows delivery statuses of proactive messages. */
  messenger: Messenger;
  now: () => Date;
  dedupTtlSeconds: number;
  turnWaitMs: number;
  adapter: TwilioAdapter;
  bot: RutaBot;
  catalog: Catalog;
  i18n: RutaI18n;
  store: Store;
  storage: BotStorage;
  lock: TurnLock;
  /** Flood limits per sender and overall. */
  limits: SenderLimits;
  /** After a pseudonym secret rotation: moves a sender's data from the old pseudonym on contact. */
  rotation?: PseudonymRotation;
  /** Anonymous analytics (throttled turns, delivery failures), under the conversation's analytics id. */
  analytics?: EventRecorder;
  log: Logger;
}

/** A Twilio webhook's body: a form of a few hundred bytes (Twilio's limit for a message's Body is 1,600 characters). */
const FORM_LIMITS = { limit: 64 * 1024, parameterLimit: 200 };

/** How often a turn that lost an eTag race is run again from fresh state. */
const CONFLICT_RETRIES = 3;

/** Error codes Twilio reports when a number opted out of messages. */
const OPTED_OUT_ERROR = 21610;

/**
 * POST /twilio/messages — Twilio's inbound webhook for SMS and WhatsApp, answered with TwiML.
 * Order matters: signature first (403, nothing else happens), then parsing, then — in one atomic
 * step, before anything else is awaited — de-duplication on MessageSid and the message's place
 * in its sender's line; then the flood limits, then the turn once the sender's earlier ones ended.
 * POST /twilio/status — signed delivery status callbacks, de-duplicated; failures are counted,
 * 21610 marks opt-out.
 */
export function twilioWebhooks(deps: TwilioRoutesDeps): { messages: RawHandler; status: RawHandler; router: Router } {
  /**
   * On Node's own request and response, so the server can answer the webhooks without Express
   * (server.ts, serverListener); the body is read here, the same whichever way the request came.
   */
  const form =
    (handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>): RawHandler =>
    (req, res) => {
      readForm(req, FORM_LIMITS).then(
        (body) => {
          (req as { body?: unknown }).body = body;
          return handle(req, res);
        },
        (err: unknown) => answerError(err, res, deps.log),
      ).catch((failure: unknown) => answerError(failure, res, deps.log));
    };

  const verified = (req: IncomingMessage, res: ServerResponse): Record<string, string> | undefined => {
    const params = formParams((req as { body?: unknown }).body);
    const url = deps.publicUrl + requestUrl(req);
    const signature = req.headers['x-twilio-signature'];
    if (!params || !isValidTwilioSignature(deps.authToken, typeof signature === 'string' ? signature : undefined, url, params)) {
      deps.log.warn('twilio_signature_rejected', { path: pathOf(requestUrl(req)) });
      sendPlain(res, 403, 'Forbidden');
      return undefined;
    }
    return params;
  };

  /** The verified body parsed with `schema`, or undefined after answering 403/400. */
  const accepted = <S extends z.ZodType>(schema: S, req: IncomingMessage, res: ServerResponse): z.infer<S> | undefined => {
    const params = verified(req, res);
    if (!params) return undefined;
    if (deps.accountSid && params.AccountSid !== deps.accountSid) {
      deps.log.warn('twilio_account_rejected', { path: pathOf(requestUrl(req)) });
      sendPlain(res, 403, 'Forbidden');
      return undefined;
    }
    const parsed = schema.safeParse(params);
    if (parsed.success) return parsed.data;
    deps.log.warn('twilio_body_invalid', { path: pathOf(requestUrl(req)), fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
    sendPlain(res, 400, 'Bad Request');
    return undefined;
  };

  const messages = form(async (req, res) => {
    const message = accepted(inboundMessageSchema, req, res);
    if (!message) return;
    const channel = channelOf(message.From);
    const pid = pseudonymize(deps.pseudonymSecret, message.From);
    const user = pid.slice(0, 8);
    const msg = message.MessageSid.slice(-8); // Twilio's id, not personal: lets a turn be followed in the logs
    // De-duplication: the MessageSid's last 16 hex digits (64 random bits) mark it in its sender's line.
    const line = lineOf(pid);
    const mark = message.MessageSid.slice(-16);
    // The console's simulator (a number no person can have): a test conversation, marked as such.
    const simulated = isSimulatedNumber(message.From, deps.catalog);
    const started = performance.now();
    const apology = async (err: unknown): Promise<string[]> => {
      // Never a stack trace, never silence: a kind apology in the worker's language.
      deps.log.error('turn_failed', { user, msg, code: errorCode(err) });
      await deps.lock.forget(line, mark).catch(() => undefined);
      return [(await translatorFor(deps, channel, pid, message.Body))('common.error')];
    };

    let texts: string[];
    let rendered: RenderedMessage[] | undefined;
    let outcome: TurnOutcome | undefined;
    let heldAt: number | undefined;
    let ticket: number | undefined;
    let count: ArrivalCount | undefined;
    const arrivedAt = preciseNow();
    try {
      // The first await after the body is read: the message's place in its sender's line is taken
      // on arrival, atomically with its de-duplication (a re-delivered MessageSid gets no place),
      // and on Redis with its count against the sender's flood windows.
      count = deps.limits.onArrival(pid);
      const place = await deps.lock.arrive(line, { id: mark, ttlSeconds: deps.dedupTtlSeconds }, count?.rider).catch((err: unknown) => {
        count?.failed();
        throw err;
      });
      if (place === 'duplicate') {
        deps.log.info('twilio_duplicate_dropped', { user, msg });
        sendTwiml(res, []);
        return;
      }
      ticket = place.ticket;
      ({ texts, rendered, outcome, heldAt } = await runTurn(deps, message, pid, place, count, { line, mark }, simulated));
    } catch (err) {
      texts = await apology(err);
    }

    // The bot rendered its SMS replies already (to count their segments): the same, not twice.
    rendered ??= renderForChannel(texts, channel);
    const segments = rendered.reduce((sum, m) => sum + (m.segments?.segments ?? 0), 0);
    // `arrived` (when the message was read) and `held` (when its turn got the sender's lock), on the
    // machine's monotonic clock: the order turns ran in can be checked against the order they arrived in, across processes.
    // With the bot's step and language (where the worker now is, for drop-off; never the text): one line a turn.
    deps.log.info('turn_done', { user, msg, channel, step: outcome?.step, language: outcome?.language, ms: Math.round(performance.now() - started), messages: rendered.length, segments, ticket, arrived: arrivedAt, held: heldAt, simulated: simulated || undefined });
    sendTwiml(res, rendered.map((m) => m.body));
    await deps.limits.charge(pid, segments, count).catch((err: unknown) => deps.log.warn('limits_charge_failed', { code: errorCode(err) }));
  });

  const status = form(async (req, res) => {
    const status = accepted(statusCallbackSchema, req, res);
    if (!status) return;
    // Twilio redelivers callbacks: each (message, status) is counted once.
    if (!(await deps.store.setIfAbsent(`status-seen/${status.MessageSid}/${status.MessageStatus}`, '1', deps.dedupTtlSeconds))) {
      res.writeHead(204).end();
      return;
    }
    await deps.messenger.onStatus(status.MessageSid, status.MessageStatus, status.ErrorCode);
    if (status.MessageStatus === 'failed' || status.MessageStatus === 'undelivered') {
      const code = status.ErrorCode ?? 0;
      await deps.store.incr(`stats/delivery_failed/${code}`);
      deps.log.warn('twilio_delivery_failed', { status: status.MessageStatus, errorCode: code });
      if (status.To) {
        const pid = pseudonymize(deps.pseudonymSecret, status.To);
        await recordFor(deps, channelOf(status.To), pid, { kind: 'delivery_failed', errorCode: code }, deps.catalog.countryFromPhone(status.To)?.code);
        await deps.store.set(`delivery/${pid}/last_failure`, JSON.stringify({ code, at: deps.now().toISOString() }), 30 * 24 * 3600);
        if (code === OPTED_OUT_ERROR) await markOptedOut(deps, channelOf(status.To), pid);
      }
    }
    res.writeHead(204).end();
  });

  return { messages, status, router: express.Router().post('/messages', messages).post('/status', status) };
}

/** The path and query the request was sent to (under Express, before a router's mount point was taken off). */
function requestUrl(req: IncomingMessage): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
}


function sendPlain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One inbound message's turn, from its place in line: flood limits first (over a limit the
 * place is given up and the sender gets one short notice, then silence), then the bot, once the
 * sender's previous turns are done.
 */
async function runTurn(deps: TwilioRoutesDeps, message: InboundMessage, pid: string, place: Place, count: ArrivalCount | undefined, seen: { line: string; mark: string }, simulated: boolean): Promise<{ texts: string[]; rendered?: RenderedMessage[]; outcome?: TurnOutcome; heldAt?: number }> {
  const channel = channelOf(message.From);
  const user = pid.slice(0, 8);
  let admission: Admission;
  try {
    // The count its arrival made (Redis), or one made now.
    admission = await deps.limits.admit(pid, count?.verdict(place.rider));
  } catch (err) {
    await place.abandon();
    throw err;
  }
  if (!admission.ok) {
    await place.abandon();
    await recordFor(deps, channel, pid, { kind: 'throttled' }, deps.catalog.countryFromPhone(message.From)?.code);
    if (!admission.notify) return { texts: [] };
    return { texts: [(await translatorFor(deps, channel, pid, message.Body))(admission.limit === 'segments' ? 'common.tomorrow' : 'common.slowDown')] };
  }
  let heldAt: number | undefined;
  const countryHint = deps.catalog.countryFromPhone(message.From)?.code;
  const locked = await place.run(deps.turnWaitMs, async () => {
    heldAt = preciseNow();
    if (deps.rotation) await deps.rotation.adopt(message.From, pid);
    for (let attempt = 1; ; attempt++) {
      try {
        // Sealed only if this turn books (most turns never need the address).
        const contact = { seal: () => deps.sealer.seal(message.From), via: message.To };
        return await deps.adapter.process({ message, pid, countryHint, contact, simulated }, deps.bot.handleTurn);
      } catch (err) {
        if (!(err instanceof StorageConflictError) || attempt >= CONFLICT_RETRIES) throw err;
        deps.log.warn('turn_conflict_retry', { user, attempt });
      }
    }
  });
  if (locked.ok) return Object.assign(locked.value, { heldAt });
  // The sender's previous turn is still running: say so, and let this message be sent again.
  deps.log.warn('turn_lock_timeout', { user });
  await deps.lock.forget(seen.line, seen.mark);
  return { texts: [(await translatorFor(deps, channel, pid, message.Body))('common.busy')] };
}

/** Error 21610: the number opted out with Twilio; remember it so Ruta stops writing. */
async function markOptedOut(deps: TwilioRoutesDeps, channel: string, pid: string): Promise<void> {
  const key = RutaBot.conversationKey(channel, pid);
  await deps.lock.run(lineOf(pid), deps.turnWaitMs, async () => {
    const item = (await deps.storage.read([key]))[key];
    if (!item) return;
    const session = readSession(item.session);
    session.optedOut = 'twilio';
    await deps.storage.write({ [key]: { ...item, session } });
  });
  deps.log.info('opted_out_by_twilio', { user: pid.slice(0, 8) });
}

/**
 * Records a milestone that happens outside a turn under the conversation's analytics id, country
 * and language (read from its session; none for a stranger). Never fails the caller.
 */
async function recordFor(deps: TwilioRoutesDeps, channel: 'sms' | 'whatsapp', pid: string, milestone: Tracked, countryHint: string | undefined): Promise<void> {
  if (!deps.analytics) return;
  const session = await deps.storage
    .read([RutaBot.conversationKey(channel, pid)])
    .then((items) => readSession(items[RutaBot.conversationKey(channel, pid)]?.session))
    .catch(() => undefined);
  const language = session?.language ?? 'es';
  await deps.analytics.record({ aid: session?.aid, country: session?.country ?? countryHint, language, channel }, [milestone]);
}

/**
 * The sender's language for an apology: the conversation's, else the message's own, else Spanish.
 * Works without the store (it may be what failed).
 */
async function translatorFor(deps: TwilioRoutesDeps, channel: string, pid: string, body: string) {
  const fallback = replyLanguage(body) ?? 'es';
  try {
    const key = RutaBot.conversationKey(channel, pid);
    const language = readSession((await deps.storage.read([key]))[key]?.session).language;
    return deps.i18n.t(isLanguage(language) ? language : fallback);
  } catch {
    return deps.i18n.t(fallback);
  }
}

/**
 * The machine's monotonic clock in milliseconds, to the microsecond: the same clock for every
 * process on one machine (performance.timeOrigin is not: each process fixes it at start, a
 * millisecond or more apart), so the order of turns can be compared across processes.
 */
function preciseNow(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/**
 * The answer Twilio reads. Node's own response methods, not Express's `send`: Twilio has no use
 * for the ETag that `send` computes (a SHA-1 of every reply) nor for its content-type parsing.
 */
function sendTwiml(res: ServerResponse, bodies: string[]): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.end(messagingTwiml(bodies));
}
