import express, { type Router } from 'express';
import type { AnalyticsReader } from '../analytics/AnalyticsReader.js';
import { readTables, scopedQuery, TABLE_COLUMNS, tableCsv, TABLES, type TableName } from '../analytics/tables.js';
import { coordinatorOf } from './coordinatorRoutes.js';

const isTable = (x: string): x is TableName => (TABLES as readonly string[]).includes(x);

/**
 * GET /api/v1/analytics/<table>[.csv] — coordinators' anonymous tables (funnel, dropoff, questions,
 * unmatched, unknown-facts, cost), for a coordinator token only, within its countries.
 * Query: from, to (YYYY-MM-DD, UTC, default the last 30 days), country, language, channel (lists:
 * "DO,MX" or repeated). Every number describing fewer than k workers is "<k", in JSON and CSV alike.
 * A country outside the token's scope answers 403; bad filters 400.
 */
export function analyticsRoutes(deps: { reader: AnalyticsReader; now: () => Date }): Router {
  const router = express.Router();
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
    const rows = (await readTables(deps.reader, scoped.query))[table] as ReadonlyArray<Record<string, unknown>>;
    res.set('Cache-Control', 'no-store');
    if (csv) {
      res.type('text/csv; charset=utf-8').attachment(`ruta-${table}-${scoped.query.from}-${scoped.query.to}.csv`).send(tableCsv(rows, TABLE_COLUMNS[table]));
      return;
    }
    res.json({ table, query: scoped.query, k: deps.reader.k, rows });
  });
  return router;
}
