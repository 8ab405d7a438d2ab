import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

// botbuilder-dialogs' state manager builds its memory scopes from every registered component
// unless the turn already holds them. RutaBot makes them on the first turn and hands them to the
// later ones (issue 13): built once per process, not once per turn, and the dialogs still work.

const require = createRequire(import.meta.url);
const { DialogsComponentRegistration } = require('botbuilder-dialogs/lib/dialogsComponentRegistration.js') as {
  DialogsComponentRegistration: { prototype: { getMemoryScopes(): unknown[] } };
};

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('dialog-state');
});
afterAll(async () => {
  await app?.close();
});

it('builds the dialogs\' memory scopes once for all turns of all senders', async () => {
  const built = vi.spyOn(DialogsComponentRegistration.prototype, 'getMemoryScopes');
  const first = await app.chat('+18095550111', ['Hola', '1', '1']);
  const second = await app.chat('+18095550112', ['Hola', '1']);
  expect(text(first[1]!)).toMatch(/Menu principal/);
  expect(text(second[1]!)).toMatch(/Menu principal/);
  expect(first[2]!.messages.length).toBeGreaterThan(0);
  // Five turns; the first of this app's turns may build them, none after it.
  expect(built.mock.calls.length).toBeLessThanOrEqual(1);
});
