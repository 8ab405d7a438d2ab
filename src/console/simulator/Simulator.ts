import { z } from 'zod';
import type { Catalog } from '../../catalog/Catalog.js';
import { LANGUAGES } from '../../catalog/schema.js';
import { countSegments } from '../../channels/segments.js';
import { simulatedNumber } from '../../channels/simulatedNumber.js';
import type { Store } from '../../store/Store.js';
import { sendAsTwilio, TEST_ACCOUNT_SID } from '../../tools/twilioClient.js';

export const SIM_CHANNELS = ['sms', 'whatsapp'] as const;
export type SimChannel = (typeof SIM_CHANNELS)[number];

/**
 * Which conversation of the simulator: the channel, the country of the simulated number, and the
 * language its first message is written in (Ruta recognises the language from that message).
 *
 * @example { channel: 'sms', country: 'DO', language: 'ht' }
 */
export const simSettingsSchema = z.object({
  channel: z.enum(SIM_CHANNELS),
  country: z.string().regex(/^[A-Z]{2}$/),
  language: z.enum(LANGUAGES),
});
export type SimSettings = z.infer<typeof simSettingsSchema>;

/** One line of a simulated conversation, as kept for the page (the text is a test's, never a worker's). */
const entrySchema = z.object({
  from: z.enum(['worker', 'ruta']),
  text: z.string(),
  at: z.string(),
  /** Ruta's SMS replies: what they cost. */
  segments: z.object({ encoding: z.enum(['GSM-7', 'UCS-2']), units: z.number(), segments: z.number() }).optional(),
});
export type SimEntry = z.infer<typeof entrySchema>;

/** The first message of a new conversation, in the chosen language ("Hola", "Hello", "Bonjou"). */
export const GREETINGS = { es: 'Hola', en: 'Hello', ht: 'Bonjou' } as const;
/** To start over as a person would: the erase word, then "1" (its first answer, yes). */
const ERASE = ['BORRAR', '1'] as const;

/** A conversation's transcript lasts this long after its last message. */
export const TRANSCRIPT_TTL_SECONDS = 24 * 3600;
const MAX_ENTRIES = 200;
/** Twilio gives up after 15 s; the simulator waits as long, and a little more. */
const WEBHOOK_TIMEOUT_MS = 16_000;
const KEEP = 10 * 365 * 24 * 3600;

const keys = {
  sequence: 'simulator/sequence',
  user: (userId: string) => `simulator/user/${userId}`,
  transcript: (userId: string, s: SimSettings) => `simulator/transcript/${userId}/${s.channel}/${s.country}`,
};

export type SendResult = { ok: true; replies: SimEntry[] } | { ok: false; reason: 'refused' | 'unreachable' };

export interface SimulatorDeps {
  store: Store;
  catalog: Catalog;
  /** PUBLIC_URL: Twilio signs the URL it calls, so the simulator signs this one too. */
  publicUrl: string;
  authToken: string;
  /** TWILIO_ACCOUNT_SID (the webhook refuses other accounts when it is set). */
  accountSid: string | undefined;
  /** Ruta's number the simulated worker writes to (TWILIO_SMS_FROM, or Twilio's test number). */
  rutaNumber: string | undefined;
  now: () => Date;
}

/**
 * The console's web simulator: talks to Ruta as a worker would, through the real webhook. Each
 * message is Twilio's form (From, To, Body, a fresh MessageSid, AccountSid, NumMedia=0), signed
 * with the auth token over PUBLIC_URL + '/twilio/messages' exactly as Twilio signs it, and POSTed
 * over HTTP to the server's own address; the TwiML answer is read back, each SMS reply with its
 * segments. Each console user has their own simulated number (src/channels/simulatedNumber.ts)
 * per country, so two people never share a conversation. Transcripts live in the store for
 * TRANSCRIPT_TTL_SECONDS after the last message, and are never logged.
 *
 * @example
 *   const sim = new Simulator({ store, catalog, publicUrl, authToken, accountSid, rutaNumber, now });
 *   await sim.send('http://127.0.0.1:3000', user.id, { channel: 'sms', country: 'DO', language: 'ht' }, 'Bonjou');
 */
export class Simulator {
  constructor(private readonly deps: SimulatorDeps) {}

  /** The user's simulated number in a country (given on first use, kept for good). */
  async numberFor(userId: string, country: string): Promise<string> {
    return simulatedNumber(this.deps.catalog, country, await this.sequenceOf(userId));
  }

  /** The conversation so far, oldest first. */
  async transcript(userId: string, settings: SimSettings): Promise<SimEntry[]> {
    const raw = await this.deps.store.list(keys.transcript(userId, settings), MAX_ENTRIES);
    return raw.flatMap((line) => {
      try {
        const parsed = entrySchema.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    }).reverse();
  }

  /** Sends one message through the signed webhook at `baseUrl` and keeps it with Ruta's replies. */
  async send(baseUrl: string, userId: string, settings: SimSettings, body: string): Promise<SendResult> {
    const from = await this.numberFor(userId, settings.country);
    const sent = await this.post(baseUrl, from, settings.channel, body);
    if (!sent.ok) return sent;
    const at = this.deps.now().toISOString();
    // Exactly what Twilio would send: each <Message> of the TwiML (already rendered for the channel by the webhook).
    const replies: SimEntry[] = sent.messages.map((text) => ({ from: 'ruta', text, at, ...(settings.channel === 'sms' ? { segments: countSegments(text) } : {}) }));
    const key = keys.transcript(userId, settings);
    for (const entry of [{ from: 'worker' as const, text: body, at }, ...replies]) await this.deps.store.pushCapped(key, JSON.stringify(entry), MAX_ENTRIES, TRANSCRIPT_TTL_SECONDS);
    return { ok: true, replies };
  }

  /**
   * Erases the conversation as a person would — the erase word, then its confirmation — and
   * forgets its transcript.
   */
  async startOver(baseUrl: string, userId: string, settings: SimSettings): Promise<SendResult> {
    const from = await this.numberFor(userId, settings.country);
    for (const word of ERASE) {
      const sent = await this.post(baseUrl, from, settings.channel, word);
      if (!sent.ok) return sent;
    }
    await this.deps.store.del([keys.transcript(userId, settings)]);
    return { ok: true, replies: [] };
  }

  /** One webhook request, signed as Twilio signs it; the reply's <Message> bodies. */
  private async post(baseUrl: string, from: string, channel: SimChannel, body: string): Promise<{ ok: true; messages: string[] } | { ok: false; reason: 'refused' | 'unreachable' }> {
    const { deps } = this;
    try {
      const reply = await sendAsTwilio({
        baseUrl,
        publicUrl: deps.publicUrl,
        authToken: deps.authToken,
        accountSid: deps.accountSid ?? TEST_ACCOUNT_SID,
        from,
        ...(deps.rutaNumber ? { to: deps.rutaNumber } : {}),
        channel,
        body,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
      });
      return reply.status === 200 ? { ok: true, messages: reply.messages } : { ok: false, reason: 'refused' };
    } catch {
      return { ok: false, reason: 'unreachable' };
    }
  }

  private async sequenceOf(userId: string): Promise<number> {
    const { store } = this.deps;
    const known = await store.get(keys.user(userId));
    if (known !== null) return Number(known);
    const next = await store.incr(keys.sequence);
    // Two first visits at once: the first to claim wins, the other number is never used.
    if (await store.setIfAbsent(keys.user(userId), String(next), KEEP)) return next;
    return Number(await store.get(keys.user(userId)));
  }
}
