import { z } from 'zod';
import type { Centre } from '../../booking/centre.js';
import { canSeeCentre, pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { StatusTag } from '../ui/StatusTag.js';
import { Table } from '../ui/Table.js';
import { sendMessage } from './MessagePage.js';

/** The centres a person may see (the centres engineer's pages replace this starting point). */
function CentresPage(props: { ctx: PageContext; centres: Centre[] }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t('centres.title')} section="centres">
      <Table
        caption={t('centres.caption')}
        rows={props.centres}
        empty={t('centres.none')}
        columns={[
          { header: t('centres.name'), cell: (c) => <a href={`/console/centres/${c.id}`}>{c.name}</a>, rowHeader: true },
          { header: t('centres.city'), cell: (c) => c.city },
          { header: t('centres.status'), cell: (c) => <OnboardedTag ctx={props.ctx} centre={c} /> },
        ]}
      />
    </Layout>
  );
}

function OnboardedTag(props: { ctx: PageContext; centre: Centre }) {
  const { t } = props.ctx;
  return props.centre.onboarded ? <StatusTag tone="success">{t('centres.onboarded')}</StatusTag> : <StatusTag tone="neutral">{t('centres.notOnboarded')}</StatusTag>;
}

/** One centre, as its institution's staff see it. */
function CentrePage(props: { ctx: PageContext; centre: Centre }) {
  const { t } = props.ctx;
  const { centre } = props;
  return (
    <Layout ctx={props.ctx} title={centre.name} section="centres">
      <dl class="facts">
        <dt>{t('centres.city')}</dt>
        <dd>{centre.city}</dd>
        <dt>{t('centres.address')}</dt>
        <dd>{centre.address ?? t('centres.unknown')}</dd>
        <dt>{t('centres.status')}</dt>
        <dd>
          <OnboardedTag ctx={props.ctx} centre={centre} />
        </dd>
      </dl>
      <p>
        <a href="/console/centres">{t('centres.back')}</a>
      </p>
    </Layout>
  );
}

const centreParam = z.object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/).max(64) });

/**
 * GET /console/centres and /console/centres/:id. A centre the person may not see (another
 * institution's, or one outside their list) answers 404 exactly like one that does not exist.
 */
export const centrePages: ConsolePages = (router, { deps }) => {
  router.get('/centres', signedIn(), async (req, res) => {
    const centres = await visibleCentres(viewerOf(res), deps.centres);
    sendPage(res, <CentresPage ctx={pageContext(req, res)} centres={centres} />);
  });

  router.get('/centres/:id', signedIn(), async (req, res) => {
    const params = centreParam.safeParse(req.params);
    const centre = params.success ? await deps.centres.get(params.data.id) : undefined;
    if (!centre || !canSeeCentre(viewerOf(res), centre)) return sendMessage(req, res, 'notFound');
    sendPage(res, <CentrePage ctx={pageContext(req, res)} centre={centre} />);
  });
};
