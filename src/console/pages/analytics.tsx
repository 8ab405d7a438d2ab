import type { Request, Response } from 'express';
import { LANGUAGES } from '../../catalog/schema.js';
import type { Catalog } from '../../catalog/Catalog.js';
import { isFactName } from '../../catalog/publishedFact.js';
import { CHANNELS, FAR_KM } from '../../analytics/event.js';
import { readTable, readTables, scopedQuery, TABLE_COLUMNS, tableCsv, TABLES, type Published, type TableName, type Tables } from '../../analytics/tables.js';
import type { AnalyticsQuery } from '../../analytics/AnalyticsReader.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Table } from '../ui/Table.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { assetHref } from '../assets.js';

/** How many rows of a long table the page shows (the CSV has them all). */
const TOP = 10;

/**
 * A step id as coordinators read it: "Reservar cita: ¿qué centro?" for 'booking.centre', the
 * statement's number for the pre-screen's 'prescreen.s3'; an id without a label stays as it is.
 */
export function stepLabel(t: PageContext['t'], step: string): string {
  const statement = /^prescreen\.s(\d+)$/.exec(step);
  if (statement) return t('analytics.steps.prescreen.statement', { n: Number(statement[1]) + 1 });
  const key = `analytics.steps.${step}`;
  const label = t(key);
  return label === key ? step : label;
}

/** A fact told unknown as coordinators read it: "INFOTEP: Costo" for 'infotep.cost'; the id when it is not one Ruta knows. */
function factLabel(t: PageContext['t'], catalog: Catalog, fact: string): string {
  const [institution = '', name] = fact.split('.');
  const acronym = catalog.institution(institution)?.acronym;
  return acronym && isFactName(name) ? `${acronym}: ${t(`facts.names.${name}`)}` : fact;
}

const n = (p: Published, locale: string) => (typeof p === 'number' ? p.toLocaleString(locale) : p);
const pct = (share: number | null, locale: string) => (share === null ? '' : share.toLocaleString(locale, { style: 'percent', maximumFractionDigits: 0 }));

/**
 * The coordinators' dashboard: the funnel first, then where people drop out, the questions that
 * lose them, what Ruta could not answer and what it costs — every table also as CSV, every chart
 * with its numbers in a table. Filters are a plain GET form (no script needed); the one chart is
 * drawn by /console/assets/analytics.js from the funnel's numbers, which the table also holds.
 */
function AnalyticsPage(props: { ctx: PageContext; query: AnalyticsQuery & { from: string; to: string }; countries: Array<{ code: string; name: string }>; tables: Tables; k: number; catalog: Catalog; error?: string | undefined }) {
  const { ctx, query, tables, k } = props;
  const { t } = ctx;
  const locale = ctx.lang === 'es' ? 'es' : 'en';
  const params = new URLSearchParams({ from: query.from, to: query.to, ...(query.country && props.countries.length > 1 && query.country.length === 1 ? { country: query.country[0]! } : {}), ...(query.language ? { language: query.language.join(',') } : {}), ...(query.channel ? { channel: query.channel.join(',') } : {}) });
  const csv = (table: TableName) => (
    <p class="aside">
      <a href={`/console/analytics/${table}.csv?${params.toString()}`} download>
        {t('analytics.csv')}
      </a>
    </p>
  );
  const one = (list: readonly string[] | undefined) => (list && list.length === 1 ? list[0] : '');
  const funnelForChart = tables.funnel.map((r) => ({ label: t(`analytics.stage.${r.stage}`), value: typeof r.workers === 'number' ? r.workers : null }));
  return (
    <Layout ctx={ctx} title={t('analytics.title')} section="analytics">
      <p class="lead">{t('analytics.intro', { k })}</p>
      {props.error && <Notice tone="warning">{props.error}</Notice>}
      <form method="get" action="/console/analytics" class="filters" aria-label={t('analytics.filters')}>
        <label>
          {t('analytics.from')}
          <input type="date" name="from" value={query.from} required />
        </label>
        <label>
          {t('analytics.to')}
          <input type="date" name="to" value={query.to} required />
        </label>
        <label>
          {t('analytics.country')}
          <select name="country">
            {props.countries.length > 1 && <option value="">{t('analytics.allCountries')}</option>}
            {props.countries.map((c) => (
              <option value={c.code} selected={one(query.country) === c.code && props.countries.length > 1}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('analytics.language')}
          <select name="language">
            <option value="">{t('analytics.allLanguages')}</option>
            {LANGUAGES.map((l) => (
              <option value={l} selected={one(query.language) === l}>
                {t(`analytics.languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('analytics.channel')}
          <select name="channel">
            <option value="">{t('analytics.allChannels')}</option>
            {CHANNELS.map((c) => (
              <option value={c} selected={one(query.channel) === c}>
                {t(`analytics.channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('analytics.apply')}</button>
      </form>

      <section aria-labelledby="funnel-title">
        <h2 id="funnel-title">{t('analytics.funnelTitle')}</h2>
        <p>{t('analytics.funnelHint')}</p>
        {/* A chart of numbers that are all hidden would be an empty frame: only when one is shown. */}
        {funnelForChart.some((r) => r.value !== null) && (
          <>
            <figure class="chart" aria-hidden="true">
              <canvas id="funnel-chart" />
            </figure>
            <script type="application/json" id="funnel-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(funnelForChart).replace(/</g, '\\u003c') }} />
          </>
        )}
        <Table
          caption={t('analytics.funnelTitle')}
          captionHidden
          rows={tables.funnel}
          columns={[
            { header: t('analytics.col.stage'), cell: (r) => t(`analytics.stage.${r.stage}`), rowHeader: true },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
            { header: t('analytics.col.fromPrevious'), cell: (r) => pct(r.fromPrevious, locale), numeric: true },
          ]}
        />
        {csv('funnel')}
      </section>

      <section aria-labelledby="dropoff-title">
        <h2 id="dropoff-title">{t('analytics.dropoffTitle')}</h2>
        <p>{t('analytics.dropoffHint')}</p>
        <Table
          caption={t('analytics.dropoffTitle')}
          captionHidden
          rows={tables.dropoff.slice(0, TOP)}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.step'), cell: (r) => <span title={r.step}>{stepLabel(t, r.step)}</span>, rowHeader: true },
            { header: t('analytics.col.cause'), cell: (r) => t(`analytics.cause.${r.cause}`) },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('dropoff')}
      </section>

      <section aria-labelledby="questions-title">
        <h2 id="questions-title">{t('analytics.questionsTitle')}</h2>
        <Table
          caption={t('analytics.questionsTitle')}
          captionHidden
          rows={tables.questions.slice(0, TOP)}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.step'), cell: (r) => <span title={r.step}>{stepLabel(t, r.step)}</span>, rowHeader: true },
            { header: t('analytics.col.outcome'), cell: (r) => t(`analytics.outcome.${r.outcome}`) },
            { header: t('analytics.col.turns'), cell: (r) => n(r.turns, locale), numeric: true },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('questions')}
      </section>

      <section aria-labelledby="unmet-title">
        <h2 id="unmet-title">{t('analytics.unmetTitle')}</h2>
        <h3>{t('analytics.unmatchedTitle')}</h3>
        <p>{t('analytics.unmatchedHint', { k })}</p>
        <Table
          caption={t('analytics.unmatchedTitle')}
          captionHidden
          rows={tables.unmatched.slice(0, TOP)}
          empty={t('analytics.noneShown', { k })}
          columns={[
            { header: t('analytics.col.phrase'), cell: (r) => r.phrase, rowHeader: true },
            { header: t('analytics.col.country'), cell: (r) => r.country },
            { header: t('analytics.col.language'), cell: (r) => r.language },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('unmatched')}
        <h3>{t('analytics.factsTitle')}</h3>
        <Table
          caption={t('analytics.factsTitle')}
          captionHidden
          rows={tables['unknown-facts'].slice(0, TOP)}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.fact'), cell: (r) => <span title={r.fact}>{factLabel(t, props.catalog, r.fact)}</span>, rowHeader: true },
            { header: t('analytics.col.times'), cell: (r) => n(r.times, locale), numeric: true },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('unknown-facts')}
        <h3>{t('analytics.farTitle')}</h3>
        <p>{t('analytics.farHint', { km: FAR_KM })}</p>
        <Table
          caption={t('analytics.farTitle')}
          captionHidden
          rows={tables['far-towns'].slice(0, TOP)}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.town'), cell: (r) => r.town, rowHeader: true },
            { header: t('analytics.col.country'), cell: (r) => r.country },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('far-towns')}
      </section>

      <section aria-labelledby="waits-title">
        <h2 id="waits-title">{t('analytics.waitsTitle')}</h2>
        <p>{t('analytics.waitsHint')}</p>
        <Table
          caption={t('analytics.waitsTitle')}
          captionHidden
          rows={tables.waits}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.between'), cell: (r) => t(`analytics.wait.${r.measure}`), rowHeader: true },
            { header: t('analytics.col.wait'), cell: (r) => t(`analytics.bucket.${r.bucket}`) },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('waits')}
      </section>

      <section aria-labelledby="cost-title">
        <h2 id="cost-title">{t('analytics.costTitle')}</h2>
        <Table
          caption={t('analytics.costTitle')}
          captionHidden
          rows={tables.cost}
          empty={t('analytics.none')}
          columns={[
            { header: t('analytics.col.measure'), cell: (r) => `${t(`analytics.measure.${r.measure}`)}${r.detail !== '-' ? ` (${r.detail})` : ''}`, rowHeader: true },
            { header: t('analytics.col.count'), cell: (r) => n(r.count, locale), numeric: true },
            { header: t('analytics.col.workers'), cell: (r) => n(r.workers, locale), numeric: true },
          ]}
        />
        {csv('cost')}
      </section>
      <script src={assetHref('chart.umd.min.js')} defer />
      <script src={assetHref('analytics.js')} defer />
    </Layout>
  );
}

const isTable = (x: string): x is TableName => (TABLES as readonly string[]).includes(x);

/** /console/analytics (the dashboard) and /console/analytics/<table>.csv — coordinators only, within their countries. */
export const analyticsPages: ConsolePages = (router, { deps }) => {
  const scopeOf = (res: Response) => viewerOf(res).countries ?? [];
  const countriesOf = (res: Response, lang: 'es' | 'en') => {
    const scope = scopeOf(res);
    return deps.catalog.countries.filter((c) => scope === 'all' || scope.includes(c.code)).map((c) => ({ code: c.code, name: c.name[lang] }));
  };
  const read = (req: Request, res: Response) => {
    // An empty select means "all": drop empty parameters before reading the filters.
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
    return scopedQuery(raw, scopeOf(res), deps.now().toISOString().slice(0, 10));
  };

  // ANALYTICS=off: the section says so (in the person's language) instead of tables of zeros.
  const reader = deps.analytics;
  if (!reader) {
    router.get(['/analytics', '/analytics/:table.csv'], signedIn('coordinator'), (req, res) => {
      const ctx = pageContext(req, res);
      sendPage(
        res,
        <Layout ctx={ctx} title={ctx.t('analytics.title')} section="analytics">
          <p>{ctx.t('analytics.off')}</p>
        </Layout>,
        404,
      );
    });
    return;
  }

  router.get('/analytics', signedIn('coordinator'), async (req, res) => {
    const ctx = pageContext(req, res);
    let scoped = read(req, res);
    let error: string | undefined;
    if (!scoped.ok) {
      error = ctx.t(`analytics.problem.${scoped.problem}`);
      scoped = scopedQuery({}, scopeOf(res), deps.now().toISOString().slice(0, 10));
    }
    if (!scoped.ok) throw new Error('default analytics query refused');
    const tables = await readTables(reader, scoped.query);
    sendPage(res, <AnalyticsPage ctx={ctx} query={scoped.query} countries={countriesOf(res, ctx.lang === 'en' ? 'en' : 'es')} tables={tables} k={reader.k} catalog={deps.catalog} error={error} />, error ? 400 : 200);
  });

  router.get('/analytics/:table.csv', signedIn('coordinator'), async (req, res) => {
    const table = String(req.params.table);
    const scoped = read(req, res);
    if (!isTable(table) || !scoped.ok) {
      res.status(isTable(table) ? 400 : 404).type('text/plain').send(isTable(table) ? 'Invalid filters' : 'Not found');
      return;
    }
    const rows = (await readTable(reader, scoped.query, table)) as ReadonlyArray<Record<string, unknown>>;
    res.set('Cache-Control', 'no-store').type('text/csv; charset=utf-8').attachment(`ruta-${table}-${scoped.query.from}-${scoped.query.to}.csv`).send(tableCsv(rows, TABLE_COLUMNS[table]));
  });
};
