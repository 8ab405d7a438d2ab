import type { Request, Response } from 'express';
import { z } from 'zod';
import type { CalendarLinkRecord } from '../../api/CalendarLinks.js';
import type { Centre } from '../../booking/centre.js';
import { ONBOARDING_NEEDS, onboardingGaps, type OnboardingNeed } from '../../booking/onboarding.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import { centreOf, formatDate, todayAt } from '../centres/centreOf.js';
import { OnboardedTag, SampleTag, WeeklyHours } from '../centres/parts.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import type { FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { StatusTag } from '../ui/StatusTag.js';
import { Table } from '../ui/Table.js';

/** The centres a person may see: name, city, whether the address and hours are known, instant booking or not. */
function CentresPage(props: { ctx: PageContext; centres: Centre[] }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t('centres.title')} section="centres">
      <p>{t('centres.intro')}</p>
      <Table
        caption={t('centres.caption')}
        rows={props.centres}
        empty={t('centres.none')}
        columns={[
          {
            header: t('centres.name'),
            cell: (c) => (
              <>
                <a href={`/console/centres/${c.id}`}>{c.name}</a> <SampleTag ctx={props.ctx} centre={c} />
              </>
            ),
            rowHeader: true,
          },
          { header: t('centres.city'), cell: (c) => c.city },
          { header: t('centres.address'), cell: (c) => (c.address === null ? t('centres.addressMissing') : t('centres.addressKnown')) },
          { header: t('centres.hours'), cell: (c) => (c.availability && c.availability.weekly.length > 0 ? t('centres.hoursSet') : t('centres.hoursMissing')) },
          { header: t('centres.status'), cell: (c) => <OnboardedTag ctx={props.ctx} centre={c} /> },
        ]}
      />
    </Layout>
  );
}

/** What a flash notice on the centre's page may say (after a change made on another page). */
const NOTICES = ['details', 'hours', 'closureAdded', 'closureRemoved', 'onboarded', 'offboarded', 'calendarOff'] as const;
type CentreNotice = (typeof NOTICES)[number];

interface CentrePageProps {
  ctx: PageContext;
  centre: Centre;
  isAdmin: boolean;
  occupationNames: string[];
  upcomingClosures: number;
  calendar: CalendarLinkRecord | undefined;
  calendarLink?: string | undefined;
  notice?: CentreNotice | undefined;
  errors?: FieldError[];
}

/** One centre: its details, hours, closures, instant booking (onboarding) and calendar link, each with its way to change it. */
function CentrePage(props: CentrePageProps) {
  const { t } = props.ctx;
  const { centre } = props;
  const gaps = onboardingGaps(centre);
  const a = centre.availability;
  return (
    <Layout ctx={props.ctx} title={centre.name} section="centres" errors={props.errors ?? []}>
      {props.notice && <Notice tone="success">{t(`centres.notice.${props.notice}`)}</Notice>}
      {centre.sample && <Notice tone="warning" title={t('centres.sampleTitle')}>{t('centres.sampleHelp')}</Notice>}
      <p>
        <OnboardedTag ctx={props.ctx} centre={centre} />
      </p>

      <h2>{t('centres.detailsTitle')}</h2>
      <dl class="facts">
        <dt>{t('centres.city')}</dt>
        <dd>{centre.city}</dd>
        <dt>{t('centres.address')}</dt>
        <dd>{centre.address ?? t('centres.unknown')}</dd>
        <dt>{t('centres.phone')}</dt>
        <dd>{centre.phone ?? t('centres.unknown')}</dd>
        <dt>{t('centres.assesses')}</dt>
        <dd>{centre.assesses === 'all' ? t('centres.assessesAll') : centre.assesses === 'unknown' ? t('centres.unknown') : props.occupationNames.join(', ')}</dd>
      </dl>
      {props.isAdmin ? (
        <p>
          <a href={`/console/centres/${centre.id}/details`}>{t('centres.changeDetails')}</a>
        </p>
      ) : (
        <p class="aside">{t('centres.detailsAdminsOnly')}</p>
      )}

      <h2>{t('centres.hoursTitle')}</h2>
      {a && a.weekly.length > 0 ? (
        <>
          <p>{t('centres.slotsAre', { minutes: a.slotMinutes, count: a.capacity })}</p>
          <WeeklyHours ctx={props.ctx} availability={a} />
        </>
      ) : (
        <p>{t('centres.noHours')}</p>
      )}
      <p>
        <a href={`/console/centres/${centre.id}/hours`}>{t('centres.changeHours')}</a>
      </p>

      <h2>{t('centres.closuresTitle')}</h2>
      <p>{props.upcomingClosures === 0 ? t('centres.noClosures') : t('centres.closuresCount', { count: props.upcomingClosures })}</p>
      <p>
        <a href={`/console/centres/${centre.id}/closures`}>{t('centres.changeClosures')}</a>
      </p>

      <h2 id="onboarding">{t('onboarding.title')}</h2>
      {centre.onboarded ? (
        <>
          <p>{t('onboarding.onHelp')}</p>
          {!props.isAdmin && <p class="aside">{t('onboarding.adminsOnly')}</p>}
          {props.isAdmin && (
            <PostForm action={`/console/centres/${centre.id}/offboard`} csrfToken={props.ctx.csrfToken} class="action-form">
              <p class="field-hint">{t('onboarding.stopHint')}</p>
              <Button variant="secondary">{t('onboarding.stop')}</Button>
            </PostForm>
          )}
        </>
      ) : (
        <>
          <p>{t('onboarding.offHelp')}</p>
          <ul class="checklist">
            {ONBOARDING_NEEDS.map((need) => (
              <li>
                {gaps.includes(need) ? <StatusTag tone="warning">{t('onboarding.missing')}</StatusTag> : <StatusTag tone="success">{t('onboarding.done')}</StatusTag>}{' '}
                {t(`onboarding.need.${need}`)}
              </li>
            ))}
          </ul>
          {!props.isAdmin && <p class="aside">{t('onboarding.adminsOnly')}</p>}
          {props.isAdmin && (
            <PostForm action={`/console/centres/${centre.id}/onboard`} csrfToken={props.ctx.csrfToken} class="action-form">
              <Button>{t('onboarding.start')}</Button>
            </PostForm>
          )}
        </>
      )}

      {props.isAdmin && <CalendarSection ctx={props.ctx} centre={centre} calendar={props.calendar} link={props.calendarLink} />}

      <p>
        <a href="/console/centres">{t('centres.back')}</a>
      </p>
    </Layout>
  );
}

/** The centre's calendar subscription link: shown once when made; replaced or turned off here. */
function CalendarSection(props: { ctx: PageContext; centre: Centre; calendar: CalendarLinkRecord | undefined; link: string | undefined }) {
  const { t, lang } = props.ctx;
  const action = `/console/centres/${props.centre.id}/calendar`;
  return (
    <>
      <h2 id="calendar">{t('calendar.title')}</h2>
      <p>{t('calendar.help')}</p>
      {props.link && (
        <Notice tone="success" title={t('calendar.made')}>
          <p>{t('calendar.madeHelp')}</p>
          <p class="invite-link">
            <code>{props.link}</code>
          </p>
        </Notice>
      )}
      {props.calendar ? (
        <>
          <p>{t('calendar.on', { date: formatDate(props.calendar.createdAt.slice(0, 10), lang), who: props.calendar.createdBy })}</p>
          <div class="actions">
            <PostForm action={`${action}/new`} csrfToken={props.ctx.csrfToken} class="inline-form">
              <Button variant="secondary">{t('calendar.replace')}</Button>
            </PostForm>
            <PostForm action={`${action}/off`} csrfToken={props.ctx.csrfToken} class="inline-form">
              <Button variant="danger">{t('calendar.turnOff')}</Button>
            </PostForm>
          </div>
        </>
      ) : (
        <>
          <p>{t('calendar.off')}</p>
          <PostForm action={`${action}/new`} csrfToken={props.ctx.csrfToken} class="action-form">
            <Button variant="secondary">{t('calendar.make')}</Button>
          </PostForm>
        </>
      )}
    </>
  );
}

async function renderCentre(req: Request, res: Response, services: ConsoleServices, centre: Centre, extra: { errors?: FieldError[]; notice?: CentreNotice; calendarLink?: string } = {}, status = 200): Promise<void> {
  const { deps } = services;
  const me = viewerOf(res);
  const lang = pageContext(req, res).lang;
  const names = Array.isArray(centre.assesses) ? centre.assesses.map((id) => deps.catalog.occupation(id)?.name[lang] ?? id) : [];
  const today = todayAt(centre, deps.now());
  const a = centre.availability;
  const upcoming = a ? a.closedDates.filter((d) => d >= today).length + a.closures.filter((c) => c.to >= today).length : 0;
  const calendar = me.role === 'admin' ? await deps.calendarLinks.get(centre.id) : undefined;
  sendPage(
    res,
    <CentrePage ctx={pageContext(req, res)} centre={centre} isAdmin={me.role === 'admin'} occupationNames={names} upcomingClosures={upcoming} calendar={calendar} calendarLink={extra.calendarLink} notice={extra.notice} errors={extra.errors} />,
    status,
  );
}

/**
 * GET /console/centres and /console/centres/:id; POST …/onboard and …/offboard (instant booking on
 * and off) and …/calendar/new and …/calendar/off (the calendar link), admins only. A centre the
 * person may not see (another institution's, or one outside their list) answers 404 exactly like
 * one that does not exist. Every change goes in the audit log.
 */
export const centrePages: ConsolePages = (router, services) => {
  const { deps, audit } = services;

  router.get('/centres', signedIn(), async (req, res) => {
    const centres = await visibleCentres(viewerOf(res), deps.centres);
    sendPage(res, <CentresPage ctx={pageContext(req, res)} centres={centres} />);
  });

  router.get('/centres/:id', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const flash = req.session.flash;
    delete req.session.flash;
    const notice = z.enum(NOTICES).safeParse(flash?.centreNotice);
    await renderCentre(req, res, services, centre, { ...(notice.success ? { notice: notice.data } : {}), ...(flash?.calendarLink ? { calendarLink: flash.calendarLink } : {}) });
  });

  router.post('/centres/:id/onboard', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    const gaps = onboardingGaps(centre);
    if (gaps.length > 0) {
      const { t } = pageContext(req, res);
      const errors = gaps.map((need: OnboardingNeed) => ({ field: 'onboarding', message: t(`onboarding.errors.${need}`) }));
      return renderCentre(req, res, services, centre, { errors }, 400);
    }
    if (!centre.onboarded) {
      await deps.centres.save({ ...centre, onboarded: true });
      await audit.record({ who: me.email, institution: me.institution, action: 'centre.onboard', target: centre.id, before: { onboarded: false }, after: { onboarded: true } });
    }
    req.session.flash = { centreNotice: 'onboarded' };
    res.redirect(303, `/console/centres/${centre.id}`);
  });

  router.post('/centres/:id/offboard', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    if (centre.onboarded) {
      await deps.centres.save({ ...centre, onboarded: false });
      await audit.record({ who: me.email, institution: me.institution, action: 'centre.offboard', target: centre.id, before: { onboarded: true }, after: { onboarded: false } });
    }
    req.session.flash = { centreNotice: 'offboarded' };
    res.redirect(303, `/console/centres/${centre.id}`);
  });

  router.post('/centres/:id/calendar/new', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    const before = await deps.calendarLinks.get(centre.id);
    const { secret, record } = await deps.calendarLinks.create(centre.id, me.email);
    // The audit keeps when and who, never the secret.
    await audit.record({ who: me.email, institution: me.institution, action: 'calendar.link_new', target: centre.id, before: before ? { createdAt: before.createdAt } : null, after: { createdAt: record.createdAt } });
    req.session.flash = { calendarLink: `${deps.publicUrl}/calendar/${centre.id}/${secret}.ics` };
    res.redirect(303, `/console/centres/${centre.id}#calendar`);
  });

  router.post('/centres/:id/calendar/off', signedIn('admin'), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    const before = await deps.calendarLinks.revoke(centre.id);
    if (before) await audit.record({ who: me.email, institution: me.institution, action: 'calendar.link_off', target: centre.id, before: { createdAt: before.createdAt }, after: null });
    req.session.flash = { centreNotice: 'calendarOff' };
    res.redirect(303, `/console/centres/${centre.id}`);
  });
};
