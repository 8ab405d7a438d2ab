import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChat } from '../../src/tools/chatSession.js';
import { AUTH_TOKEN, PUBLIC_URL, startTestApp, type TestApp } from '../support/testApp.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp('chat-tool');
});
afterAll(async () => {
  await app.close();
});

async function chat(lines: string[], options: { channel?: 'sms' | 'whatsapp'; token?: string } = {}) {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString()));
  await runChat({
    baseUrl: app.baseUrl,
    publicUrl: PUBLIC_URL,
    authToken: options.token ?? AUTH_TOKEN,
    from: '+18095559999',
    channel: options.channel ?? 'sms',
    input: Readable.from(lines.map((l) => l + '\n')),
    output,
    interactive: false,
  });
  return chunks.join('');
}

describe('npm run chat', () => {
  it('talks through the signed webhook and shows the SMS cost of each reply', async () => {
    const out = await chat(['Hola', '1', '/quit', 'never sent']);
    expect(out).toMatch(/ruta> Hola, soy Ruta/);
    expect(out).toMatch(/\[SMS: 3 segments, GSM-7, \d+ chars\]/);
    expect(out).toMatch(/ruta> Menu principal/);
    expect(out).not.toMatch(/never sent/);
  });

  it('shows WhatsApp replies without SMS costs', async () => {
    const out = await chat(['Hi'], { channel: 'whatsapp' });
    expect(out).toMatch(/\*What I keep:\*/);
    expect(out).not.toMatch(/\[SMS:/);
  });

  it('explains a rejected signature', async () => {
    expect(await chat(['Hola'], { token: 'wrong' })).toMatch(/\[HTTP 403\] signature rejected/);
  });
});
