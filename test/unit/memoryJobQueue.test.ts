import { describe, expect, it } from 'vitest';
import { NotDueError, PermanentJobError, type JobName } from '../../src/jobs/JobQueue.js';
import { MemoryJobQueue } from '../../src/jobs/MemoryJobQueue.js';
import { LocalOutbox } from '../../src/notify/LocalOutbox.js';
import { createLogger } from '../../src/log.js';

const log = createLogger('silent');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MemoryJobQueue (quick start)', () => {
  it('runs jobs after their delay, once per id, retries failures with back-off and stops at permanent errors', async () => {
    const q = new MemoryJobQueue({ attempts: 3, backoffMs: 10 }, log);
    const runs: Array<[JobName, unknown, number]> = [];
    q.start(async (name, data, attempt) => {
      runs.push([name, data, attempt]);
      if (data === 'flaky' && attempt < 3) throw new Error('twilio 500');
      if (data === 'refused') throw new PermanentJobError('21211');
    });
    await q.add({ name: 'reminder', id: 'a', data: 'ok', delayMs: 30 });
    await q.add({ name: 'reminder', id: 'a', data: 'ok', delayMs: 0 }); // same id: ignored
    await q.add({ name: 'notice', id: 'b', data: 'flaky', delayMs: 0 });
    await q.add({ name: 'notice', id: 'c', data: 'refused', delayMs: 0 });
    await wait(15);
    expect(runs.filter(([, d]) => d === 'ok')).toEqual([]);
    await wait(80);
    expect(runs.filter(([, d]) => d === 'ok')).toEqual([['reminder', 'ok', 1]]);
    expect(runs.filter(([, d]) => d === 'flaky').map(([, , a]) => a)).toEqual([1, 2, 3]);
    expect(runs.filter(([, d]) => d === 'refused')).toHaveLength(1);
    await q.close();
  });

  it('runs an early job again when it is due, and never runs a removed one', async () => {
    const q = new MemoryJobQueue({ attempts: 3, backoffMs: 10 }, log);
    const due = Date.now() + 40;
    const ran: string[] = [];
    q.start(async (_name, data) => {
      if (data === 'early' && Date.now() < due) throw new NotDueError(due - Date.now());
      ran.push(String(data));
    });
    await q.add({ name: 'reminder', id: 'early', data: 'early', delayMs: 0 });
    await q.add({ name: 'reminder', id: 'gone', data: 'gone', delayMs: 20 });
    await q.remove('gone');
    await wait(100);
    expect(ran).toEqual(['early']);
    await q.close();
  });
});

describe('LocalOutbox', () => {
  it('keeps messages instead of sending them, with Twilio-shaped SIDs', async () => {
    const outbox = new LocalOutbox();
    const { sid } = await outbox.send({ to: '+18095550100', from: '+15005550006', body: 'hola' });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(outbox.sent).toMatchObject([{ to: '+18095550100', body: 'hola', sid }]);
  });
});
