import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotAdapter, TurnContext } from '../../src/bot/botbuilderCore.js';
import { Dialog, DialogContext } from '../../src/bot/dialogMachinery.js';
import { TwilioAdapter } from '../../src/channels/twilio/TwilioAdapter.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

// botbuilder's async methods are compiled to generator functions, one made per call, and under
// load each kept its whole turn alive through young collections (src/bot/nativeAsync.ts). A
// Twilio turn uses Ruta's native versions: this runs whole conversations and counts every call
// of the library's generator methods on the classes a turn uses.

const classes = { BotAdapter, TurnContext, DialogContext, Dialog } as Record<string, { prototype: object }>;
const calls = new Map<string, number>();
const restore: Array<() => void> = [];
/** Every method of those classes compiled to `__awaiter(…, function* …)`. */
const generatorMethods: string[] = [];
for (const [name, cls] of Object.entries(classes)) {
  const proto = cls.prototype as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    const original = descriptor?.value;
    if (typeof original !== 'function' || !/__awaiter\(/.test(String(original))) continue;
    const label = `${name}.${key}`;
    generatorMethods.push(label);
    proto[key] = function (this: unknown, ...args: unknown[]) {
      calls.set(label, (calls.get(label) ?? 0) + 1);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    restore.push(() => (proto[key] = original));
  }
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('turn-methods');
});
afterAll(async () => {
  for (const undo of restore) undo();
  await app.close();
});

describe("a Twilio turn runs none of botbuilder's generator-compiled methods", () => {
  it('knows which methods those are (the ones a turn would call)', () => {
    for (const method of ['BotAdapter.runMiddleware', 'TurnContext.sendActivity', 'DialogContext.beginDialog', 'DialogContext.endDialog', 'DialogContext.replaceDialog', 'DialogContext.cancelAllDialogs', 'DialogContext.repromptDialog', 'DialogContext.emitEvent', 'Dialog.endDialog', 'Dialog.onDialogEvent']) {
      expect(generatorMethods).toContain(method);
    }
  });

  it('counts a call of one of them (so a count of none means none)', async () => {
    calls.clear();
    await new TurnContext(new TwilioAdapter(), { type: 'message', text: 'x', conversation: { id: 'c', isGroup: false, name: '', conversationType: 'sms' } }).sendActivity('y').catch(() => undefined);
    expect(calls.get('TurnContext.sendActivity')).toBe(1);
  });

  it('through a route, a pre-screen, going back, help, the menu and starting over', async () => {
    calls.clear();
    const from = '+18095550188';
    const lines = ['Hola', '1', '1', '1', 'albañil', '1', 'atrás', '1', '1', '8', '1', '1', '1', '1', '2', '1', '3', '1', '1', '1', 'AYUDA', 'MENU', '1', 'MENU'];
    const replies = await app.chat(from, lines);
    for (const reply of replies) {
      expect(reply.messages.length).toBeGreaterThan(0);
      expect(text(reply)).not.toMatch(/algo sali/i);
    }
    expect(text(replies[4]!)).toMatch(/alba/i);
    expect(Object.fromEntries(calls)).toEqual({});
  });

  it('in Creole, and when a worker erases their data', async () => {
    calls.clear();
    const replies = await app.chat('+18095550189', ['Bonjou', '1', 'BORRAR', '1']);
    for (const reply of replies) expect(reply.messages.length).toBeGreaterThan(0);
    expect(Object.fromEntries(calls)).toEqual({});
  });
});
