import { parseArgs } from 'node:util';
import { DEV_TWILIO_AUTH_TOKEN } from '../config.js';
import { runChat } from './chatSession.js';

/**
 * `npm run chat -- [--channel sms|whatsapp] [--from +18095550100] [--url http://localhost:3978]`
 * A terminal conversation with a running Ruta through the real, signed webhook path.
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
  process.stdout.write(
    'Usage: npm run chat -- [--channel sms|whatsapp] [--from +18095550100] [--url http://localhost:3978]\n' +
      '                        [--public-url URL (if Ruta runs with PUBLIC_URL)] [--token TWILIO_AUTH_TOKEN]\n',
  );
  process.exit(0);
}
const baseUrl = values.url.replace(/\/+$/, '');
await runChat({
  baseUrl,
  publicUrl: (values['public-url'] ?? process.env.PUBLIC_URL ?? baseUrl).replace(/\/+$/, ''),
  authToken: values.token,
  from: values.from,
  channel: values.channel === 'whatsapp' ? 'whatsapp' : 'sms',
  input: process.stdin,
  output: process.stdout,
  interactive: process.stdin.isTTY === true,
});
