import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { countSegments } from '../channels/segments.js';
import { sendAsTwilio } from './twilioClient.js';

export interface ChatOptions {
  baseUrl: string;
  publicUrl: string;
  authToken: string;
  from: string;
  channel: 'sms' | 'whatsapp';
  input: Readable;
  output: Writable;
  /** Show a `you> ` prompt (a terminal) or not (piped input). */
  interactive: boolean;
}

/**
 * A conversation with a running Ruta through the real webhook path: each input line becomes a
 * Twilio-signed POST to /twilio/messages; each TwiML <Message> is printed, on SMS with what it
 * costs (segments, encoding, characters). Ends at end of input or `/quit`.
 */
export async function runChat(o: ChatOptions): Promise<void> {
  const write = (s: string) => void o.output.write(s);
  write(`Chatting with ${o.baseUrl} as ${o.channel} from ${o.from}. Type /quit to leave.\n`);
  const rl = createInterface({ input: o.input, output: o.interactive ? o.output : undefined, terminal: o.interactive });
  rl.setPrompt('you> ');
  if (o.interactive) rl.prompt();
  for await (const line of rl) {
    if (line.trim() === '/quit') break;
    try {
      const reply = await sendAsTwilio({ baseUrl: o.baseUrl, publicUrl: o.publicUrl, authToken: o.authToken, from: o.from, body: line, channel: o.channel });
      if (reply.status !== 200) write(`[HTTP ${reply.status}] ${reply.status === 403 ? 'signature rejected: check --token and --public-url' : reply.raw}\n`);
      else if (reply.messages.length === 0) write('[no reply]\n');
      for (const message of reply.messages) {
        write(`ruta> ${message.replace(/\n/g, '\nruta> ')}\n`);
        if (o.channel === 'sms') {
          const seg = countSegments(message);
          write(`  [SMS: ${seg.segments} segment${seg.segments === 1 ? '' : 's'}, ${seg.encoding}, ${message.length} chars]\n`);
        }
      }
    } catch (err) {
      write(`[cannot reach Ruta at ${o.baseUrl}: is it running? (npm start)] ${err instanceof Error ? err.message : ''}\n`);
    }
    if (o.interactive) rl.prompt();
  }
  rl.close();
}
