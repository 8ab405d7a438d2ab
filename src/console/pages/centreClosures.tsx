import type { Request, Response } from 'express';
import type { Availability } from '../../booking/availability.js';
import type { Conflict } from '../../booking/availabilityConflicts.js';
import type { Centre } from '../../booking/centre.js';
import { upcomingConflicts } from '../../booking/upcomingConflicts.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import { centreOf, formatDate, sourceNote, todayAt } from '../centres/centreOf.js';
import { parseClosure, type ClosureForm } from '../centres/closureForm.js';
import { ConflictList } from '../centres/parts.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { Table } from '../ui/Table.js';

/** A day or days the centre is closed, as the page lists them: a closure with its reason, or a single closed date (set through the API, no reason). */
interface Listed {
  from: string;
  to: string;
  reason: string | null;
  /** What the remove button sends: `closure:<from>:<to>` or `date:<date>`. */
  key: string;
}

function listed(a: Availability, today: string): Listed[] {
  return [
    ...a.closures.filter((c) => c.to >= today).map((c) => ({ from: c.from, to: c.to, reason: c.reason, key: `closure:${c.from}:${c.to}` })),
    ...a.closedDates.filter((d) => d >= today).map((d) => ({ from: d, to: d, reason: null, key: `date:${d}` })),
  ].sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
}

/** The centre's coming closures (each with a button to remove it) and the form that adds one. */
function ClosuresPage(props: { ctx: PageContext; centre: Centre; today: string; form: ClosureForm; errors: FieldError[]; conflicts: readonly Conflict[]; notice: 'closureAdded' | 'closureRemoved' | undefined }) {
  const { t, lang } = props.ctx;
  const errors = errorsByField(props.errors);
  const { centre } = props;
  const a = centre.availability;
  return (
    <Layout ctx={props.ctx} title={t('closures.title', { name: centre.name })} section="centres" errors={props.errors}>
      {props.notice && <Notice tone="success">{t(`centres.notice.${props.notice}`)}</Notice>}
      <p>
        <a href={`/console/centres/${centre.id}`}>{t('centres.backTo', { name: centre.name })}</a>
      </p>
      {!a ? (
        <p>
          {t('closures.hoursFirst')} <a href={`/console/centres/${centre.id}/hours`}>{t('centres.changeHours')}</a>
        </p>
      ) : (
        <>
          <p>{t('closures.help')}</p>
          <Table
            caption={t('closures.caption')}
            rows={listed(a, props.today)}
            empty={t('closures.none')}
            columns={[
              { header: t('closures.dates'), cell: (c) => (c.from === c.to ? formatDate(c.from, lang) : t('closures.range', { from: formatDate(c.from, lang), to: formatDate(c.to, lang) })), rowHeader: true },
              { header: t('closures.reason'), cell: (c) => c.reason ?? t('closures.noReason') },
              {
                header: t('closures.actions'),
                cell: (c) => (
                  <PostForm action={`/console/centres/${centre.id}/closures/remove`} csrfToken={props.ctx.csrfToken} class="inline-form">
                    <input type="hidden" name="closure" value={c.key} />
                    <Button variant="secondary">
                      {t('closures.remove')}
                      <span class="visually-hidden"> {t('closures.removeWhich', { dates: c.from === c.to ? formatDate(c.from, lang) : t('closures.range', { from: formatDate(c.from, lang), to: formatDate(c.to, lang) }) })}</span>
                    </Button>
                  </PostForm>
                ),
              },
            ]}
          />
          <h2 id="add-title">{t('closures.addTitle')}</h2>
          <ConflictList ctx={props.ctx} conflicts={props.conflicts} />
          <PostForm action={`/console/centres/${centre.id}/closures`} csrfToken={props.ctx.csrfToken} class="narrow action-form" label={t('closures.addTitle')}>
            <TextInput name="from" label={t('closures.from')} hint={t('closures.fromHint')} value={props.form.from} error={errors.from} width="short" autocomplete="off" />
            <TextInput name="to" label={t('closures.to')} hint={t('closures.toHint')} value={props.form.to} error={errors.to} width="short" autocomplete="off" />
            <TextInput name="reason" label={t('closures.reason')} hint={t('closures.reasonHint')} value={props.form.reason} error={errors.reason} />
            <Button>{t('closures.add')}</Button>
          </PostForm>
        </>
      )}
    </Layout>
  );
}

/**
 * GET /console/centres/:id/closures, POST …/closures (add) and …/closures/remove: admins, and staff
 * who may see the centre. A closure over confirmed or proposed appointments is refused, listing them.
 */
export const centreClosuresPages: ConsolePages = (router, services) => {
  const { deps, audit } = services;
  const empty: ClosureForm = { from: '', to: '', reason: '' };

  router.get('/centres/:id/closures', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (centre) render(req, res, services, centre, empty, [], [], 200);
  });

  router.post('/centres/:id/closures', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const a = centre.availability;
    if (!a) return res.redirect(303, `/console/centres/${centre.id}/closures`);
    const me = viewerOf(res);
    const { t } = pageContext(req, res);
    const form = formFields(req, ['from', 'to', 'reason']);
    const parsed = parseClosure(form, todayAt(centre, deps.now()));
    if (!parsed.ok) return render(req, res, services, centre, form, parsed.errors.map((e) => ({ field: e.field, message: t(e.key) })), [], 400);
    const next: Centre = { ...centre, availability: { ...a, closures: [...a.closures, parsed.closure] }, source: sourceNote(centre, 'Closures', deps.now()) };
    const conflicts = await upcomingConflicts(deps.bookings.store, next, deps.now());
    if (conflicts.length > 0) return render(req, res, services, centre, form, [{ field: 'conflicts', message: t('conflicts.summary', { count: conflicts.length }) }], conflicts, 409);
    await deps.centres.save(next);
    await audit.record({ who: me.email, institution: me.institution, action: 'centre.closure_add', target: centre.id, before: null, after: parsed.closure });
    req.session.flash = { centreNotice: 'closureAdded' };
    res.redirect(303, `/console/centres/${centre.id}/closures`);
  });

  router.post('/centres/:id/closures/remove', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const a = centre.availability;
    const me = viewerOf(res);
    const { closure } = formFields(req, ['closure']);
    const [kind, from, to] = closure.split(':');
    const removed = a && kind === 'closure' ? a.closures.find((c) => c.from === from && c.to === to) : undefined;
    const removedDate = a && kind === 'date' && from !== undefined && a.closedDates.includes(from) ? from : undefined;
    if (a && (removed || removedDate)) {
      // Opening days again strands no appointment: no conflicts to check.
      const next: Centre = {
        ...centre,
        availability: { ...a, closures: a.closures.filter((c) => c !== removed), closedDates: a.closedDates.filter((d) => d !== removedDate) },
        source: sourceNote(centre, 'Closures', deps.now()),
      };
      await deps.centres.save(next);
      const before = removed ?? { from: removedDate!, to: removedDate!, reason: null };
      await audit.record({ who: me.email, institution: me.institution, action: 'centre.closure_remove', target: centre.id, before, after: null });
      req.session.flash = { centreNotice: 'closureRemoved' };
    }
    res.redirect(303, `/console/centres/${centre.id}/closures`);
  });
};

function render(req: Request, res: Response, { deps }: ConsoleServices, centre: Centre, form: ClosureForm, errors: FieldError[], conflicts: readonly Conflict[], status: number): void {
  const flash = req.session.flash;
  delete req.session.flash;
  const notice = flash?.centreNotice === 'closureAdded' || flash?.centreNotice === 'closureRemoved' ? flash.centreNotice : undefined;
  sendPage(
    res,
    <ClosuresPage ctx={pageContext(req, res)} centre={centre} today={todayAt(centre, deps.now())} form={form} errors={errors} conflicts={conflicts} notice={notice} />,
    status,
  );
}

