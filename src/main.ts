import cluster from 'node:cluster';
import { createServer as createHttpServer, type Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, errorCode, type Logger } from './log.js';
import { nodeTooOld } from './nodeVersion.js';
import { RedisUnavailableError } from './store/connectRedis.js';

/** Starts Ruta: validates the configuration, builds the app, listens, and shuts down cleanly. */
async function main(): Promise<void> {
  if (nodeTooOld(process.versions.node)) {
    process.stderr.write(`Ruta needs Node.js 20.19 or later in 20, or 22.12 or later; this is ${process.versions.node}.\n`);
    process.exit(1);
  }
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
  if (cluster.isWorker) return serve(config, createLogger(config.LOG_LEVEL, undefined, { pid: process.pid }));
  const log = createLogger(config.LOG_LEVEL);
  printWarnings(config);
  if (config.PROCESSES > 1) return runPrimary(config, log);
  return serve(config, log);
}

/** What the development defaults mean, once (by the primary when there are several processes). */
function printWarnings(config: Config): void {
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
}

/**
 * PROCESSES > 1: this process only forks the servers, which share PORT (node:cluster hands
 * connections to them in turn), and starts again one that dies after it listened. One that
 * fails before it listened (Redis away, a refused setting) stops them all with its exit code, as a
 * single process would exit. SIGTERM and SIGINT are passed on; it exits once they all have.
 */
function runPrimary(config: Config, log: Logger): void {
  let stopping = false;
  let exitCode = 0;
  const listened = new Set<number>();
  let lastRestart = 0;
  const fork = () => cluster.fork();
  cluster.on('listening', (worker) => listened.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    const running = Object.keys(cluster.workers ?? {}).length;
    if (!stopping && !listened.has(worker.id)) {
      stopping = true;
      exitCode = code || 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
    }
    if (stopping) {
      if (running === 0) process.exit(exitCode);
      return;
    }
    log.error('process_died', { pid: worker.process.pid ?? 0, code: code ?? 0, signal: signal ?? '' });
    // At most one restart a second: a fault that kills every new process must not spin the CPU.
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(fork, wait);
  });
  for (let i = 0; i < config.PROCESSES; i++) fork();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal, processes: Object.keys(cluster.workers ?? {}).length });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(0), 8000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Start-up work put off until this long after the server listens (issue 13: start-up). */
const WARM_AFTER_MS = 1_000;

/** One server process: builds the app, listens, and shuts down cleanly. */
async function serve(config: Config, log: Logger): Promise<void> {
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
  const server: Server = createHttpServer(ruta.listener).listen(config.PORT, config.HOST, () => {
    const address = server.address();
    log.info('listening', { port: typeof address === 'object' && address ? address.port : config.PORT, store: ruta.store.kind, env: config.NODE_ENV });
    if (!cluster.isWorker || cluster.worker?.id === 1) process.stderr.write(`Ruta is listening on ${config.PUBLIC_URL}  —  try it: npm run chat\n`);
    // The town gazetteer (about 70 ms), the occupations' index (about 45 ms), franc's language
    // models (about 60 ms) and ICU's time-zone data (about 20 ms, the first formatter with a time
    // zone: luxon's, for a booking's times) are made ready a second after the server listens: not
    // on the way to its first answers, and not during a worker's first trade, booking or long
    // message (which would build them).
    // Each in a turn of the event loop of its own: a message that came meanwhile is answered in between.
    const warmSteps = [
      () => ruta.gazetteer.warm(),
      () => void ruta.catalog.occupationIndex,
      () => ruta.catalog.languageDetector.warm(),
      () => void new Intl.DateTimeFormat('en', { timeZone: 'America/Santo_Domingo', hour: 'numeric' }).format(0),
    ];
    let warmMs = 0;
    const warm = (step: number): void => {
      if (step === warmSteps.length) return log.info('warm', { ms: Math.round(warmMs) });
      const started = performance.now();
      warmSteps[step]!();
      warmMs += performance.now() - started;
      setImmediate(() => warm(step + 1));
    };
    setTimeout(() => warm(0), WARM_AFTER_MS).unref();
  });

  let closing = false;
  const shutdown = (signal: string) => {
    // Ctrl-C reaches every process of a group, and the primary passes it on too: once is enough.
    if (closing) return;
    closing = true;
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
