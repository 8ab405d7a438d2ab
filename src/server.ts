import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Store } from './store/Store.js';
import type { Logger } from './log.js';

/**
 * The HTTP surface: health and readiness, plus the channel routers mounted by the composition root.
 *
 * @example createServer({ store, log, routes: { '/twilio': twilioRouter, '/api/messages': bfRouter } })
 */
export function createServer(deps: { store: Store; log: Logger; routes: Record<string, express.Router> }): Express {
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
