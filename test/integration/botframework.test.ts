import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('botframework');
});
afterAll(async () => {
  await app.close();
});

/** An activity as the Emulator / Web Chat sends it, asking for the replies in the response body. */
const post = async (text: string, user = 'emulator-user-1') => {
  const res = await fetch(`${app.baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `act-${Math.random()}`,
      channelId: 'emulator',
      serviceUrl: 'http://localhost:9',
      deliveryMode: 'expectReplies',
      from: { id: user, name: 'User' },
      recipient: { id: 'ruta', name: 'Ruta' },
      conversation: { id: `conv-${user}` },
      text,
    }),
  });
  const body = res.status === 200 ? ((await res.json()) as { activities?: Array<{ text?: string }> }) : undefined;
  return { status: res.status, texts: (body?.activities ?? []).map((a) => a.text ?? '') };
};

describe('POST /api/messages (Bot Framework)', () => {
  it('answers the Emulator anonymously in development, with the same bot as SMS and WhatsApp (its own conversations)', async () => {
    const greet = await post('Hello');
    expect(greet.status).toBe(200);
    expect(greet.texts.join('\n')).toMatch(/\*What I keep:\*/);
    const menu = await post('1');
    expect(menu.texts.join('\n')).toMatch(/Main menu/);
    // This channel has no line of its own per turn: the bot logs where each turn left the worker.
    const turns = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'turn' && l.channel === 'chat');
    expect(turns.slice(-2).map((l) => [l.step, l.language])).toEqual([['start.consent', 'en'], ['menu.main', 'en']]);
  });

  it('answers 400 to a malformed activity', async () => {
    const res = await fetch(`${app.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
    expect(res.status).toBe(400);
  });

  it('rejects unauthenticated requests once an app id is configured', async () => {
    const secured = await startTestApp('botframework-auth', { MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'x' });
    try {
      const res = await fetch(`${secured.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: 'http://localhost:9', from: { id: 'u' }, conversation: { id: 'c' }, recipient: { id: 'r' }, text: 'hi' }),
      });
      expect(res.status).toBe(401);
    } finally {
      await secured.close();
    }
  });
});
