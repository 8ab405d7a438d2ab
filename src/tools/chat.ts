import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { countSegments } from '../channels/segments.js';
import { DEV_TWILIO_AUTH_TOKEN } from '../config.js';
import { sendAsTwilio } from './twilioClient.js';

/**
 * `npm run chat -- [--channel sms|whatsapp] [--from +18095550100] [--url http://localhost:3978]`
 * A terminal conversation with a running Ruta through the real webhook path: every line is sent
 * as a Twilio-signed POST to /twilio/messages and the TwiML reply is printed, with the SMS
 * segment count of each reply. Type /quit to leave.
 */
const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'sms' },
    from: { type: 'string', default: '+18095550100' },
    url: { type: 'string', default: process.env.RUTA_URL ?? `http://localhost:${process.env.PORT ?? 3978}` },
    'public-url': { type: 'string' },
    token: { type: 'string', default: process.env.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write('Usage: npm run chat -- [--channel sms|whatsapp] [--from +18095550100] [--url http://localhost:3978] [--public-url URL] [--token TOKEN]\n');
  process.exit(0);
}
const channel = values.channel === 'whatsapp' ? 'whatsapp' : 'sms';
const baseUrl = values.url.replace(/\/+$/, '');
const publicUrl = (values['public-url'] ?? process.env.PUBLIC_URL ?? baseUrl).replace(/\/+$/, '');
const interactive = process.stdin.isTTY === true;

process.stdout.write(`Chatting with ${baseUrl} as ${channel} from ${values.from}. Type /quit to leave.\n`);
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
const prompt = () => interactive && rl.prompt();
rl.setPrompt('you> ');
prompt();

for await (const line of rl) {
  if (line.trim() === '/quit') break;
  try {
    const reply = await sendAsTwilio({ baseUrl, publicUrl, authToken: values.token, from: values.from, body: line, channel });
    if (reply.status !== 200) {
      process.stdout.write(`[HTTP ${reply.status}] ${reply.status === 403 ? 'signature rejected: check --token and --public-url' : reply.raw}\n`);
    } else if (reply.messages.length === 0) {
      process.stdout.write('[no reply]\n');
    }
    for (const message of reply.messages) {
      const seg = countSegments(message);
      const cost = channel === 'sms' ? `  [SMS: ${seg.segments} segment${seg.segments === 1 ? '' : 's'}, ${seg.encoding}, ${message.length} chars]` : '';
      process.stdout.write(`ruta> ${message.replace(/\n/g, '\nruta> ')}\n${cost ? cost + '\n' : ''}`);
    }
  } catch (err) {
    process.stdout.write(`[cannot reach Ruta at ${baseUrl}: is it running? (npm start)] ${err instanceof Error ? err.message : ''}\n`);
  }
  prompt();
}
rl.close();
