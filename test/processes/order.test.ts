import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/store/TurnLock.js';
import { newMessageSid } from '../../src/tools/twilioClient.js';
import { childEnv, startChild, type ChildServer } from '../support/childServer.js';
import { testRedis } from '../support/redis.js';

// Two real server processes on one Redis. A sender's messages must be answered in the order they
// arrived, whichever process received them: the place in line is taken on arrival, in the same
// Redis step as the de-duplication, before anything else is awaited.
let a: ChildServer;
let b: ChildServer;
let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('order');
  const vars = childEnv(env.prefix);
  [a, b] = await Promise.all([startChild(vars), startChild(vars)]);
  // Timing is measured below: both processes first finish their start-up work and answer once.
  await Promise.all([a.warmed, b.warmed]);
  await Promise.all([a.send('+18095550001', 'Hola'), b.send('+18095550002', 'Hola')]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await env.cleanup();
});

const SPACING_MS = Number(process.env.ORDER_SPACING_MS ?? 0);
const BURSTS = Number(process.env.ORDER_BURSTS ?? 5);
const MARGIN_MS = 3;

interface Turn {
  sent: number;
  ticket: number;
  arrived: number;
  held: number;
}

/**
 * Messages whose turn ran after the turn of a message that arrived later. Arrivals closer than
 * `simultaneous` ms have no order to keep: two processes read them at the same moment, and the
 * operating system may pause either for a moment before its ticket reaches Redis.
 */
function outOfOrder(turns: Turn[], simultaneous = MARGIN_MS, explain = true): number {
  let late = 0;
  for (const t of turns) {
    const overtaken = turns.filter((u) => u.arrived > t.arrived + simultaneous && u.held < t.held);
    if (overtaken.length === 0) continue;
    late++;
    if (explain) process.stdout.write(`order: message ${t.sent} (ticket ${t.ticket}, arrived ${t.arrived.toFixed(3)}) ran after ${overtaken.map((u) => `${u.sent} (ticket ${u.ticket}, arrived +${(u.arrived - t.arrived).toFixed(3)} ms)`).join(', ')}\n`);
  }
  return late;
}

/** One burst: 40 messages of a new sender sent at once to alternating processes; its turns as logged. */
async function burst(): Promise<Turn[]> {
  const from = `+1809${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
  await a.chat(from, ['Hola', '1']);
  const sids = Array.from({ length: 40 }, () => newMessageSid());
  const replies = await Promise.all(
    sids.map(async (sid, i) => {
      await sleep(SPACING_MS * i);
      return (i % 2 === 0 ? a : b).send(from, 'xyzzy', { messageSid: sid });
    }),
  );
  expect(replies.every((r) => r.status === 200 && r.messages.length === 1)).toBe(true);
  const logs = [...a.logs, ...b.logs].filter((l) => l.event === 'turn_done');
  const turns: Turn[] = sids.map((sid, i) => {
    const line = logs.find((l) => l.msg === sid.slice(-8));
    if (!line || typeof line.arrived !== 'number' || typeof line.held !== 'number') throw new Error(`no turn logged for message ${i}`);
    return { sent: i, ticket: Number(line.ticket), arrived: line.arrived, held: line.held };
  });
  // Each message took its own turn (a line that empties mid-burst starts again at ticket 1, so
  // ticket numbers may repeat; the moments the lock was taken may not).
  expect(new Set(turns.map((t) => t.held)).size).toBe(40);
  return turns;
}

describe('order of one sender\'s messages across two processes', () => {
  it(`runs ${BURSTS} bursts of 40 messages sent at once to alternating processes in the order they arrived`, async () => {
    let late = 0;
    let total = 0;
    const margins = new Map<number, number>();
    // The operating system may pause a process for a few ms between reading a message and
    // taking its ticket (2 cores, 4 busy processes): 0 to 3 in 200 are that, not the code, and once
    // in CI a loaded moment gave 5 (pauses of 3 to 7.6 ms). At most 2 % is allowed; when the first
    // 200 are over, 200 more are measured and the 2 % asked of all 400, so a moment's noise does
    // not fail the run and the regression this guards against does (with the ticket taken one
    // round trip after arrival, as before, it was 14 to 21 in 200 here).
    const measure = async () => {
      for (let i = 0; i < BURSTS; i++) {
        const turns = await burst();
        late += outOfOrder(turns);
        total += 40;
        for (const m of [1, 2, 3, 5, 8]) margins.set(m, (margins.get(m) ?? 0) + outOfOrder(turns, m, false));
      }
    };
    await measure();
    if (late > total * 0.02) await measure();
    process.stdout.write(`order: ${late}/${total} messages ran after a message that arrived ${MARGIN_MS} ms or more later (two processes; by margin: ${[...margins].map(([m, n]) => `${m} ms ${n}`).join(', ')})\n`);
    expect(late).toBeLessThanOrEqual(total * 0.02);
  }, 120_000);
});
