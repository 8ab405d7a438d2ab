import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RutaBot } from '../../src/bot/RutaBot.js';
import { twilioSignature } from '../../src/channels/twilio/signature.js';
import { pseudonymize } from '../../src/privacy/pseudonym.js';
import { newMessageSid, TEST_ACCOUNT_SID } from '../../src/tools/twilioClient.js';
import { stateJson } from '../support/redis.js';
import { AUTH_TOKEN, PUBLIC_URL, SECRET, startTestApp, type TestApp } from '../support/testApp.js';

// Twilio redelivers status callbacks (issue 9, finding 10): each (MessageSid, MessageStatus) is
// counted once, over real HTTP against real Redis. Before the fix every delivery of the same
// callback incremented stats/delivery_failed/<code> again and marked the opt-out again.

/** Friday 20 November 2026, 15:00 UTC: no test depends on today's date. */
const NOW = new Date('2026-11-20T15:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('status-callbacks', {}, undefined, { now: () => NOW });
});
afterAll(async () => {
  await app?.close();
});

let n = 0;
const phone = () => `+1809${String(4000000 + ++n)}`;

/** POSTs a status callback signed like Twilio; the same `params` give the same callback. */
const deliver = async (params: Record<string, string>) => {
  const body = { AccountSid: TEST_ACCOUNT_SID, ...params };
  const res = await fetch(`${app.baseUrl}/twilio/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/status`, body) },
    body: new URLSearchParams(body).toString(),
  });
  return res.status;
};
const failures = async (code: number) => Number((await app.redis.get(`${app.prefix}stats/delivery_failed/${code}`)) ?? 0);
const logged = (event: string) => app.logs.filter((line) => (JSON.parse(line) as { event: string }).event === event).length;
const errors = () => app.logs.filter((line) => (JSON.parse(line) as { level: string }).level === 'error');
const session = async (from: string) => {
  const v = await stateJson(app.redis, `${app.prefix}state:${RutaBot.conversationKey('sms', pseudonymize(SECRET, from))}`);
  return v ? (JSON.parse(v) as { session: { optedOut?: string } }).session : undefined;
};

describe('POST /twilio/status de-duplicated per MessageSid and MessageStatus', () => {
  it('counts the same undelivered callback delivered 3 times once, and a later "failed" of the same message again', async () => {
    const before = await failures(30003);
    const callback = { MessageSid: newMessageSid(), MessageStatus: 'undelivered', ErrorCode: '30003', To: phone() };
    expect([await deliver(callback), await deliver(callback), await deliver(callback)]).toEqual([204, 204, 204]);
    expect(await failures(30003)).toBe(before + 1);

    expect(await deliver({ ...callback, MessageStatus: 'failed' })).toBe(204);
    expect(await failures(30003)).toBe(before + 2);
    expect(await deliver({ ...callback, MessageStatus: 'failed' })).toBe(204);
    expect(await failures(30003)).toBe(before + 2);
  });

  it('counts once when the redeliveries arrive at the same time', async () => {
    const before = await failures(30005);
    const callback = { MessageSid: newMessageSid(), MessageStatus: 'undelivered', ErrorCode: '30005', To: phone() };
    expect(await Promise.all(Array.from({ length: 5 }, () => deliver(callback)))).toEqual([204, 204, 204, 204, 204]);
    expect(await failures(30005)).toBe(before + 1);
  });

  it('still counts two different messages that fail with the same code', async () => {
    const before = await failures(30006);
    const to = phone();
    expect(await deliver({ MessageSid: newMessageSid(), MessageStatus: 'undelivered', ErrorCode: '30006', To: to })).toBe(204);
    expect(await deliver({ MessageSid: newMessageSid(), MessageStatus: 'undelivered', ErrorCode: '30006', To: to })).toBe(204);
    expect(await failures(30006)).toBe(before + 2);
  });

  it('marks an opt-out (21610) delivered twice once, without an error', async () => {
    const from = phone();
    expect((await app.chat(from, ['Hola', '1'])).every((r) => r.status === 200 && r.messages.length > 0)).toBe(true);
    const optedOutBefore = logged('opted_out_by_twilio');
    const callback = { MessageSid: newMessageSid(), MessageStatus: 'failed', ErrorCode: '21610', To: from };
    expect([await deliver(callback), await deliver(callback)]).toEqual([204, 204]);
    expect(await failures(21610)).toBe(1);
    expect(logged('opted_out_by_twilio') - optedOutBefore).toBe(1);
    expect((await session(from))?.optedOut).toBe('twilio');
    // Twilio blocks every message to that number: Ruta stays silent.
    expect((await app.send(from, 'hola')).messages).toEqual([]);
    expect(errors()).toEqual([]);
  });
});
