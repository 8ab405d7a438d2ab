import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { Centre } from '../../booking/centre.js';
import { bookingView } from '../../api/bookingView.js';
import { bookingsCsv } from '../../api/csv.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import { todayIn } from '../bookings/bookingText.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, DateInput, PostForm, Select } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';

/** The longest period one export covers (as the API's listing). */
export const MAX_EXPORT_DAYS = 400;

interface ExportForm {
  centre: string;
  from: string;
  to: string;
}

/** Which centre and which days to download, as a spreadsheet (CSV) without phone numbers. */
function ExportPage(props: { ctx: PageContext; centres: Centre[]; form: ExportForm; errors: FieldError[] }) {
  const { ctx } = props;
  const { t } = ctx;
  const errors = errorsByField(props.errors);
  return (
    <Layout ctx={ctx} title={t('export.title')} section="export" errors={props.errors}>
      <p class="lead">{t('export.intro')}</p>
      <PostForm action="/console/export" csrfToken={ctx.csrfToken} class="narrow" label={t('export.title')}>
        <Select
          name="centre"
          label={t('export.centre')}
          value={props.form.centre}
          error={errors.centre}
          options={[...(props.centres.length > 1 ? [{ value: '', label: t('export.allCentres') }] : []), ...props.centres.map((c) => ({ value: c.id, label: `${c.name}, ${c.city}` }))]}
        />
        <DateInput name="from" label={t('export.from')} hint={t('export.fromHint')} value={props.form.from} error={errors.from} />
        <DateInput name="to" label={t('export.to')} hint={t('export.toHint', { count: MAX_EXPORT_DAYS })} value={props.form.to} error={errors.to} />
        <Button>{t('export.submit')}</Button>
      </PostForm>
      <p class="aside">{t('export.privacy')}</p>
    </Layout>
  );
}

const isDate = (s: string) => /^\d{4}-\d\d-\d\d$/.test(s) && DateTime.fromISO(s).isValid;

/**
 * GET /console/export (the form: a month back to three months ahead by default) and POST
 * /console/export, which answers the CSV of the API (src/api/csv.ts) without the phone column, for
 * the chosen centre or all the person may see, and records the download in the audit log.
 */
export const exportPages: ConsolePages = (router, { deps, audit }) => {

  router.get('/export', signedIn(), async (req, res) => {
    const centres = await visibleCentres(viewerOf(res), deps.centres);
    const today = DateTime.fromISO(todayIn(centres[0]?.timeZone ?? 'UTC', deps.now()));
    const form = { centre: '', from: today.minus({ days: 30 }).toISODate() ?? '', to: today.plus({ days: 90 }).toISODate() ?? '' };
    sendPage(res, <ExportPage ctx={pageContext(req, res)} centres={centres} form={form} errors={[]} />);
  });

  router.post('/export', signedIn(), async (req, res) => {
    const me = viewerOf(res);
    const { t } = pageContext(req, res);
    const form: ExportForm = formFields(req, ['centre', 'from', 'to']);
    const visible = await visibleCentres(me, deps.centres);
    const chosen = form.centre === '' ? visible : visible.filter((c) => c.id === form.centre);
    const errors: FieldError[] = [];
    if (chosen.length === 0) errors.push({ field: 'centre', message: t('export.errors.centre') });
    if (form.from === '') errors.push({ field: 'from', message: t('export.errors.fromMissing') });
    else if (!isDate(form.from)) errors.push({ field: 'from', message: t('export.errors.fromInvalid') });
    if (form.to === '') errors.push({ field: 'to', message: t('export.errors.toMissing') });
    else if (!isDate(form.to)) errors.push({ field: 'to', message: t('export.errors.toInvalid') });
    const zone = chosen[0]?.timeZone ?? 'UTC';
    const from = DateTime.fromISO(form.from, { zone }).startOf('day');
    const to = DateTime.fromISO(form.to, { zone }).plus({ days: 1 }).startOf('day');
    if (errors.length === 0 && to <= from) errors.push({ field: 'to', message: t('export.errors.toBeforeFrom') });
    else if (errors.length === 0 && to.diff(from, 'days').days > MAX_EXPORT_DAYS) errors.push({ field: 'to', message: t('export.errors.tooLong', { count: MAX_EXPORT_DAYS }) });
    if (errors.length > 0) return again(req, res, visible, form, errors);

    const ids = new Set(chosen.map((c) => c.id));
    const centres = new Map(chosen.map((c) => [c.id, c]));
    const bookings = (await deps.bookings.store.byInstitution(me.institution, from.toMillis(), to.toMillis(), form.centre || undefined)).filter((b) => ids.has(b.centreId));
    const csv = bookingsCsv(
      bookings.map((b) => bookingView(b, centres.get(b.centreId), deps.catalog, null)),
      { phone: false },
    );
    await audit.record({ who: me.email, institution: me.institution, action: 'booking.export', target: form.centre || 'all', before: null, after: { from: form.from, to: form.to, rows: bookings.length } });
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', `attachment; filename="ruta-${form.centre || me.institution}-${form.from}-${form.to}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(csv);
  });
};

/** The form again, with what to fix (400). */
function again(req: Request, res: Response, centres: Centre[], form: ExportForm, errors: FieldError[]): void {
  sendPage(res, <ExportPage ctx={pageContext(req, res)} centres={centres} form={form} errors={errors} />, 400);
}
