import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/fakeTwilio.js';
import { childEnv, startChild } from '../support/childServer.js';
import { testRedis } from '../support/redis.js';
import { text } from '../support/testApp.js';

// A process dies (SIGKILL) in the middle of a worker's turn, holding that worker's lock. The next
// message, answered by another process, must not wait for a long lease nor hear "still answering":
// the lease is short (TURN_LEASE_MS, 3 s) and renewed only while the turn runs.
let env: Awaited<ReturnType<typeof testRedis>>;
let model: { server: Server; url: string; calls: number };

beforeAll(async () => {
  env = await testRedis('lockout');
  // An OpenAI-compatible model that never answers: the turn that asks it is still running when its process dies.
  const state = { calls: 0 };
  const server = createServer((req) => {
    if (req.url?.endsWith('/chat/completions')) state.calls++;
    // No answer, ever.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  model = Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
});
afterAll(async () => {
  model.server.closeAllConnections();
  await new Promise<void>((resolve) => model.server.close(() => resolve()));
  await env.cleanup();
});

describe('a sender whose turn died with its process', () => {
  it('is answered by another process within about one lease, without "still answering"', async () => {
    const withModel = childEnv(env.prefix, { LLM_MODEL: 'openai:gpt-4o-mini', OPENAI_BASE_URL: model.url, OPENAI_API_KEY: 'sk-test', LLM_TIMEOUT_MS: '10000' });
    const [dying, other] = await Promise.all([startChild(withModel), startChild(childEnv(env.prefix))]);
    try {
      const from = `+1809${String(6_100_000 + Math.floor(Math.random() * 800_000))}`;
      await dying.chat(from, ['Hola', '1']); // privacy accepted: the main menu
      // A description of work at the menu is read by the model, which hangs: the turn holds the lock.
      const hanging = dying.send(from, 'trabajo de albañil hace 8 años').catch(() => 'connection lost');
      await eventually(() => model.calls > 0, 10_000);
      dying.process.kill('SIGKILL');
      expect(await dying.exited).toBe('SIGKILL');
      expect(await hanging).toBe('connection lost');

      const started = performance.now();
      const reply = await other.send(from, 'menu');
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`lockout: answered ${seconds.toFixed(2)} s after the crash (lease ${3} s)\n`);
      expect(text(reply)).toMatch(/Menu principal/);
      expect(text(reply)).not.toMatch(/Todav(í|i)a estoy respondiendo/);
      expect(seconds).toBeLessThan(5);
      // And the line is free again: the next message is answered at once.
      const next = performance.now();
      expect(text(await other.send(from, '1'))).toMatch(/Est(á|a)s ahora en Rep/);
      expect(performance.now() - next).toBeLessThan(1000);
    } finally {
      await Promise.all([dying.kill(), other.kill()]);
    }
  }, 60_000);
});
