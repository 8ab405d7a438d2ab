import type { TurnContext } from 'botbuilder';
import { type DialogContext, DialogSet, DialogTurnStatus, type DialogState, type DialogStateManagerConfiguration, type DialogTurnResult } from './dialogMachinery.js';
import { NativeDialogContext } from './nativeAsync.js';
import { z } from 'zod';
import type { Catalog } from '../catalog/Catalog.js';
import type { Language } from '../catalog/schema.js';
import type { RutaI18n } from '../i18n.js';
import type { Logger } from '../log.js';
import { NEW_ITEM, type BotStorage } from '../store/BotStorage.js';
import type { Store } from '../store/Store.js';
import { DialogIds } from '../../dialogs/ids.js';
import { StepDialog } from '../../dialogs/StepDialog.js';
import type { StartOptions } from '../../dialogs/startDialog.js';
import { helpMessage } from '../../dialogs/helpMessage.js';
import { createDialogs } from '../../dialogs/index.js';
import type { RouteFacts } from '../../dialogs/routeDialog.js';
import { replyLanguage } from '../language/detectLanguage.js';
import { commandOf, TWILIO_SMS_KEYWORDS } from '../language/keywords.js';
import { RUTA_EXTRAS, RUTA_OUTCOME, RUTA_RENDERED, RUTA_PID, RUTA_TURN, type BookingDeps, type InboundExtras, type RutaTurn, type TurnOutcome } from './RutaTurn.js';
import { readSession, type Session } from './session.js';
import type { WorkProfiler } from '../match/WorkProfiler.js';
import { ProfileStore } from '../prescreen/ProfileStore.js';
import { clean, fold } from '../language/text.js';
import { renderForChannel } from '../channels/render.js';
import { newAid, type EventRecorder } from '../analytics/EventRecorder.js';
import type { Tracked } from '../analytics/event.js';

export interface RutaBotDeps {
  catalog: Catalog;
  i18n: RutaI18n;
  storage: BotStorage;
  store: Store;
  log: Logger;
  conversationTtlSeconds: number;
  unconsentedTtlSeconds: number;
  profiler: WorkProfiler;
  booking: BookingDeps;
  /** The route facts institutions published (PublishedFacts), laid over the researched routes. */
  facts: RouteFacts;
  /** The injected clock (tests freeze it). */
  now: () => Date;
  /** Anonymous analytics: one write per turn (never fails the turn). */
  analytics?: EventRecorder;
  /** A new conversation's analytics id (tests seed it; random otherwise). */
  newAid?: () => string;
}

/** The turn-state key under which botbuilder-dialogs' DialogStateManager looks for its configuration (memory/dialogStateManager.js). */
const STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

/** The conversation item stored per sender and channel. */
const storedDialogState = z.object({ dialogStack: z.array(z.looseObject({ id: z.string(), state: z.unknown() })) });

/**
 * Ruta's conversation logic, independent of the channel: one call per incoming activity.
 * Reads the sender's conversation (session + dialog stack) with its eTag, runs the dialogs,
 * and writes it back only if nobody else changed it meanwhile (StorageConflictError otherwise).
 */
export class RutaBot {
  private readonly dialogs: DialogSet;
  private readonly profiles: ProfileStore;
  /**
   * The memory scopes and path resolvers of botbuilder-dialogs' state manager, made on the first
   * turn and given to every later one, as the library's DialogManager does with its
   * `stateConfiguration`. Without it each turn's DialogContext built a dozen scope objects again
   * and checked every registered component against a schema, most checks failing and each
   * failure building a zod error (issue 13: 1.084 against the build before, paired). They hold no
   * state of their own: each reads the dialog context it is handed.
   */
  private stateConfiguration?: DialogStateManagerConfiguration;

  constructor(private readonly deps: RutaBotDeps) {
    this.dialogs = createDialogs(deps.catalog, deps.facts);
    this.profiles = new ProfileStore(deps.store);
  }

  /** Storage key of a sender's conversation on one channel. */
  static conversationKey(channel: string, pid: string): string {
    return `conv/${channel}/${pid}`;
  }

  readonly handleTurn = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    if (activity.type !== 'message') return;
    const { deps } = this;
    // The channel adapter names the sender (its pseudonym) and the channel; the activity's own
    // channelId and from.id are what a caller claims, never an identity.
    const pid: string | undefined = context.turnState.get(RUTA_PID);
    const extras: InboundExtras | undefined = context.turnState.get(RUTA_EXTRAS);
    if (!pid || !extras) throw new Error('RutaBot: the channel adapter must set the sender pseudonym and extras');
    const key = RutaBot.conversationKey(extras.channelKind, pid);

    const items = await deps.storage.read([key]);
    const stored = items[key];
    const eTag: string = typeof stored?.eTag === 'string' ? stored.eTag : NEW_ITEM;
    const session = readSession(stored?.session);
    const dialogState = this.readDialogState(stored?.dialogState);
    const milestones: Tracked[] = [];
    // A conversation's analytics id is random and lives in its session only (never logged with the pid).
    if (!session.aid) {
      session.aid = (deps.newAid ?? newAid)();
      session.startedAt = deps.now().toISOString();
      if (stored === undefined) milestones.push({ kind: 'first_contact' });
    }

    let erased = false;
    const turn = this.makeTurn(pid, session, extras, async () => {
      // Bookings first: their places are given back and their institutions told, then every key.
      await deps.booking.service.eraseWorker(pid);
      await deps.store.eraseContaining(pid);
      erased = true;
      milestones.push({ kind: 'erase' });
      deps.log.info('erased', { user: pid.slice(0, 8) });
    }, (m) => milestones.push(m));
    context.turnState.set(RUTA_TURN, turn);
    if (this.stateConfiguration) context.turnState.set(STATE_CONFIGURATION, this.stateConfiguration);
    // Native async dialog methods (nativeAsync.ts): the library's kept whole turns alive through young collections.
    const dc = NativeDialogContext.forTurn(this.dialogs, context, dialogState);
    this.stateConfiguration ??= dc.state.configuration;
    const sent: string[] = [];
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) if (a.type === 'message' && a.text) sent.push(a.text);
      return next();
    });

    // WhatsApp's 24-hour window opens with each message the worker sends (reminders depend on it).
    if (extras.channelKind === 'whatsapp') session.lastInboundAt = turn.now().toISOString();
    const text = clean(activity.text ?? '');
    await this.route(dc, turn, text);

    if (!erased) await deps.storage.write({ [key]: { session, dialogState, eTag } });
    const step = turn.askedStep ?? (erased ? 'erased' : 'none');
    // Where the worker now is (stable step ids), so drop-off can be counted; never the text. In
    // the channel's own line for the turn when it has one (one line a turn: each cost a system call).
    const outcome: TurnOutcome | undefined = context.turnState.get(RUTA_OUTCOME);
    if (outcome) {
      outcome.step = step;
      outcome.language = turn.language;
    } else deps.log.info('turn', { user: pid.slice(0, 8), channel: extras.channelKind, language: turn.language, step });
    // SMS replies rendered once: their segments counted here, the same texts sent by the channel.
    const rendered = extras.channelKind === 'sms' ? renderForChannel(sent, 'sms') : undefined;
    if (rendered) context.turnState.set(RUTA_RENDERED, { texts: sent, rendered });
    await deps.analytics?.turn({
      aid: session.aid,
      country: session.country ?? extras.countryHint,
      language: turn.language,
      channel: extras.channelKind,
      outcome: extras.optOutType !== undefined || commandOf(text) !== undefined ? 'command' : (turn.misunderstood ?? 'understood'),
      step,
      segments: rendered ? rendered.reduce((n, m) => n + (m.segments?.segments ?? 0), 0) : 0,
      milestones,
      keptForSeconds: session.consent === 'accepted' ? deps.conversationTtlSeconds : deps.unconsentedTtlSeconds,
      test: extras.simulated ? true : undefined,
    });
  };

  /**
   * The stored dialog stack, if every dialog and step in it still exists; otherwise an empty
   * stack (the worker lands on the menu) rather than a conversation that fails on every turn.
   */
  private readDialogState(raw: unknown): DialogState {
    const parsed = storedDialogState.safeParse(raw);
    if (!parsed.success) return { dialogStack: [] };
    const stack = parsed.data.dialogStack.map((d) => Object.assign({}, d, { state: d.state }));
    const resumable = stack.every((instance) => {
      const dialog = this.dialogs.find(instance.id);
      return dialog !== undefined && (!(dialog instanceof StepDialog) || dialog.canResume(instance.state));
    });
    if (!resumable) this.deps.log.warn('dialog_state_reset', { dialogs: stack.map((d) => d.id).join('>') });
    return { dialogStack: resumable ? stack : [] };
  }

  private makeTurn(pid: string, session: Session, extras: InboundExtras, erase: () => Promise<void>, track: (m: Tracked) => void): RutaTurn {
    const { i18n, catalog } = this.deps;
    const language: Language = session.language ?? 'es';
    const turn: RutaTurn = {
      pid,
      language,
      t: i18n.t(language),
      i18n: (l) => i18n.t(l),
      retentionDays: Math.round(this.deps.conversationTtlSeconds / 86400),
      unconsentedHours: Math.round(this.deps.unconsentedTtlSeconds / 3600),
      session,
      catalog,
      extras,
      setLanguage: (l) => {
        session.language = l;
        turn.language = l;
        turn.t = i18n.t(l);
      },
      eraseEverything: erase,
      track,
      profiler: this.deps.profiler,
      readWork: (text) => this.deps.profiler.profile(text, { allowModel: session.consent === 'accepted' }),
      profile: {
        load: () => this.profiles.load(pid),
        // Kept as long as the conversation: the consent-dependent TTL.
        save: (p) => this.profiles.save(pid, p, session.consent === 'accepted' ? this.deps.conversationTtlSeconds : this.deps.unconsentedTtlSeconds),
      },
      now: this.deps.now,
      booking: this.deps.booking,
    };
    return turn;
  }

  /** Safety words first, then the first-message language, the always-available commands, the dialogs. */
  private async route(dc: DialogContext, turn: RutaTurn, text: string): Promise<void> {
    const { session, extras } = turn;
    const command = commandOf(text);
    const twilioAnswered = extras.optOutType !== undefined || (extras.channelKind === 'sms' && TWILIO_SMS_KEYWORDS.has(fold(text)));

    // Opt-out and resume. Twilio already replied when it recognised the keyword: never reply twice.
    if (extras.optOutType === 'STOP' || command === 'optOut') {
      if (!session.language) {
        const detected = replyLanguage(text, this.deps.catalog.languageDetector); // "SISPANN" as a first message
        if (detected) turn.setLanguage(detected);
      }
      session.optedOut = extras.optOutType === 'STOP' ? 'twilio' : 'keyword';
      turn.track({ kind: 'opt_out' });
      await dc.cancelAllDialogs(true);
      if (!twilioAnswered) await dc.context.sendActivity(turn.t('optout.done'));
      return;
    }
    if (extras.optOutType === 'HELP') return;
    if (session.optedOut) {
      if (extras.optOutType === 'START' || command === 'optIn') {
        session.optedOut = undefined;
        if (twilioAnswered) return;
        await dc.context.sendActivity(turn.t('optout.resumed'));
        return this.startOver(dc, turn);
      }
      // Twilio blocks every message to a number that opted out with it (error 21610): nothing to send.
      if (session.optedOut === 'keyword') await dc.context.sendActivity(turn.t('optout.still'));
      else this.deps.log.info('inbound_while_opted_out', { user: turn.pid.slice(0, 8) });
      return;
    }
    if (extras.optOutType === 'START') return;

    // A new conversation: answer in the language of the first message (French → Haitian Creole).
    if (!session.language && !dc.activeDialog) {
      const detected = replyLanguage(text, this.deps.catalog.languageDetector);
      if (detected) turn.setLanguage(detected);
      if (command !== 'erase') {
        // "CITA" as the very first message: the appointments open once the privacy question is answered.
        await dc.beginDialog(DialogIds.start, { askLanguage: !detected, ...(command === 'appointment' ? { then: 'appointments' } : {}) } satisfies StartOptions);
        return;
      }
    }

    switch (command) {
      case 'erase':
        await dc.beginDialog(DialogIds.erase);
        return;
      case 'language':
        await dc.beginDialog(DialogIds.language);
        return;
      case 'help':
        await dc.context.sendActivity(await helpMessage(turn, this.deps.catalog, this.deps.facts));
        if (dc.activeDialog) await dc.repromptDialog();
        else await this.startOver(dc, turn);
        return;
      case 'menu':
        return this.startOver(dc, turn);
      case 'appointment':
        return this.startOver(dc, turn, DialogIds.appointment);
      case 'back': {
        const active = dc.activeDialog ? this.dialogs.find(dc.activeDialog.id) : undefined;
        if (active instanceof StepDialog) {
          const result = await active.back(dc);
          if (result.status === DialogTurnStatus.complete && !dc.activeDialog) await this.startOver(dc, turn);
          return;
        }
        return this.startOver(dc, turn);
      }
      default: {
        const result = await continueActive(dc);
        // Nothing was running, or what ran ended with nothing under it and said nothing ("CITA",
        // then "menu"): the worker still gets an answer, the menu.
        if (result.status === DialogTurnStatus.empty || (!dc.activeDialog && !dc.context.responded)) {
          await this.startOver(dc, turn);
        }
      }
    }
  }

  /** The main menu (or `dialogId`), or the privacy notice if it was never answered. */
  private async startOver(dc: DialogContext, turn: RutaTurn, dialogId: string = DialogIds.menu): Promise<void> {
    await dc.cancelAllDialogs(true);
    if (turn.session.consent === undefined) await dc.beginDialog(DialogIds.start, { askLanguage: false, ...(dialogId === DialogIds.appointment ? { then: 'appointments' } : {}) } satisfies StartOptions);
    else await dc.beginDialog(dialogId);
  }
}

/**
 * The dialog on top of the stack continued with the worker's message, as `dc.continueDialog()`
 * does, without the 'activityReceived' event that botbuilder-dialogs first sends up the stack
 * for adaptive dialogs' interruptions. No Ruta dialog handles events (a StepDialog reads its
 * answer in continueDialog), and that event was about a twentieth of what a turn allocated, most
 * of it promise and generator frames that outlived their turn in the young generation (issue 13).
 * An unknown dialog id throws as the library's own check does.
 */
export async function continueActive(dc: DialogContext): Promise<DialogTurnResult> {
  const instance = dc.activeDialog;
  if (!instance) return { status: DialogTurnStatus.empty };
  const dialog = dc.findDialog(instance.id);
  if (!dialog) throw new Error(`continueActive: no dialog with the id '${instance.id}'`);
  return dialog.continueDialog(dc);
}
