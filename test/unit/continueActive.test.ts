import { describe, expect, it } from 'vitest';
import { TurnContext } from '../../src/bot/botbuilderCore.js';
import { Dialog, DialogContext, DialogSet, DialogTurnStatus, type DialogTurnResult } from '../../src/bot/dialogMachinery.js';
import { continueActive } from '../../src/bot/RutaBot.js';
import { TwilioAdapter } from '../../src/channels/twilio/TwilioAdapter.js';

/** A dialog that writes down what botbuilder-dialogs asks of it. */
class Recording extends Dialog {
  readonly events: string[] = [];
  readonly continued: DialogContext[] = [];
  override async beginDialog(): Promise<DialogTurnResult> {
    return Dialog.EndOfTurn;
  }
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    this.continued.push(dc);
    return { status: DialogTurnStatus.waiting, result: 'answered' };
  }
  override async onDialogEvent(dc: DialogContext, e: { name: string; bubble: boolean; value?: unknown }): Promise<boolean> {
    this.events.push(e.name);
    return super.onDialogEvent(dc, e);
  }
}

function contextWith(stack: Array<{ id: string; state: object }>) {
  const dialog = new Recording('recording');
  const set = new DialogSet().add(dialog);
  const turn = new TurnContext(new TwilioAdapter(), { type: 'message', text: '1', channelId: 'sms', conversation: { id: 'c', isGroup: false, name: '', conversationType: 'sms' } });
  return { dialog, dc: new DialogContext(set, turn, { dialogStack: stack }) };
}

describe('continueActive', () => {
  it('continues the dialog on top of the stack with the same context and gives back its result', async () => {
    const { dialog, dc } = contextWith([{ id: 'recording', state: {} }]);
    const result = await continueActive(dc);
    expect(dialog.continued).toEqual([dc]);
    expect(result).toEqual({ status: DialogTurnStatus.waiting, result: 'answered' });
  });

  it("sends no 'activityReceived' event up the stack, where the library's continueDialog does", async () => {
    const direct = contextWith([{ id: 'recording', state: {} }]);
    await continueActive(direct.dc);
    expect(direct.dialog.events).toEqual([]);
    // What it leaves out: the library's own call emits the event first (so this test can tell).
    const library = contextWith([{ id: 'recording', state: {} }]);
    await library.dc.continueDialog();
    expect(library.dialog.events).toEqual(['activityReceived']);
    expect(library.dialog.continued).toHaveLength(1);
  });

  it('answers an empty stack with the status empty, as the library does', async () => {
    const { dialog, dc } = contextWith([]);
    expect(await continueActive(dc)).toEqual({ status: DialogTurnStatus.empty });
    expect(dialog.continued).toEqual([]);
  });

  it('refuses a stack whose dialog does not exist', async () => {
    const { dc } = contextWith([{ id: 'gone', state: {} }]);
    await expect(continueActive(dc)).rejects.toThrow(/no dialog with the id 'gone'/);
  });
});
