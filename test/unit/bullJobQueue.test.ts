import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullJobQueue, jobQueuePrefix } from '../../src/jobs/BullJobQueue.js';
import { createLogger } from '../../src/log.js';
import { keysUnder, testRedis } from '../support/redis.js';

// BullMQ loads a moment after start (issue 13: start-up), or with the first job added; jobs added
// before its worker runs wait in Redis and run once it does. Real Redis, each test its own prefix.

const log = createLogger('silent');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('bull-lazy');
});
afterAll(async () => {
  await env?.cleanup();
});

describe('BullJobQueue started later', () => {
  it('runs a job added before its worker started, only once the worker starts', async () => {
    // The worker is due a whole second after start(): adding a job (which loads BullMQ) takes a
    // fraction of that even on a loaded CI machine, so the job is surely queued before any worker.
    const delayMs = 1_000;
    const q = new BullJobQueue(env.redis, jobQueuePrefix(env.redis, `${env.prefix}a:`), { attempts: 1, backoffMs: 10 }, log, { workerStartDelayMs: delayMs });
    const ran: Array<[string, unknown, number]> = [];
    const startedAt = Date.now();
    q.start(async (name, data) => void ran.push([name, data, Date.now() - startedAt]));
    try {
      expect(q.started).toBe(false);
      await q.add({ name: 'notice', id: 'early-1', data: { n: 1 }, delayMs: 0 });
      // The premise, checked rather than assumed: the job was added before the worker was due.
      expect(Date.now() - startedAt).toBeLessThan(delayMs);
      // Queued in Redis (the queue loaded with the job), not run: no worker yet.
      expect(q.started).toBe(false);
      expect(ran).toEqual([]);
      expect((await keysUnder(env.redis, `${env.prefix}a:`)).length).toBeGreaterThan(0);
      for (let i = 0; i < 100 && ran.length === 0; i++) await wait(50);
      expect(q.started).toBe(true);
      expect(ran.map(([name, data]) => [name, data])).toEqual([['notice', { n: 1 }]]);
      // A job due at once ran only when the worker started, not when it was added.
      expect(ran[0]![2]).toBeGreaterThanOrEqual(delayMs);
    } finally {
      await q.close();
    }
  });

  it('closes at once before its worker started: the worker never starts, and adding is refused', async () => {
    const q = new BullJobQueue(env.redis, jobQueuePrefix(env.redis, `${env.prefix}b:`), { attempts: 1, backoffMs: 10 }, log, { workerStartDelayMs: 200 });
    const ran: unknown[] = [];
    q.start(async (_name, data) => void ran.push(data));
    const closing = Date.now();
    await q.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
    await wait(400);
    expect(q.started).toBe(false);
    expect(ran).toEqual([]);
    await expect(q.add({ name: 'notice', id: 'late', data: 1, delayMs: 0 })).rejects.toThrow(/closed/);
    // Nothing of the queue was ever written.
    expect(await keysUnder(env.redis, `${env.prefix}b:`)).toEqual([]);
  });
});
