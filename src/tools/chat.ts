import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { runChat } from './chatSession.js';

// The same configuration as the server, so the defaults (port, public URL, auth token) match it.
let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  process.stderr.write(err instanceof ConfigError ? `${err.message}\n` : `${String(err)}\n`);
  process.exit(1);
}

/**
 * `npm run chat -- [--channel sms|whatsapp] [--from +18095550100] [--url http://localhost:3978]`
 * A terminal conversation with a running Ruta through the real, signed webhook path.
 */
const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'sms' },
    from: { type: 'string', default: '+18095550100' },
    url: { type: 'string', default: `http://localhost:${config.PORT}` },
    'public-url': { type: 'string', default: config.PUBLIC_URL },
    token: { type: 'string', default: config.TWILIO_AUTH_TOKEN },
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
  // Without a configured PUBLIC_URL the server signs against its own local URL: use --url then.
  publicUrl: (config.defaulted.includes('PUBLIC_URL') && values.url !== `http://localhost:${config.PORT}` ? baseUrl : values['public-url']).replace(/\/+$/, ''),
  authToken: values.token,
  from: values.from,
  channel: values.channel === 'whatsapp' ? 'whatsapp' : 'sms',
  input: process.stdin,
  output: process.stdout,
  interactive: process.stdin.isTTY === true,
});
