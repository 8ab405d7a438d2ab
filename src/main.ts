import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, errorCode } from './log.js';
import { RedisUnavailableError } from './store/connectRedis.js';

/** Starts Ruta: validates the configuration, builds the app, listens, and shuts down cleanly. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and the README for every setting.\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);

  if (config.defaulted.includes('REDIS_URL')) {
    process.stderr.write(
      '\n' +
        '############################################################\n' +
        '#  WARNING: no REDIS_URL — state is kept IN MEMORY only.    #\n' +
        '#  Everything is lost on restart; one process only.         #\n' +
        '#  Fine for trying Ruta out, never for real workers.        #\n' +
        '############################################################\n\n',
    );
  }
  if (config.defaulted.includes('TWILIO_AUTH_TOKEN')) {
    process.stderr.write(`Development Twilio auth token (sign requests with it; npm run chat does): ${config.TWILIO_AUTH_TOKEN}\n`);
  }
  if (config.TWILIO_ACCOUNT_SID === undefined) {
    process.stderr.write('No TWILIO_ACCOUNT_SID: reminders and notices to workers are kept in a local outbox, not sent.\n');
  }
  if (config.defaulted.includes('PSEUDONYM_SECRET') || config.defaulted.includes('CONTACT_KEYS')) {
    process.stderr.write('Using the development pseudonym secret and contact key: never for real workers (production refuses them).\n');
  }

  let ruta;
  try {
    // Loaded only once the configuration is valid: a refused start answers in a moment, not after
    // every library of the service has loaded.
    const { buildApp } = await import('./app.js');
    ruta = await buildApp(config, log);
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      process.stderr.write(`Ruta cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const server: Server = ruta.app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    log.info('listening', { port: typeof address === 'object' && address ? address.port : config.PORT, store: ruta.store.kind, env: config.NODE_ENV });
    process.stderr.write(`Ruta is listening on ${config.PUBLIC_URL}  —  try it: npm run chat\n`);
    // The town gazetteer is loaded once the server listens, not during a worker's first booking.
    setImmediate(() => {
      const started = performance.now();
      ruta.gazetteer.warm();
      log.info('warm', { ms: Math.round(performance.now() - started) });
    });
  });

  const shutdown = (signal: string) => {
    log.info('shutting_down', { signal });
    server.close(() => void ruta.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Ruta failed to start: ${errorCode(err)}${err instanceof Error ? ` — ${err.message}` : ''}\n`);
  process.exit(1);
});
