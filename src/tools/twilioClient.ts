import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../channels/twilio/signature.js';

/**
 * Sends a message to Ruta exactly as Twilio would: form-encoded, signed with the auth token
 * over the public URL. Used by `npm run chat`, the console's simulator and the tests.
 *
 * @example await sendAsTwilio({ baseUrl, publicUrl: baseUrl, authToken, from: '+18095550100', body: 'Hola' })
 */
export interface TwilioSend {
  baseUrl: string;
  publicUrl: string;
  authToken: string;
  from: string;
  to?: string;
  body: string;
  channel?: 'sms' | 'whatsapp';
  messageSid?: string;
  /** The account the message is for (a test account by default). */
  accountSid?: string;
  /** Gives up after this many milliseconds (no limit by default). */
  timeoutMs?: number;
  /** Extra webhook fields (NumMedia, Latitude, OptOutType…). */
  extra?: Record<string, string>;
  path?: string;
  /** Override the signature (tests of rejection). null = send none. */
  signature?: string | null;
}

export interface TwilioReply {
  status: number;
  messages: string[];
  raw: string;
}

export const newMessageSid = () => 'SM' + randomBytes(16).toString('hex');
export const TEST_ACCOUNT_SID = 'AC' + '0'.repeat(32);

export async function sendAsTwilio(s: TwilioSend): Promise<TwilioReply> {
  const path = s.path ?? '/twilio/messages';
  const prefix = s.channel === 'whatsapp' ? 'whatsapp:' : '';
  const params: Record<string, string> = {
    MessageSid: s.messageSid ?? newMessageSid(),
    AccountSid: s.accountSid ?? TEST_ACCOUNT_SID,
    From: prefix + s.from,
    To: prefix + (s.to ?? '+15005550006'),
    Body: s.body,
    NumMedia: '0',
    ...s.extra,
  };
  const signature = s.signature === undefined ? twilioSignature(s.authToken, s.publicUrl + path, params) : s.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const res = await fetch(s.baseUrl + path, { method: 'POST', headers, body: new URLSearchParams(params).toString(), ...(s.timeoutMs ? { signal: AbortSignal.timeout(s.timeoutMs) } : {}) });
  const raw = await res.text();
  return { status: res.status, messages: parseTwiml(raw), raw };
}

/** The <Message> bodies of a TwiML response. */
export function parseTwiml(xml: string): string[] {
  return [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) => unescapeXml(m[1] ?? ''));
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}
