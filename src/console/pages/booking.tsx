import type { Request, Response } from 'express';
import { z } from 'zod';
import { OUTCOMES, type Booking } from '../../booking/booking.js';
import { isBookable, type Centre } from '../../booking/centre.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import { visibleBooking } from '../bookings/bookingAccess.js';
import { BookingFacts, HistoryList, TimeFields } from '../bookings/BookingParts.js';
import { localText, todayIn, whenText } from '../bookings/bookingText.js';
import { changed, doneQuery, type Done, type Refusal } from '../bookings/changeBooking.js';
import { staffTime } from '../bookings/staffTime.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, Radios } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Notice } from '../ui/Notice.js';
import { sendMessage } from './MessagePage.js';

interface ActionForm {
  outcome: string;
  moveDate: string;
  moveTime: string;
}
const EMPTY: ActionForm = { outcome: '', moveDate: '', moveTime: '' };

/** One appointment: what staff need to know, what they can do now (one small form each), and its history. */
function BookingPage(props: {
  ctx: PageContext;
  services: ConsoleServices;
  booking: Booking;
  centre: Centre;
  done: Done | undefined;
  form: ActionForm;
  errors: FieldError[];
  freeTimes: string[];
  today: string;
}) {
  const { ctx, booking: b } = props;
  const { t } = ctx;
  const errors = errorsByField(props.errors);
  const base = `/console/bookings/${b.code}`;
  return (
    <Layout ctx={ctx} title={t('booking.title', { code: b.code })} section={b.status === 'requested' ? 'requests' : 'appointments'} errors={props.errors}>
      {props.done && <Notice tone="success">{t(`booking.done.${props.done}`)}</Notice>}
      <BookingFacts ctx={ctx} catalog={props.services.deps.catalog} booking={b} centre={props.centre} simulated={props.services.deps.isSimulatedContact(b.contact)} />

      <h2 id="actions" tabindex={-1}>
        {t('booking.actionsTitle')}
      </h2>
      {errors.actions && <p class="field-error">{errors.actions}</p>}
      {(b.status === 'requested' || b.status === 'proposed') && (
        <p>
          <a href={`/console/requests/${b.code}`} class="button-link">
            {t(b.status === 'requested' ? 'booking.answerRequest' : 'booking.answerProposal')}
          </a>
        </p>
      )}
      {b.status === 'confirmed' && (
        <>
          <div class="action-row">
            <PostForm action={`${base}/attended`} csrfToken={ctx.csrfToken} class="inline-form" label={t('booking.markAttended')}>
              <Button>{t('booking.markAttended')}</Button>
            </PostForm>
            <PostForm action={`${base}/no-show`} csrfToken={ctx.csrfToken} class="inline-form" label={t('booking.markNoShow')}>
              <Button variant="secondary">{t('booking.markNoShow')}</Button>
            </PostForm>
          </div>
          <h3>{t('booking.moveTitle')}</h3>
          <PostForm action={`${base}/move`} csrfToken={ctx.csrfToken} class="narrow" label={t('booking.moveTitle')}>
            <TimeFields
              ctx={ctx}
              prefix="move"
              values={{ date: props.form.moveDate, time: props.form.moveTime }}
              errors={errors}
              min={props.today}
              hint={props.freeTimes.length > 0 ? t('booking.freeTimes', { times: props.freeTimes.join('; ') }) : undefined}
            />
            <Button variant="secondary">{t('booking.moveSubmit')}</Button>
          </PostForm>
        </>
      )}
      {b.status === 'attended' && (
        <PostForm action={`${base}/outcome`} csrfToken={ctx.csrfToken} class="narrow" label={t('booking.outcomeLegend')}>
          <Radios
            name="outcome"
            legend={t('booking.outcomeLegend')}
            hint={t('booking.outcomeHint')}
            value={props.form.outcome || (b.outcome ?? '')}
            error={errors.outcome}
            options={OUTCOMES.map((o) => ({ value: o, label: t(`booking.outcome.${o}`), hint: t(`booking.outcomeHelp.${o}`) }))}
          />
          <Button>{t(b.outcome ? 'booking.outcomeCorrect' : 'booking.outcomeSubmit')}</Button>
        </PostForm>
      )}
      {(b.status === 'requested' || b.status === 'proposed' || b.status === 'confirmed') && (
        <p>
          <a href={`${base}/cancel`} class="danger-link">
            {t('booking.cancelLink')}
          </a>
        </p>
      )}
      {!['requested', 'proposed', 'confirmed', 'attended'].includes(b.status) && <p>{t('booking.nothingToDo')}</p>}

      <h2>{t('booking.historyTitle')}</h2>
      <HistoryList ctx={ctx} booking={b} />
      <p>
        <a href="/console/appointments">{t('booking.back')}</a>
      </p>
    </Layout>
  );
}

/** "Are you sure?" before cancelling: what the worker will be told, and a way back. */
function CancelPage(props: { ctx: PageContext; booking: Booking }) {
  const { ctx, booking: b } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('booking.cancelTitle', { code: b.code })} section="appointments">
      <p class="lead">{b.slot ? t('booking.cancelWhen', { when: whenText(b.slot.start, b.timeZone, ctx.lang) }) : t('booking.cancelRequest')}</p>
      <p>{t('booking.cancelBody')}</p>
      <PostForm action={`/console/bookings/${b.code}/cancel`} csrfToken={ctx.csrfToken} label={t('booking.cancelConfirm')}>
        <div class="action-row">
          <Button variant="danger">{t('booking.cancelConfirm')}</Button>
          <a href={`/console/bookings/${b.code}`}>{t('booking.cancelBack')}</a>
        </div>
      </PostForm>
    </Layout>
  );
}

const outcomeField = z.enum(OUTCOMES);

/**
 * GET /console/bookings/:code (the booking page) and its actions, each a POST with the CSRF token
 * that changes the booking through BookingService (the same rules as the API's PATCH), records who
 * did it in the audit log, and answers 303 back to the page with what was done:
 * /attended, /no-show, /outcome, /move, and /cancel (after GET /cancel, the confirmation step).
 * A booking the person may not see answers 404 exactly like one that does not exist.
 */
export const bookingPages: ConsolePages = (router, services) => {
  const { deps, audit } = services;

  router.get('/bookings/:code', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    const q = doneQuery.safeParse(req.query);
    await renderBooking(req, res, services, found, EMPTY, [], 200, q.success ? q.data.done : undefined);
  });

  const mark = (path: string, status: 'attended' | 'no_show') =>
    router.post(`/bookings/:code/${path}`, signedIn(), async (req, res) => {
      const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
      if (!found) return sendMessage(req, res, 'notFound');
      const result = await deps.bookings.mark(found.booking.code, status);
      if (!result.ok) return refused(req, res, services, found, result.reason, 'actions', EMPTY);
      await changed(res, audit, found.booking, result.booking, status);
    });
  mark('attended', 'attended');
  mark('no-show', 'no_show');

  router.post('/bookings/:code/outcome', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    const { t } = pageContext(req, res);
    const form = { ...EMPTY, ...formFields(req, ['outcome']) };
    const outcome = outcomeField.safeParse(form.outcome);
    if (!outcome.success) return renderBooking(req, res, services, found, form, [{ field: 'outcome', message: t('booking.errors.outcomeMissing') }], 400);
    const result = await deps.bookings.setOutcome(found.booking.code, outcome.data);
    if (!result.ok) return refused(req, res, services, found, result.reason, 'outcome', form);
    await changed(res, audit, found.booking, result.booking, 'outcome');
  });

  router.post('/bookings/:code/move', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    const { t } = pageContext(req, res);
    const form = { ...EMPTY, ...formFields(req, ['moveDate', 'moveTime']) };
    const time = staffTime({ date: form.moveDate, time: form.moveTime }, found.centre, deps.now());
    if (!time.ok) return renderBooking(req, res, services, found, form, time.problems.map((p) => ({ field: p.on === 'date' ? 'moveDate' : 'moveTime', message: t(`booking.errors.${p.problem}`) })), 400);
    const result = await deps.bookings.move(found.booking.code, time.local, 'institution');
    if (!result.ok) return refused(req, res, services, found, result.reason, 'moveTime', form);
    await changed(res, audit, found.booking, result.booking, 'moved');
  });

  router.get('/bookings/:code/cancel', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    sendPage(res, <CancelPage ctx={pageContext(req, res)} booking={found.booking} />);
  });

  router.post('/bookings/:code/cancel', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    const result = await deps.bookings.cancel(found.booking.code, 'institution');
    if (!result.ok) return refused(req, res, services, found, result.reason, 'actions', EMPTY);
    await changed(res, audit, found.booking, result.booking, 'cancelled');
  });
};

/** The service said no (someone else changed the booking first, the time is full…): the page again, saying why. */
async function refused(req: Request, res: Response, services: ConsoleServices, found: { booking: Booking; centre: Centre }, reason: Refusal, field: string, form: ActionForm): Promise<void> {
  if (reason === 'not_found') return sendMessage(req, res, 'notFound');
  const { t } = pageContext(req, res);
  const fresh = (await services.deps.bookings.get(found.booking.code)) ?? found.booking;
  await renderBooking(req, res, services, { booking: fresh, centre: found.centre }, form, [{ field, message: t(`booking.errors.${reason}`) }], 409);
}

async function renderBooking(req: Request, res: Response, services: ConsoleServices, found: { booking: Booking; centre: Centre }, form: ActionForm, errors: FieldError[], status: number, done?: Done): Promise<void> {
  const { deps } = services;
  const { booking, centre } = found;
  const now = deps.now();
  const free = booking.status === 'confirmed' && isBookable(centre) ? await deps.bookings.freeSlots(centre, { limit: 3, perDay: 1, ...(booking.slot ? { except: booking.slot.local } : {}) }) : [];
  const ctx = pageContext(req, res);
  sendPage(
    res,
    <BookingPage ctx={ctx} services={services} booking={booking} centre={centre} done={done} form={form} errors={errors} freeTimes={free.map((s) => localText(s.local, ctx.lang))} today={todayIn(centre.timeZone, now)} />,
    status,
  );
}
