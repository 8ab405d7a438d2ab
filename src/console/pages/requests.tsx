import type { Request, Response } from 'express';
import { z } from 'zod';
import { DECLINE_REASONS, type Booking } from '../../booking/booking.js';
import { isBookable, type Centre } from '../../booking/centre.js';
import type { Catalog } from '../../catalog/Catalog.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import { visibleBooking } from '../bookings/bookingAccess.js';
import { BookingFacts, ChannelText, standardOf, TimeFields, tradeOf } from '../bookings/BookingParts.js';
import { firstNameOf, localText, preferencesText, shortWhen, todayIn } from '../bookings/bookingText.js';
import { changed, type Done, type Refusal } from '../bookings/changeBooking.js';
import { CentreFilter, chosenCentres } from '../bookings/CentreFilter.js';
import { staffTime } from '../bookings/staffTime.js';
import type { ConsolePages, ConsoleServices } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, Radios } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Table } from '../ui/Table.js';
import { sendMessage } from './MessagePage.js';

/** The requests waiting for an answer, oldest first, with when each worker can go in plain words. */
function RequestsPage(props: { ctx: PageContext; catalog: Catalog; requests: Booking[]; visible: Centre[]; centreValue: string; simulated: (b: Booking) => boolean }) {
  const { ctx, catalog } = props;
  const { t } = ctx;
  const centres = new Map(props.visible.map((c) => [c.id, c]));
  return (
    <Layout ctx={ctx} title={t('requests.title')} section="requests">
      <p class="lead">{t('requests.intro')}</p>
      <CentreFilter ctx={ctx} action="/console/requests" centres={props.visible} value={props.centreValue} />
      <Table
        caption={t('requests.caption', { count: props.requests.length })}
        rows={props.requests}
        empty={t('requests.none')}
        columns={[
          { header: t('requests.since'), cell: (b) => <time datetime={b.createdAt}>{shortWhen(b.createdAt, b.timeZone, ctx.lang)}</time>, rowHeader: true },
          { header: t('requests.name'), cell: (b) => firstNameOf(b) },
          {
            header: t('requests.trade'),
            cell: (b) => (
              <>
                {tradeOf(catalog, ctx, b)}
                <br />
                <small class="muted">{standardOf(catalog, ctx, b)}</small>
              </>
            ),
          },
          { header: t('requests.centre'), cell: (b) => centres.get(b.centreId)?.name ?? b.centreId },
          { header: t('requests.when'), cell: (b) => preferencesText(t, ctx.lang, b.preferences) },
          { header: t('requests.channel'), cell: (b) => <ChannelText ctx={ctx} booking={b} simulated={props.simulated(b)} /> },
          {
            header: t('requests.answer'),
            cell: (b) => (
              <a href={`/console/requests/${b.code}`}>
                {t('requests.answerLink')} <span class="visually-hidden">{b.code}</span>
              </a>
            ),
          },
        ]}
      />
    </Layout>
  );
}

interface AnswerForm {
  confirmDate: string;
  confirmTime: string;
  proposeDate: string;
  proposeTime: string;
  reason: string;
}
const EMPTY: AnswerForm = { confirmDate: '', confirmTime: '', proposeDate: '', proposeTime: '', reason: '' };

/** One request: who asks, for what, when they can go, and the three answers (confirm a time, propose one, decline). */
function RequestPage(props: { ctx: PageContext; catalog: Catalog; booking: Booking; centre: Centre; form: AnswerForm; errors: FieldError[]; today: string; freeTimes: string[]; simulated: (b: Booking) => boolean }) {
  const { ctx, booking: b } = props;
  const { t } = ctx;
  const errors = errorsByField(props.errors);
  const base = `/console/requests/${b.code}`;
  const hint = props.freeTimes.length > 0 ? t('booking.freeTimes', { times: props.freeTimes.join('; ') }) : undefined;
  return (
    <Layout ctx={ctx} title={t('requests.oneTitle', { code: b.code })} section="requests" errors={props.errors}>
      <BookingFacts ctx={ctx} catalog={props.catalog} booking={b} centre={props.centre} simulated={props.simulated(b)} />

      <section class="answer" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t('requests.confirmTitle')}</h2>
        <p>{t('requests.confirmHelp')}</p>
        <PostForm action={`${base}/confirm`} csrfToken={ctx.csrfToken} class="narrow" label={t('requests.confirmTitle')}>
          <TimeFields ctx={ctx} prefix="confirm" values={{ date: props.form.confirmDate, time: props.form.confirmTime }} errors={errors} min={props.today} hint={hint} />
          <Button>{t('requests.confirmSubmit')}</Button>
        </PostForm>
      </section>

      <section class="answer" aria-labelledby="propose-title">
        <h2 id="propose-title">{t('requests.proposeTitle')}</h2>
        <p>{t('requests.proposeHelp')}</p>
        <PostForm action={`${base}/propose`} csrfToken={ctx.csrfToken} class="narrow" label={t('requests.proposeTitle')}>
          <TimeFields ctx={ctx} prefix="propose" values={{ date: props.form.proposeDate, time: props.form.proposeTime }} errors={errors} min={props.today} hint={hint} />
          <Button variant="secondary">{t('requests.proposeSubmit')}</Button>
        </PostForm>
      </section>

      <section class="answer" aria-labelledby="decline-title">
        <h2 id="decline-title">{t('requests.declineTitle')}</h2>
        <PostForm action={`${base}/decline`} csrfToken={ctx.csrfToken} class="narrow" label={t('requests.declineTitle')}>
          <Radios
            name="reason"
            legend={t('requests.declineLegend')}
            hint={t('requests.declineHint')}
            value={props.form.reason}
            error={errors.reason}
            options={DECLINE_REASONS.map((r) => ({ value: r, label: t(`booking.declineReason.${r}`) }))}
          />
          <Button variant="danger">{t('requests.declineSubmit')}</Button>
        </PostForm>
      </section>
      <p>
        <a href="/console/requests">{t('requests.back')}</a>
      </p>
    </Layout>
  );
}

const reasonField = z.enum(DECLINE_REASONS);

/**
 * GET /console/requests[?centre=<id>] (the queue) and /console/requests/:code (one request, while it
 * is requested or proposed), and its answers: POST /confirm and /propose (a date and a time, checked
 * by staffTime, then by BookingService: full, gone…), /decline (a reason). Each records who did it in
 * the audit log and answers 303 to the booking's page. A request the person may not see is a 404.
 */
export const requestPages: ConsolePages = (router, services) => {
  const { deps, audit } = services;

  router.get('/requests', signedIn(), async (req, res) => {
    const me = viewerOf(res);
    const visible = await visibleCentres(me, deps.centres);
    const chosen = chosenCentres(visible, req.query);
    if (!chosen) return sendMessage(req, res, 'notFound');
    const ids = new Set(chosen.centres.map((c) => c.id));
    const requests = ids.size === 0 ? [] : (await deps.bookings.store.requests(me.institution, chosen.value || undefined)).filter((b) => b.status === 'requested' && ids.has(b.centreId));
    sendPage(res, <RequestsPage ctx={pageContext(req, res)} catalog={deps.catalog} requests={requests} visible={visible} centreValue={chosen.value} simulated={(b) => deps.isSimulatedContact(b.contact)} />);
  });

  router.get('/requests/:code', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    // Answered already: its page says how.
    if (found.booking.status !== 'requested' && found.booking.status !== 'proposed') return res.redirect(303, `/console/bookings/${found.booking.code}`);
    await renderRequest(req, res, services, found, EMPTY, [], 200);
  });

  const schedule = (kind: 'confirm' | 'propose', done: Done) =>
    router.post(`/requests/:code/${kind}`, signedIn(), async (req, res) => {
      const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
      if (!found) return sendMessage(req, res, 'notFound');
      const { t } = pageContext(req, res);
      const fields = formFields(req, [`${kind}Date`, `${kind}Time`]);
      const form: AnswerForm = { ...EMPTY, ...fields };
      const time = staffTime({ date: fields[`${kind}Date`], time: fields[`${kind}Time`] }, found.centre, deps.now());
      if (!time.ok) return renderRequest(req, res, services, found, form, time.problems.map((p) => ({ field: `${kind}${p.on === 'date' ? 'Date' : 'Time'}`, message: t(`booking.errors.${p.problem}`) })), 400);
      const result = kind === 'confirm' ? await deps.bookings.confirm(found.booking.code, time.local) : await deps.bookings.propose(found.booking.code, time.local);
      if (!result.ok) return refused(req, res, services, found, result.reason, `${kind}Time`, form);
      await changed(res, audit, found.booking, result.booking, done);
    });
  schedule('confirm', 'confirmed');
  schedule('propose', 'proposed');

  router.post('/requests/:code/decline', signedIn(), async (req, res) => {
    const found = await visibleBooking(viewerOf(res), req.params, deps.bookings);
    if (!found) return sendMessage(req, res, 'notFound');
    const { t } = pageContext(req, res);
    const form: AnswerForm = { ...EMPTY, ...formFields(req, ['reason']) };
    const reason = reasonField.safeParse(form.reason);
    if (!reason.success) return renderRequest(req, res, services, found, form, [{ field: 'reason', message: t('booking.errors.reasonMissing') }], 400);
    const result = await deps.bookings.decline(found.booking.code, reason.data);
    if (!result.ok) return refused(req, res, services, found, result.reason, 'reason', form);
    await changed(res, audit, found.booking, result.booking, 'declined');
  });
};

/** The service said no: answered meanwhile (to its page), or the time is full (the form again, saying so). */
async function refused(req: Request, res: Response, services: ConsoleServices, found: { booking: Booking; centre: Centre }, reason: Refusal, field: string, form: AnswerForm): Promise<void> {
  if (reason === 'not_found') return sendMessage(req, res, 'notFound');
  const { t } = pageContext(req, res);
  await renderRequest(req, res, services, found, form, [{ field, message: t(`booking.errors.${reason}`) }], 409);
}

async function renderRequest(req: Request, res: Response, { deps }: ConsoleServices, found: { booking: Booking; centre: Centre }, form: AnswerForm, errors: FieldError[], status: number): Promise<void> {
  const { centre } = found;
  const booking = (await deps.bookings.get(found.booking.code)) ?? found.booking;
  const ctx = pageContext(req, res);
  const free = isBookable(centre) ? await deps.bookings.freeSlots(centre, { limit: 3, perDay: 1 }) : [];
  sendPage(res, <RequestPage ctx={ctx} catalog={deps.catalog} booking={booking} centre={centre} form={form} errors={errors} today={todayIn(centre.timeZone, deps.now())} freeTimes={free.map((s) => localText(s.local, ctx.lang))} simulated={(b) => deps.isSimulatedContact(b.contact)} />, status);
}
