import { describe, expect, it } from 'vitest';
import { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
import { ActivityTypes, TurnContext, type Activity } from '../../src/bot/botbuilderCore.js';
import { Dialog, DialogContext, DialogReason, DialogSet, DialogStateManager, DialogTurnStatus, type DialogState, type DialogTurnResult } from '../../src/bot/dialogMachinery.js';
import { NativeDialogContext, NativeTurnContext } from '../../src/bot/nativeAsync.js';
import { TwilioAdapter } from '../../src/channels/twilio/TwilioAdapter.js';

// The native versions of botbuilder's turn methods (src/bot/nativeAsync.ts) must do what the
// library's do: each scenario runs on the library's class and on Ruta's, and both are compared.

const inbound = (extra: Partial<Activity> = {}): Partial<Activity> => ({
  type: ActivityTypes.Message,
  id: 'in-1',
  text: 'Hola',
  channelId: 'sms',
  serviceUrl: 'twilio',
  from: { id: 'worker', name: '' },
  recipient: { id: 'ruta', name: 'Ruta' },
  conversation: { id: 'worker', name: '', isGroup: false, conversationType: 'sms' },
  ...extra,
});

/** An adapter that records what it is asked to send. */
class Recording extends TwilioAdapter {
  readonly sent: Array<Partial<Activity>> = [];
  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]) {
    this.sent.push(...activities.map((a) => ({ ...a })));
    return activities.map((_, i) => ({ id: `out-${this.sent.length}-${i}` }));
  }
}

async function sending(kind: typeof TurnContext, activity: Partial<Activity>, act: (context: TurnContext) => Promise<unknown>) {
  const adapter = new Recording();
  const context = new kind(adapter, activity);
  const seen: string[] = [];
  context.onSendActivities(async (_ctx, activities, next) => {
    seen.push(`first:${activities.map((a) => a.text).join('|')}`);
    return next();
  });
  context.onSendActivities(async (_ctx, activities, next) => {
    // A handler may change what is sent, and skip the rest by not calling next.
    for (const a of activities) a.text = `${a.text}!`;
    if (activities.some((a) => a.text === 'secret!')) return [];
    seen.push('second');
    return next();
  });
  const returned = await act(context);
  return { returned, sent: adapter.sent, seen, responded: context.responded, buffered: context.bufferedReplyActivities, turnState: [...context.turnState.entries()].filter(([k]) => typeof k === 'symbol').length };
}

describe('NativeTurnContext: sending, as the library does', () => {
  const scenarios: Array<[string, Partial<Activity>, (c: TurnContext) => Promise<unknown>]> = [
    ['one text', inbound(), (c) => c.sendActivity('Hola')],
    ['a text with speech and a hint', inbound(), (c) => c.sendActivity('Hola', 'hola', 'expectingInput')],
    ['several activities, one a trace', inbound(), (c) => c.sendActivities([{ text: 'uno' }, { type: ActivityTypes.Trace, name: 't' }, { text: 'dos', id: 'dropped' }])],
    ['only a trace (not a reply)', inbound(), (c) => c.sendActivities([{ type: ActivityTypes.Trace, name: 't' }])],
    ['what a handler holds back', inbound(), (c) => c.sendActivity('secret')],
    ['a turn answered with its replies (ExpectReplies)', inbound({ deliveryMode: 'expectReplies' }), (c) => c.sendActivities([{ text: 'uno' }, { type: ActivityTypes.InvokeResponse, value: { status: 200 } }])],
  ];
  for (const [name, activity, act] of scenarios) {
    it(name, async () => {
      const library = await sending(TurnContext, activity, act);
      const native = await sending(NativeTurnContext, activity, act);
      expect(native).toEqual(library);
    });
  }

  it('fills in the conversation from the inbound activity and answers with the ids the adapter gave', async () => {
    const { sent, returned } = await sending(NativeTurnContext, inbound(), (c) => c.sendActivity('Hola'));
    expect(sent).toEqual([expect.objectContaining({ type: 'message', text: 'Hola!', from: { id: 'ruta', name: 'Ruta' }, recipient: { id: 'worker', name: '' }, replyToId: 'in-1', conversation: expect.objectContaining({ id: 'worker' }) })]);
    expect(returned).toEqual({ id: 'out-1-0' });
  });

  it('gives a context made from it the same handlers, as the library does', async () => {
    for (const kind of [TurnContext, NativeTurnContext]) {
      const adapter = new Recording();
      const first = new kind(adapter, inbound());
      first.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) a.text = `${a.text} (copied)`;
        return next();
      });
      await new kind(first).sendActivity('Hola');
      expect(adapter.sent.map((a) => a.text)).toEqual(['Hola (copied)']);
    }
  });

  it('passes on what a handler throws', async () => {
    for (const kind of [TurnContext, NativeTurnContext]) {
      const context = new kind(new Recording(), inbound());
      context.onSendActivities(() => {
        throw new Error('handler failed');
      });
      await expect(context.sendActivity('Hola')).rejects.toThrow('handler failed');
    }
  });
});

/** A dialog that writes down what the dialog context asks of it. */
class Step extends Dialog {
  constructor(
    id: string,
    private readonly log: string[],
    private readonly behaviour: { handles?: string; throws?: boolean } = {},
  ) {
    super(id);
  }
  override async beginDialog(_dc: DialogContext, options?: object): Promise<DialogTurnResult> {
    this.log.push(`${this.id}:begin:${JSON.stringify(options ?? null)}`);
    if (this.behaviour.throws) throw new Error(`${this.id} failed`);
    return Dialog.EndOfTurn;
  }
  override async resumeDialog(_dc: DialogContext, reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    this.log.push(`${this.id}:resume:${reason}:${JSON.stringify(result ?? null)}`);
    return Dialog.EndOfTurn;
  }
  override async repromptDialog(): Promise<void> {
    this.log.push(`${this.id}:reprompt`);
  }
  override async endDialog(_context: TurnContext, _instance: unknown, reason: DialogReason): Promise<void> {
    this.log.push(`${this.id}:end:${reason}`);
  }
  override async onDialogEvent(dc: DialogContext, e: { name: string; bubble: boolean; value?: unknown }): Promise<boolean> {
    this.log.push(`${this.id}:event:${e.name}`);
    if (this.behaviour.handles === e.name) return true;
    return super.onDialogEvent(dc, e);
  }
}

type MakeContext = (set: DialogSet, turn: TurnContext, state: DialogState) => DialogContext;
/** The library's own, the native class made with `new`, and a turn's (`forTurn`: its memory made when first used). */
const LIBRARY: MakeContext = (set, turn, state) => new DialogContext(set, turn, state);
const NATIVE: MakeContext = (set, turn, state) => new NativeDialogContext(set, turn, state);
const FOR_TURN: MakeContext = (set, turn, state) => NativeDialogContext.forTurn(set, turn, state);

async function dialogs(make: MakeContext, stack: string[], act: (dc: DialogContext) => Promise<unknown>, behaviour: Record<string, { handles?: string; throws?: boolean }> = {}) {
  const log: string[] = [];
  const set = new DialogSet();
  for (const id of ['a', 'b', 'c']) set.add(new Step(id, log, behaviour[id]));
  const turn = new TurnContext(new Recording(), inbound());
  const dc = make(set, turn, { dialogStack: stack.map((id) => ({ id, state: {} })) });
  let outcome: unknown;
  try {
    outcome = await act(dc);
  } catch (err) {
    outcome = err instanceof DialogContextError ? { error: 'DialogContextError', message: err.message, dialogContext: err.dialogContext } : { error: (err as Error).name, message: (err as Error).message };
  }
  return { outcome, log, stack: dc.stack.map((i) => i.id), lastResult: dc.state.getValue('turn.lastresult'), activity: dc.state.getValue<{ text?: string }>('turn.activity')?.text, services: [...dc.services.keys()] };
}

describe('NativeDialogContext: starting, ending and cancelling dialogs, as the library does', () => {
  const scenarios: Array<[string, string[], (dc: DialogContext) => Promise<unknown>, Record<string, { handles?: string; throws?: boolean }>?]> = [
    ['begins a dialog on top of the stack with its options', ['a'], (dc) => dc.beginDialog('b', { then: 'menu' })],
    ['refuses a dialog that does not exist', ['a'], (dc) => dc.beginDialog('nowhere')],
    ['wraps what a dialog throws with the stack it was thrown in', ['a'], (dc) => dc.beginDialog('c'), { c: { throws: true } }],
    ['ends the active dialog and resumes the one under it with the result', ['a', 'b'], (dc) => dc.endDialog({ done: 1 })],
    ['ends the last dialog: complete, with the result', ['a'], (dc) => dc.endDialog('finished')],
    ['replaces the active dialog', ['a', 'b'], (dc) => dc.replaceDialog('c', { again: true })],
    ['cancels every dialog, each after the first told as an event', ['a', 'b', 'c'], (dc) => dc.cancelAllDialogs()],
    ['stops cancelling at a dialog that handles the event', ['a', 'b', 'c'], (dc) => dc.cancelAllDialogs(false, 'custom', 42), { b: { handles: 'custom' } }],
    ['answers an empty stack with empty', [], (dc) => dc.cancelAllDialogs(true)],
    ['reprompts the active dialog', ['a', 'b'], (dc) => dc.repromptDialog()],
    ['does not reprompt when the event is handled', ['a', 'b'], (dc) => dc.repromptDialog(), { b: { handles: 'repromptDialog' } }],
    ['sends an event to the active dialog', ['a', 'b'], (dc) => dc.emitEvent('custom', 1, true, true)],
  ];
  for (const [name, stack, act, behaviour] of scenarios) {
    it(name, async () => {
      const library = await dialogs(LIBRARY, stack, act, behaviour);
      expect(await dialogs(NATIVE, stack, act, behaviour)).toEqual(library);
      expect(await dialogs(FOR_TURN, stack, act, behaviour)).toEqual(library);
    });
  }

  it('is checked against outcomes worth comparing', async () => {
    // The comparisons above would pass on two equally broken classes: a few outcomes, spelled out.
    expect(await dialogs(FOR_TURN, ['a', 'b'], (dc) => dc.endDialog({ done: 1 }))).toMatchObject({ outcome: Dialog.EndOfTurn, log: [`b:end:${DialogReason.endCalled}`, `a:resume:${DialogReason.endCalled}:{"done":1}`], stack: ['a'], lastResult: { done: 1 } });
    expect(await dialogs(FOR_TURN, ['a', 'b', 'c'], (dc) => dc.cancelAllDialogs())).toMatchObject({ outcome: { status: DialogTurnStatus.cancelled }, log: ['c:end:cancelCalled', 'b:event:cancelDialog', 'b:end:cancelCalled', 'a:event:cancelDialog', 'a:end:cancelCalled'], stack: [], lastResult: undefined });
    const failed = await dialogs(FOR_TURN, ['a'], (dc) => dc.beginDialog('c'), { c: { throws: true } });
    expect(failed.outcome).toEqual({ error: 'DialogContextError', message: 'c failed', dialogContext: { activeDialog: 'c', parent: undefined, stack: [{ id: 'a', state: {} }, { id: 'c', state: {} }] } });
  });

  it('makes a turn\'s memory only when it is used, with the turn\'s activity in it', async () => {
    const set = new DialogSet();
    const log: string[] = [];
    for (const id of ['a', 'b']) set.add(new Step(id, log));
    const turn = new TurnContext(new Recording(), inbound());
    const state: DialogState = { dialogStack: [{ id: 'a', state: {} }] };
    const dc = NativeDialogContext.forTurn(set, turn, state);
    expect(dc).toBeInstanceOf(DialogContext);
    expect(dc.stack).toBe(state.dialogStack);
    // Beginning a dialog reads no memory: none made yet.
    await dc.beginDialog('b');
    expect(Object.getOwnPropertyDescriptor(dc, 'state')).toBeUndefined();
    // Ending one writes its result to memory: made then, once, with the activity as the library writes it.
    await dc.endDialog('done');
    const made = Object.getOwnPropertyDescriptor(dc, 'state')?.value as unknown;
    expect(made).toBeInstanceOf(DialogStateManager);
    expect(dc.state).toBe(made);
    expect(dc.state.getValue('turn.lastresult')).toBe('done');
    expect(dc.state.getValue<{ text?: string }>('turn.activity')?.text).toBe(inbound().text);
    // An empty state gets its stack, as the library's constructor gives it.
    const empty: DialogState = {} as DialogState;
    expect(NativeDialogContext.forTurn(set, turn, empty).stack).toBe(empty.dialogStack);
    expect(empty.dialogStack).toEqual([]);
  });
});
