import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCRIPT } from '../../src/tools/bench/run.js';
import { startTestApp, text, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('benchscript');
});
afterAll(async () => {
  await app.close();
});

// `npm run bench` drives every server with this script; if the dialogs change, it must still be
// the journey it claims (from "Hola" through a route answer and a full pre-screen), not 21 re-asks.
it("the benchmark's 21-turn script is a real journey: privacy, route answer, every pre-screen statement, the result", async () => {
  expect(SCRIPT).toHaveLength(21);
  const replies = (await app.chat('+18095550199', SCRIPT)).map(text);
  expect(replies[5]).toMatch(/Albañil en Republica Dominicana: certifica INFOTEP/);
  expect(replies[9]).toMatch(/\(1\/7\)/);
  expect(replies[15]).toMatch(/\(7\/7\)/);
  expect(replies[16]).toMatch(/Resultado para Albañil/);
  expect(replies.filter((r) => /no entend/i.test(r))).toEqual([]);
});
