import { TEST_ACCOUNT_SID } from '../../src/tools/twilioClient.js';
import { text, type TestApp } from './testApp.js';

export { TEST_ACCOUNT_SID };

/** Consent, main menu → appointments, country confirmed, construction → mason, a town, the first slot, no name, confirm. */
export const BOOK_MASON_ES = (town = 'santo domingo') => ['Hola', '1', '3', '1', '1', '1', town, '1', '0', '1'];

/** Books through the conversation and returns the booking code from the confirmation. */
export async function bookByChat(app: TestApp, from: string, lines: string[], channel: 'sms' | 'whatsapp' = 'sms'): Promise<{ code: string; replies: string[] }> {
  const replies = (await app.chat(from, lines, { channel })).map(text);
  const last = replies[replies.length - 1] ?? '';
  const code = /(?:Codigo|Código|Code|Kòd): \*?([A-Z0-9]{6})/.exec(last)?.[1];
  if (!code) throw new Error(`no booking code in: ${last}`);
  return { code, replies };
}
