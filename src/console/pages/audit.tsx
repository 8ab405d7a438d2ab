import type { AuditEntry } from '../Audit.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import type { ConsoleLanguage } from '../consoleI18n.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Table } from '../ui/Table.js';

/** How many entries the page shows (the newest). */
const SHOWN = 200;

/** A before/after summary as one short line: "role: staff, centres: all". */
function summary(value: AuditEntry['before']): string {
  if (value === null) return '—';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(summary).join(', ');
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${summary(v)}`)
    .join('; ');
}

function when(iso: string, lang: ConsoleLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** The city that names a time zone, as people say it: America/Santo_Domingo → Santo Domingo. */
function zoneCity(zone: string): string {
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/** Who changed what, newest first. Admins only. */
function AuditPage(props: { ctx: PageContext; entries: AuditEntry[]; timeZone: string }) {
  const { t, lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t('audit.title')} section="audit">
      <p>{t('audit.intro', { shown: SHOWN, zone: zoneCity(props.timeZone) })}</p>
      <Table
        caption={t('audit.caption')}
        rows={props.entries}
        empty={t('audit.none')}
        columns={[
          { header: t('audit.when'), cell: (e) => <time datetime={e.at}>{when(e.at, lang, props.timeZone)}</time>, rowHeader: true },
          { header: t('audit.who'), cell: (e) => e.who },
          { header: t('audit.action'), cell: (e) => <code>{e.action}</code> },
          { header: t('audit.target'), cell: (e) => e.target },
          { header: t('audit.before'), cell: (e) => summary(e.before) },
          { header: t('audit.after'), cell: (e) => summary(e.after) },
        ]}
      />
    </Layout>
  );
}

/** GET /console/audit: the institution's audit log, in the time zone of its centres. */
export const auditPages: ConsolePages = (router, { audit, deps }) => {
  router.get('/audit', signedIn('admin'), async (req, res) => {
    const me = viewerOf(res);
    const [entries, centres] = await Promise.all([audit.recent(me.institution, SHOWN), deps.centres.ofInstitution(me.institution)]);
    sendPage(res, <AuditPage ctx={pageContext(req, res)} entries={entries} timeZone={centres[0]?.timeZone ?? 'UTC'} />);
  });
};
