import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Store } from './store/Store.js';
import type { Logger } from './log.js';

/**
 * The HTTP surface: health and readiness, plus the channel routers mounted by the composition root.
 *
 * @example createServer({ store, log, routes: { '/twilio': twilioRouter, '/api/messages': bfRouter } })
 */
export function createServer(deps: { store: Store; log: Logger; routes: Record<string, express.Router | Express> }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.store.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'store_unreachable', store: deps.store.kind });
  });
  app.get('/', (_req, res) => {
    res.type('text/plain').send('Ruta is running. Twilio webhook: POST /twilio/messages. Bot Framework: POST /api/messages.\n');
  });

  for (const [path, router] of Object.entries(deps.routes)) app.use(path, router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    deps.log.error('http_error', { status, code: typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : 'error' });
    if (!res.headersSent) res.status(status >= 400 && status < 600 ? status : 500).json({ error: status < 500 ? 'bad_request' : 'internal_error' });
  };
  app.use(onError);
  return app;
}

/**
 * A router whose module is loaded on its first request, built once and used for every request
 * after (those arriving meanwhile wait for the same load). For a channel few deployments use,
 * whose libraries would cost every start. A build that gives no router leaves its path to 404.
 */
export function lazyRouter(build: () => Promise<express.Router | undefined>): express.Router {
  let built: Promise<express.Router | undefined> | undefined;
  const router = express.Router();
  router.use((req, res, next) => {
    built ??= build();
    built.then(
      (inner) => (inner ? inner(req, res, next) : next()),
      (err: unknown) => {
        built = undefined; // a failed load is tried again on the next request
        next(err);
      },
    );
  });
  return router;
}

/**
 * An Express app whose inner app is loaded on its first request, then mounted behind it with
 * `app.use`, so the inner app is mounted as Express mounts any sub-app (its settings and request
 * prototypes inherit from the app it is mounted in, and are put back when a request leaves it).
 * Requests arriving during the load wait for the same load; a failed load answers as an error and
 * is tried again on the next request. For a part of the server few requests need — the staff
 * console — whose modules would cost every start.
 */
export function lazyApp(build: () => Promise<Express>): Express {
  const holder = express();
  holder.disable('x-powered-by');
  let loading: Promise<void> | undefined;
  let loaded = false;
  holder.use((_req, _res, next) => {
    if (loaded) return next();
    loading ??= build().then(
      (inner) => {
        holder.use(inner);
        loaded = true;
      },
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    loading.then(() => next(), next);
  });
  return holder;
}
