import express, { type Router } from 'express';
import type { AnalyticsReader } from '../analytics/AnalyticsReader.js';
import { readTable, scopedQuery, TABLE_COLUMNS, tableCsv, TABLES, type TableName } from '../analytics/tables.js';
import { coordinatorOf } from './coordinatorRoutes.js';
import type { AnalyticsStore } from '../analytics/AnalyticsStore.js';
import { eventLines } from '../analytics/exportEvents.js';

const isTable = (x: string): x is TableName => (TABLES as readonly string[]).includes(x);

/**
 * GET /api/v1/analytics/<table>[.csv] — coordinators' anonymous tables (funnel, dropoff, questions,
 * unmatched, unknown-facts, far-towns, waits, cost), for a coordinator token only, within its countries.
 * Query: from, to (YYYY-MM-DD, UTC, default the last 30 days), country, language, channel (lists:
 * "DO,MX" or repeated). Every number describing fewer than k workers is "<k", in JSON and CSV alike.
 * A country outside the token's scope answers 403; bad filters 400.
 * GET /api/v1/analytics/events.ndjson — the anonymous events of the period (see exportEvents.ts).
 * Without a reader (ANALYTICS=off) every path answers 404 `analytics_off`: empty tables would
 * claim that nobody wrote, when nothing was recorded.
 */
export function analyticsRoutes(deps: { reader: AnalyticsReader | undefined; store: AnalyticsStore; now: () => Date }): Router {
  const router = express.Router();
  const reader = deps.reader;
  if (!reader) {
    router.use((_req, res) => {
      res.status(404).json({ error: 'analytics_off', message: 'Analytics are off on this server (ANALYTICS=off): nothing is recorded, so there is nothing to read.' });
    });
    return router;
  }
  // The anonymous events themselves, one JSON object per line (schema: src/analytics/exportEvents.ts, README).
  router.get('/events.ndjson', async (req, res) => {
    const { countries } = coordinatorOf(res);
    const scoped = scopedQuery(req.query, countries, deps.now().toISOString().slice(0, 10));
    if (!scoped.ok) {
      res.status(scoped.problem === 'out_of_scope' ? 403 : 400).json({ error: scoped.problem === 'out_of_scope' ? 'forbidden' : 'invalid', field: scoped.field });
      return;
    }
    // attachment() guesses a type from the file name: the type is set after it.
    res.set('Cache-Control', 'no-store').attachment(`ruta-events-${scoped.query.from}-${scoped.query.to}.ndjson`).type('application/x-ndjson; charset=utf-8');
    for await (const line of eventLines(deps.store, scoped.query, countries, scoped.query.country)) {
      // Respect the socket's pace: a large export never piles up in memory.
      if (!res.write(line)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });
  router.get('/:table', async (req, res) => {
    const raw = String(req.params.table);
    const csv = raw.endsWith('.csv');
    const table = csv ? raw.slice(0, -4) : raw;
    if (!isTable(table)) {
      res.status(404).json({ error: 'not_found', message: `Tables: ${TABLES.join(', ')} (add .csv for CSV)` });
      return;
    }
    const scoped = scopedQuery(req.query, coordinatorOf(res).countries, deps.now().toISOString().slice(0, 10));
    if (!scoped.ok) {
      const message =
        scoped.problem === 'out_of_scope' ? 'A country outside this token\'s scope.' : scoped.problem === 'period' ? `from..to must be 1 to 400 days.` : `Invalid ${scoped.field}.`;
      res.status(scoped.problem === 'out_of_scope' ? 403 : 400).json({ error: scoped.problem === 'out_of_scope' ? 'forbidden' : 'invalid', field: scoped.field, message });
      return;
    }
    const rows = (await readTable(reader, scoped.query, table)) as ReadonlyArray<Record<string, unknown>>;
    res.set('Cache-Control', 'no-store');
    if (csv) {
      res.type('text/csv; charset=utf-8').attachment(`ruta-${table}-${scoped.query.from}-${scoped.query.to}.csv`).send(tableCsv(rows, TABLE_COLUMNS[table]));
      return;
    }
    res.json({ table, query: scoped.query, k: reader.k, rows });
  });
  return router;
}
