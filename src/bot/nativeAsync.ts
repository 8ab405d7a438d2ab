/**
 * The botbuilder methods a turn calls, as native async functions (issue 13: what a turn leaves
 * to the old generation).
 *
 * botbuilder-core and botbuilder-dialogs are compiled to ES2015: each async method is
 * `__awaiter(this, …, function* () { … })`, so every call makes a new generator function. V8
 * gives each generator function a map of its own, in the old generation, that points back at
 * the function; until the next mark-compact frees that map, every young collection keeps the
 * function and everything its scope reaches alive. When the scope holds the turn context (the
 * adapter's `runMiddleware(context, next)`, the dialogs' `wrapErrors(dc, promise)`, the closure
 * `sendActivities` hands to its handlers), that is the whole turn: its context, state, dialogs
 * and replies were copied by one scavenge and promoted by the next, however long ago the turn
 * ended, and only a mark-compact freed them. Measured on the server (`--trace-gc-nvp`, one turn
 * at a time after 8 s of warm-up): 5.2–5.3 KB promoted a turn with the library's methods,
 * 1.8–1.9 with these. The same pattern in a 20-line server (a generator function made per
 * request, its scope holding a 10 KB array) promoted the array on every request; an arrow
 * function in its place, nothing.
 *
 * The code is the library's own (botbuilder 4.23.3: lib/turnContext.js, lib/botAdapter.js,
 * lib/dialogContext.js, lib/dialog.js), written with `async`/`await`; behaviour, errors and
 * events are the same, and tests compare each method with the library's. Another test runs whole
 * conversations and checks that none of the library's generator methods was called. A context
 * made by another adapter (the Bot Framework channel) keeps the library's methods: they work the
 * same, only its turns are promoted.
 */
import { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
import { DialogEvents } from 'botbuilder-dialogs/lib/dialogEvents.js';
import { TurnPath } from 'botbuilder-dialogs/lib/memory/turnPath.js';
import { ActivityTypes, DeliveryModes, INVOKE_RESPONSE_KEY, TurnContext, TurnContextStateCollection, type Activity, type ResourceResponse, type SendActivitiesHandler } from './botbuilderCore.js';
import { DialogContext, DialogReason, DialogStateManager, DialogTurnStatus, type DialogSet, type DialogState, type DialogTurnResult } from './dialogMachinery.js';

/** A turn context whose `sendActivity` and `sendActivities` are native async functions (see above). */
export class NativeTurnContext extends TurnContext {
  /** The handlers `onSendActivities` registered on this context, in order (the library keeps its own privately). */
  declare private sendHandlers: SendActivitiesHandler[] | undefined;

  override onSendActivities(handler: SendActivitiesHandler): this {
    (this.sendHandlers ??= []).push(handler);
    return this;
  }

  /** A context made from this one shares its handlers, as the library's copy shares its own list. */
  protected override copyTo(context: TurnContext): void {
    super.copyTo(context);
    if (context instanceof NativeTurnContext) context.sendHandlers = this.sendHandlers ??= [];
    else for (const handler of this.sendHandlers ?? []) context.onSendActivities(handler);
  }

  override async sendActivity(activityOrText: string | Partial<Activity>, speak?: string, inputHint?: string): Promise<ResourceResponse | undefined> {
    let activity: Partial<Activity>;
    if (typeof activityOrText === 'string') {
      activity = { text: activityOrText, inputHint: inputHint || 'acceptingInput' };
      if (speak) activity.speak = speak;
    } else {
      activity = activityOrText;
    }
    const responses = (await this.sendActivities([activity])) || [];
    return responses[0];
  }

  override async sendActivities(activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    let sentNonTraceActivity = false;
    const ref = TurnContext.getConversationReference(this.activity);
    const output = activities.map((activity) => {
      // Object.assign, as the library, not a spread: with `{ ...activity }` here a turn promoted
      // 3.7 KB instead of 1.8 (measured as above; why, V8 did not tell).
      const result = TurnContext.applyConversationReference(Object.assign({}, activity), ref);
      if (!result.type) result.type = ActivityTypes.Message;
      if (result.type !== ActivityTypes.Trace) sentNonTraceActivity = true;
      if (result.id) delete result.id;
      return result;
    });
    const deliver = async (): Promise<ResourceResponse[]> => {
      if (this.activity.deliveryMode === DeliveryModes.ExpectReplies) {
        // Answered with the turn's reply, not sent: kept in the buffer.
        const responses: ResourceResponse[] = [];
        for (const a of output) {
          this.bufferedReplyActivities.push(a);
          if (a.type === ActivityTypes.InvokeResponse) this.turnState.set(INVOKE_RESPONSE_KEY, a);
          responses.push({ id: undefined as unknown as string });
        }
        if (sentNonTraceActivity) this.responded = true;
        return responses;
      }
      const responses = await this.adapter.sendActivities(this, output);
      for (let index = 0; index < (responses?.length ?? 0); index++) output[index]!.id = responses[index]!.id;
      if (sentNonTraceActivity) this.responded = true;
      return responses;
    };
    const handlers = this.sendHandlers ?? [];
    const run = async (at: number): Promise<ResourceResponse[]> => {
      const handler = handlers[at];
      return handler ? handler(this, output, () => run(at + 1)) : deliver();
    };
    return run(0);
  }
}

/** An error a dialog threw, with the dialog stack it was thrown in (as the library's `wrapErrors`). */
async function wrapErrors<T>(dc: DialogContext, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof DialogContextError) throw err;
    // As the library: an Error or a message (its constructor refuses anything else, as thrown).
    throw new DialogContextError(err as Error, dc);
  }
}

/** The active dialog ended and popped (the library's private `endActiveDialog`). */
async function endActiveDialog(dc: DialogContext, reason: DialogReason, result?: unknown): Promise<void> {
  const instance = dc.activeDialog;
  if (!instance) return;
  const dialog = dc.findDialog(instance.id);
  if (dialog) await wrapErrors(dc, dialog.endDialog(dc.context, instance, reason));
  dc.stack.pop();
  dc.state.setValue(TurnPath.lastResult, result);
}

/**
 * A dialog context whose methods that start, end and cancel dialogs are native async functions
 * (see above). A turn's is made by `forTurn`, whose memory (`state`) is made when first used.
 */
export class NativeDialogContext extends DialogContext {
  /**
   * The turn's root dialog context: what DialogContext's constructor sets (its services, dialogs,
   * context and stack; lib/dialogContext.js), but its memory, a DialogStateManager, is made on
   * first use (the `state` accessor below), with the turn's activity written to it as the
   * constructor writes it. The constructor made one for every turn, and with it botbuilder's
   * dialogs component registration and its service collection again: 1.7 % of the server's CPU
   * under the bench's load (issue 13), for memory a Ruta turn writes to only when a dialog ends
   * (its result, endActiveDialog above).
   */
  static forTurn(dialogs: DialogSet, context: TurnContext, state: DialogState): NativeDialogContext {
    const dc = Object.create(NativeDialogContext.prototype) as NativeDialogContext;
    if (!Array.isArray(state.dialogStack)) state.dialogStack = [];
    return Object.assign(dc, { services: new TurnContextStateCollection(), dialogs, context, stack: state.dialogStack });
  }

  override async beginDialog(dialogId: string, options?: object): Promise<DialogTurnResult> {
    const dialog = this.findDialog(dialogId);
    if (!dialog) throw new DialogContextError(`DialogContext.beginDialog(): A dialog with an id of '${dialogId}' wasn't found.`, this);
    this.stack.push({ id: dialogId, state: {} });
    return wrapErrors(this, dialog.beginDialog(this, options));
  }

  override async cancelAllDialogs(cancelParents = false, eventName?: string, eventValue?: unknown): Promise<DialogTurnResult> {
    const name = eventName || DialogEvents.cancelDialog;
    if (this.stack.length === 0 && this.parent === undefined) return { status: DialogTurnStatus.empty };
    // Every dialog of this stack (and of the parents', with cancelParents) ends; each after the
    // first may intercept the cancellation as an event.
    let notify = false;
    let dc: DialogContext | undefined = this;
    while (dc !== undefined) {
      if (dc.stack.length > 0) {
        if (notify && (await dc.emitEvent(name, eventValue, false, false))) break;
        await endActiveDialog(dc, DialogReason.cancelCalled);
      } else {
        dc = cancelParents ? dc.parent : undefined;
      }
      notify = true;
    }
    return { status: DialogTurnStatus.cancelled };
  }

  override async endDialog(result?: unknown): Promise<DialogTurnResult> {
    await endActiveDialog(this, DialogReason.endCalled, result);
    const instance = this.activeDialog;
    if (!instance) return { status: DialogTurnStatus.complete, result };
    const dialog = this.findDialog(instance.id);
    if (!dialog) throw new DialogContextError(`DialogContext.endDialog(): Can't resume previous dialog. A dialog with an id of '${instance.id}' wasn't found.`, this);
    return wrapErrors(this, dialog.resumeDialog(this, DialogReason.endCalled, result));
  }

  override async replaceDialog(dialogId: string, options?: object): Promise<DialogTurnResult> {
    await endActiveDialog(this, DialogReason.replaceCalled);
    return this.beginDialog(dialogId, options);
  }

  override async repromptDialog(): Promise<void> {
    if (await this.emitEvent(DialogEvents.repromptDialog, undefined, false, false)) return;
    const instance = this.activeDialog;
    if (!instance) return;
    const dialog = this.findDialog(instance.id);
    if (!dialog) throw new DialogContextError(`DialogContext.repromptDialog(): Can't find a dialog with an id of '${instance.id}'.`, this);
    await wrapErrors(this, dialog.repromptDialog(this.context, instance));
  }

  override async emitEvent(name: string, value?: unknown, bubble = true, fromLeaf = false): Promise<boolean> {
    let dc: DialogContext = this;
    if (fromLeaf) for (let child = dc.child; child !== undefined; child = dc.child) dc = child;
    const instance = dc.activeDialog;
    const dialog = instance && dc.findDialog(instance.id);
    return dialog ? wrapErrors(this, dialog.onDialogEvent(dc, { bubble, name, value })) : false;
  }
}

/** Gives a dialog context its own `state`, as DialogContext's constructor assigns it. */
const ownState = (dc: DialogContext, state: DialogStateManager): DialogStateManager => {
  Object.defineProperty(dc, 'state', { value: state, writable: true, enumerable: true, configurable: true });
  return state;
};

// A NativeDialogContext made by `forTurn` has no `state` of its own until it is first read: then
// it gets the DialogStateManager DialogContext's constructor would have made (its own property
// first, so nothing the manager reads finds the accessor again). One made with `new` gets it
// from the constructor's assignment, through the setter.
Object.defineProperty(NativeDialogContext.prototype, 'state', {
  configurable: true,
  get(this: NativeDialogContext): DialogStateManager {
    const state = ownState(this, new DialogStateManager(this));
    state.setValue(TurnPath.activity, this.context.activity);
    return state;
  },
  set(this: NativeDialogContext, state: DialogStateManager) {
    ownState(this, state);
  },
});
