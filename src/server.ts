import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Store } from './store/Store.js';
import type { Logger } from './log.js';

/** A handler on Node's own request and response (an Express router can mount it as it is). */
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

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
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => answerError(err, res, deps.log);
  app.use(onError);
  return app;
}

/**
 * The answer to a request that failed outside its handler's own answers (a body too large or
 * malformed, a handler that threw): its status when the error carries one, else 500, as JSON
 * without details. Logged without the request's content.
 */
export function answerError(err: unknown, res: ServerResponse, log: Logger): void {
  const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
  log.error('http_error', { status, code: typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : 'error' });
  if (res.headersSent) return;
  const body = JSON.stringify({ error: status < 500 ? 'bad_request' : 'internal_error' });
  res.writeHead(status >= 400 && status < 600 ? status : 500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The server's request listener: a request whose method and path (without its query) are one of
 * `direct`'s ('POST /twilio/messages') goes straight to that handler; every other request to the
 * Express app. For the webhook every worker's message arrives on: Express's app and routers cost
 * it about 150-200 µs of CPU a request on this machine (a server answering the same form through
 * them against one answering it directly), a sixth of a whole turn (issue 13). The same handlers
 * are mounted in the Express app too, so a path Express would also match (a trailing slash, other
 * letter case) is answered the same way.
 */
export function serverListener(app: Express, direct: Record<string, RawHandler>): RequestListener {
  const routes = new Map(Object.entries(direct));
  return (req, res) => {
    const handler = routes.get(`${req.method ?? ''} ${pathOf(req.url ?? '')}`);
    if (handler) handler(req, res);
    else app(req, res);
  };
}

/** A request URL's path, without its query ('/twilio/messages?a=1' → '/twilio/messages'). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
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
