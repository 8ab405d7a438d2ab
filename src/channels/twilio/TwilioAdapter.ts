// botbuilder-core's files a turn uses, not its index (which loads the Bot Framework connector):
// the Bot Framework channel loads that on its first request.
import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from '../../bot/botbuilderCore.js';
import { RUTA_EXTRAS, RUTA_OUTCOME, RUTA_PID, RUTA_RENDERED, type InboundExtras, type TurnOutcome } from '../../bot/RutaTurn.js';
import { NativeTurnContext } from '../../bot/nativeAsync.js';
import type { RenderedMessage } from '../render.js';
import type { InboundMessage } from './schemas.js';
import { channelOf } from './schemas.js';

const OUTBOX = Symbol('ruta.outbox');

export interface TwilioTurnInput {
  message: InboundMessage;
  /** Pseudonymous id of the sender; the phone number itself never enters the activity. */
  pid: string;
  countryHint: string | undefined;
  /** The sender's address sealed, and Ruta's number they wrote to (for a booking's messages). */
  contact?: { seal(): string; via: string };
  /** The sender is the console's simulator (isSimulatedNumber). */
  simulated?: boolean;
}

/** What a turn sent: its texts, in order, and (SMS) those texts already rendered by the bot when it rendered exactly them. */
export interface TwilioTurnResult {
  texts: string[];
  rendered?: RenderedMessage[];
  /** Where the turn left the worker and in which language (RutaBot's), for the webhook's one log line. */
  outcome: TurnOutcome;
}

export class UnsupportedOperationError extends Error {
  readonly code = 'unsupported_operation';
}

/**
 * Ruta's channel adapter for Twilio SMS and WhatsApp. It turns a webhook into a botbuilder
 * activity and collects the bot's replies, which the webhook returns as TwiML. The activity
 * carries the pseudonymous id, not the phone number, so nothing downstream can store or log it.
 */
export class TwilioAdapter extends BotAdapter {
  /** Runs one turn and returns the texts the bot sent, in order (and their SMS rendering, when the bot made it). */
  async process(input: TwilioTurnInput, logic: (context: TurnContext) => Promise<void>): Promise<TwilioTurnResult> {
    const { message, pid } = input;
    const channel = channelOf(message.From);
    const mediaTypes = Array.from({ length: message.NumMedia }, (_, i) => message[`MediaContentType${i}`]).filter((t): t is string => typeof t === 'string');
    const location =
      message.Latitude !== undefined && message.Longitude !== undefined ? { latitude: message.Latitude, longitude: message.Longitude } : undefined;

    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      id: message.MessageSid,
      channelId: channel,
      serviceUrl: 'twilio',
      timestamp: new Date(),
      from: { id: pid, name: '' },
      recipient: { id: 'ruta', name: 'Ruta' },
      conversation: { id: pid, name: '', isGroup: false, conversationType: channel },
      text: message.Body,
      attachments: mediaTypes.map((contentType) => ({ contentType })),
    };
    const extras: InboundExtras = {
      channelKind: channel,
      hasMedia: message.NumMedia > 0,
      ...(input.countryHint ? { countryHint: input.countryHint } : {}),
      ...(message.OptOutType ? { optOutType: message.OptOutType } : {}),
      ...(location ? { location } : {}),
      ...(input.contact ? { contact: input.contact } : {}),
      // The console's simulator: marked for the turn (simulated) and for analytics (test, kept out of every aggregate).
      ...(input.simulated ? { simulated: true } : {}),
    };

    // Native async sendActivity (src/bot/nativeAsync.ts): the library's kept whole turns alive through young collections.
    const context = new NativeTurnContext(this, activity);
    const outbox: string[] = [];
    context.turnState.set(OUTBOX, outbox);
    context.turnState.set(RUTA_PID, pid);
    context.turnState.set(RUTA_EXTRAS, extras);
    const outcome: TurnOutcome = {};
    context.turnState.set(RUTA_OUTCOME, outcome);
    try {
      await this.runMiddleware(context, logic);
      const pre: { texts: readonly string[]; rendered: RenderedMessage[] } | undefined = context.turnState.get(RUTA_RENDERED);
      const same = pre !== undefined && pre.texts.length === outbox.length && pre.texts.every((t, i) => t === outbox[i]);
      return same ? { texts: outbox, rendered: pre.rendered, outcome } : { texts: outbox, outcome };
    } finally {
      // The turn is over: its state (the turn, the dialogs' state manager, the activity's extras)
      // is let go of here. Under load V8's young collector kept whatever a finished turn context
      // still reached through two collections, even 2 s apart, though nothing held it at a full
      // collection (docs/performance.md, "What a turn leaves to the old generation"): about 2 KB a turn more
      // promoted without this, measured before what held it was found — botbuilder's generator
      // functions, now replaced (src/bot/nativeAsync.ts) — and kept as a second line of defence
      // for whatever else a turn's scope reaches (issue 13).
      context.turnState.clear();
    }
  }

  /**
   * botbuilder's own `runMiddleware` as a native async function (src/bot/nativeAsync.ts says why):
   * the same steps — the activity's locale, the middleware on a revocable proxy of the context,
   * `onTurnError` for what they throw, the proxy revoked at the end.
   */
  override async runMiddleware(context: TurnContext, next: (revocableContext: TurnContext) => Promise<void>): Promise<void> {
    if (context.activity?.locale) context.locale = context.activity.locale;
    const revocable = Proxy.revocable(context, {});
    try {
      await this.middleware.run(revocable.proxy, () => next(revocable.proxy));
    } catch (err) {
      if (!this.onTurnError) throw err;
      await this.onTurnError(revocable.proxy, err as Error);
    } finally {
      revocable.revoke();
    }
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox: string[] | undefined = context.turnState.get(OUTBOX);
    if (!outbox) throw new UnsupportedOperationError('proactive messages go through the Twilio REST API');
    return activities.map((activity, i) => {
      if (activity.type === ActivityTypes.Message && activity.text) outbox.push(activity.text);
      return { id: `${context.activity.id ?? 'reply'}-${outbox.length}-${i}` };
    });
  }

  override async updateActivity(): Promise<void> {
    throw new UnsupportedOperationError('SMS and WhatsApp messages cannot be edited');
  }

  override async deleteActivity(): Promise<void> {
    throw new UnsupportedOperationError('SMS and WhatsApp messages cannot be deleted');
  }

  override async continueConversation(_reference: Partial<ConversationReference>): Promise<void> {
    throw new UnsupportedOperationError('proactive messages go through the Twilio REST API');
  }
}
