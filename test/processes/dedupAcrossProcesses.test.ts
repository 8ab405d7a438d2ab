import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RutaBot } from '../../src/bot/RutaBot.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { newMessageSid } from '../../src/tools/twilioClient.js';
import { childEnv, startChild, type ChildServer } from '../support/childServer.js';
import { eventually } from '../support/fakeTwilio.js';
import { testRedis, stateJson } from '../support/redis.js';
import { SECRET, text } from '../support/testApp.js';

// Two real server processes (`node dist/src/main.js`), each with its own Redis connections, on one
// Redis. Twilio re-delivers a webhook it believes failed — perhaps to the other process behind the
// load balancer, perhaps while the first delivery is still running — and a worker may write twice
// before the first answer. Each MessageSid must run one turn, once, and a sender's turns must run
// one after the other, each seeing what the previous one wrote, whichever process got them.
let a: ChildServer;
let b: ChildServer;
let env: Awaited<ReturnType<typeof testRedis>>;
beforeAll(async () => {
  env = await testRedis('dedup-processes');
  const vars = childEnv(env.prefix);
  [a, b] = await Promise.all([startChild(vars), startChild(vars)]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a?.kill(), b?.kill()]);
  await env?.cleanup();
});

let n = 0;
const phone = () => `+1829${String(3_000_000 + ++n)}`;

/** The sender's dialog stack as stored in Redis (botbuilder keeps the active dialog last). */
async function stackOf(from: string): Promise<Array<{ id: string; state: { misses?: number } }>> {
  const key = `${env.prefix}state:${RutaBot.conversationKey('sms', pseudonymize(SECRET, from))}`;
  const stored = await stateJson(env.redis, key);
  if (!stored) throw new Error(`no conversation stored for ${from}`);
  return (JSON.parse(stored) as { dialogState: { dialogStack: Array<{ id: string; state: { misses?: number } }> } }).dialogState.dialogStack;
}

/** The log lines `event` a process wrote about one message (logged by the last 8 characters of its MessageSid). */
const logged = (child: ChildServer, event: string, sid: string) => child.logs.filter((l) => l.event === event && l.msg === sid.slice(-8));

describe('de-duplication across two server processes', () => {
  it('runs a MessageSid re-delivered to the other process only once', async () => {
    const from = phone();
    await a.send(from, 'Hola'); // the privacy question
    const sid = newMessageSid();
    const first = await a.send(from, '1', { messageSid: sid });
    const again = await b.send(from, '1', { messageSid: sid });
    expect(text(first)).toMatch(/Menu principal/);
    expect(again.status).toBe(200);
    expect(again.messages).toEqual([]);
    // The other process saw it as a duplicate and ran no turn for it.
    await eventually(() => logged(b, 'twilio_duplicate_dropped', sid).length === 1);
    expect(logged(b, 'turn_done', sid)).toEqual([]);
    // A second '1' would have been read at the main menu and opened the route dialog.
    expect((await stackOf(from)).map((d) => d.id)).toEqual(['menu']);
  });

  it('runs each MessageSid once when both processes receive it at the same moment', async () => {
    const from = phone();
    await a.chat(from, ['Hola', '1']); // the main menu
    // Ten messages, each delivered to both processes at once: twenty requests in flight together.
    const sids = Array.from({ length: 10 }, () => newMessageSid());
    const pairs = await Promise.all(sids.map((sid) => Promise.all([a.send(from, 'xyzzy', { messageSid: sid }), b.send(from, 'xyzzy', { messageSid: sid })])));
    for (const pair of pairs) {
      expect(pair.map((r) => r.status)).toEqual([200, 200]);
      // One delivery of each pair answered, the other was dropped silently.
      expect(pair.map((r) => r.messages.length).sort()).toEqual([0, 1]);
    }
    for (const sid of sids) {
      await eventually(() => [a, b].flatMap((c) => logged(c, 'turn_done', sid)).length === 1 && [a, b].flatMap((c) => logged(c, 'twilio_duplicate_dropped', sid)).length === 1);
    }
    // Exactly ten turns ran, each on the previous one's state: the menu counted ten replies it did not understand.
    const stack = await stackOf(from);
    expect(stack.map((d) => d.id)).toEqual(['menu']);
    expect(stack[0]!.state.misses).toBe(10);
  });
});

describe('one sender\'s turns across two server processes', () => {
  it('answers two messages sent at the same time to different processes one after the other', async () => {
    // Five senders at once, each writing '1' to both processes together while at the main menu.
    const senders = Array.from({ length: 5 }, () => phone());
    await Promise.all(senders.map((from) => a.chat(from, ['Hola', '1'])));
    const results = await Promise.all(
      senders.map(async (from) => {
        const sids = [newMessageSid(), newMessageSid()];
        const replies = await Promise.all([a.send(from, '1', { messageSid: sids[0] }), b.send(from, '1', { messageSid: sids[1] })]);
        return { from, sids, replies };
      }),
    );
    for (const { from, sids, replies } of results) {
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      // Whichever ran first opened the route dialog ("are you in the Dominican Republic?"); the
      // other saw that and answered "yes" to it. Two turns on the same stale state would both
      // have asked the first question.
      const texts = replies.map(text);
      expect(texts.filter((t) => /¿Estas ahora en Republica Dominicana\?/.test(t))).toHaveLength(1);
      expect(texts.filter((t) => /¿Cual es tu oficio\?/.test(t))).toHaveLength(1);
      expect((await stackOf(from)).map((d) => d.id)).toEqual(['menu', 'route']);
      // Each process ran the turn it received, and the sender's lock put them in line: neither
      // turn had to be run again after a conflicting write.
      await eventually(() => logged(a, 'turn_done', sids[0]!).length === 1 && logged(b, 'turn_done', sids[1]!).length === 1);
      const user = pseudonymize(SECRET, from).slice(0, 8);
      expect([...a.logs, ...b.logs].filter((l) => l.event === 'turn_conflict_retry' && l.user === user)).toEqual([]);
    }
  });

  it('keeps state consistent under a burst from one sender split between the two processes', async () => {
    const from = phone();
    await a.chat(from, ['Hola', '1']);
    const sids = Array.from({ length: 16 }, () => newMessageSid());
    const replies = await Promise.all(sids.map((sid, i) => (i % 2 ? b : a).send(from, 'xyzzy', { messageSid: sid })));
    for (const r of replies) {
      expect(r.status).toBe(200);
      expect(r.messages).toHaveLength(1);
    }
    // Each process ran its eight turns…
    await eventually(() => sids.every((sid, i) => logged(i % 2 ? b : a, 'turn_done', sid).length === 1));
    // …and every turn saw the previous one's write: no count was lost.
    const stack = await stackOf(from);
    expect(stack.map((d) => d.id)).toEqual(['menu']);
    expect(stack[0]!.state.misses).toBe(16);
  });
});
