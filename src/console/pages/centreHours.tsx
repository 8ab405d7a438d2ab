import type { Request, Response } from 'express';
import { WEEKDAYS } from '../../booking/availability.js';
import type { Conflict } from '../../booking/availabilityConflicts.js';
import { centreSchema, type Centre } from '../../booking/centre.js';
import { upcomingConflicts } from '../../booking/upcomingConflicts.js';
import { pageContext, signedIn, viewerOf } from '../access.js';
import { centreOf, hoursSummary, sourceNote } from '../centres/centreOf.js';
import { hoursFormFrom, hoursFormOf, parseHours, SLOT_LENGTHS, type HoursForm } from '../centres/hoursForm.js';
import { ConflictList } from '../centres/parts.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { formFields } from '../formBody.js';
import { sendPage } from '../render.js';
import { errorsByField, type FieldError } from '../ui/ErrorSummary.js';
import { Button, PostForm, Select, TextInput } from '../ui/form.js';
import { Layout, type PageContext } from '../ui/Layout.js';

/**
 * The weekly hours, slot length and capacity on one form: a row per weekday with its opening and
 * closing time (and a second period after a break), or "closed".
 */
function HoursPage(props: { ctx: PageContext; centre: Centre; form: HoursForm; errors: FieldError[]; conflicts: readonly Conflict[] }) {
  const { t } = props.ctx;
  const errors = errorsByField(props.errors);
  const { centre, form } = props;
  const lengths = [...new Set([...SLOT_LENGTHS.map(String), form.slotMinutes].filter((x) => /^\d+$/.test(x)))].sort((a, b) => Number(a) - Number(b));
  return (
    <Layout ctx={props.ctx} title={t('hours.title', { name: centre.name })} section="centres" errors={props.errors}>
      <p>
        <a href={`/console/centres/${centre.id}`}>{t('centres.backTo', { name: centre.name })}</a>
      </p>
      <ConflictList ctx={props.ctx} conflicts={props.conflicts} />
      <PostForm action={`/console/centres/${centre.id}/hours`} csrfToken={props.ctx.csrfToken} class="action-form" label={t('hours.formLabel')}>
        <div class="short-fields">
          <Select
            name="slotMinutes"
            label={t('hours.slotMinutes')}
            hint={t('hours.slotMinutesHint')}
            value={form.slotMinutes}
            error={errors.slotMinutes}
            options={[{ value: '', label: t('hours.choose') }, ...lengths.map((m) => ({ value: m, label: t('hours.minutes', { count: Number(m) }) }))]}
          />
          <TextInput name="capacity" label={t('hours.capacity')} hint={t('hours.capacityHint')} value={form.capacity} error={errors.capacity} inputmode="numeric" width="short" />
        </div>
        <h2>{t('hours.weekTitle')}</h2>
        <p class="field-hint">{t('hours.weekHint', { zone: centre.timeZone })}</p>
        {WEEKDAYS.map((day) => {
          const d = form.days[day];
          const dayName = t(`hours.day.${day}`);
          const dayErrors = [`${day}-closed`, `${day}-from`, `${day}-to`, `${day}-from2`, `${day}-to2`].map((f) => errors[f]).filter(Boolean);
          return (
            <fieldset class={`day-hours${dayErrors.length > 0 ? ' field--error' : ''}`}>
              <legend>{dayName}</legend>
              {dayErrors.map((e) => (
                <p class="field-error">{e}</p>
              ))}
              <div class="day-row">
                <div class="choice day-closed">
                  <input type="checkbox" id={`${day}-closed`} name={`${day}-closed`} value="1" checked={d.closed} aria-invalid={errors[`${day}-closed`] ? 'true' : undefined} />
                  <label for={`${day}-closed`}>
                    <span class="visually-hidden">{t('hours.dayPrefix', { day: dayName })} </span>
                    {t('hours.closedLabel')}
                  </label>
                </div>
                <TimeField id={`${day}-from`} day={t('hours.dayPrefix', { day: dayName })} label={t('hours.opens')} value={d.from} invalid={Boolean(errors[`${day}-from`])} />
                <TimeField id={`${day}-to`} day={t('hours.dayPrefix', { day: dayName })} label={t('hours.closes')} value={d.to} invalid={Boolean(errors[`${day}-to`])} />
                <TimeField id={`${day}-from2`} day={t('hours.dayPrefix', { day: dayName })} label={t('hours.opens2')} value={d.from2} invalid={Boolean(errors[`${day}-from2`])} />
                <TimeField id={`${day}-to2`} day={t('hours.dayPrefix', { day: dayName })} label={t('hours.closes2')} value={d.to2} invalid={Boolean(errors[`${day}-to2`])} />
              </div>
            </fieldset>
          );
        })}
        <div class="form-actions">
          <Button>{t('hours.save')}</Button>
        </div>
      </PostForm>
    </Layout>
  );
}

/**
 * A time field in a day's row: 24-hour text ("08:00"; "8:00", "0800" and "8" are understood too), the
 * same whatever the browser's language, where a time picker would show "08:00 a. m." in some. Its
 * label starts with the day, for screen readers and error links, shown once above the row.
 */
function TimeField(props: { id: string; day: string; label: string; value: string; invalid: boolean }) {
  return (
    <div class="time-field">
      <label for={props.id}>
        <span class="visually-hidden">{props.day} </span>
        {props.label}
      </label>
      <input type="text" id={props.id} name={props.id} value={props.value} maxLength={5} autocomplete="off" spellcheck={false} class="time-input" aria-invalid={props.invalid ? 'true' : undefined} />
    </div>
  );
}

/**
 * GET and POST /console/centres/:id/hours: admins, and staff who may see the centre. A change that
 * would leave confirmed or proposed appointments outside the hours (or over capacity) is refused,
 * listing them: the person moves or cancels them first. An onboarded centre keeps some hours.
 */
export const centreHoursPages: ConsolePages = (router, { deps, audit }) => {
  const render = (req: Request, res: Response, centre: Centre, form: HoursForm, errors: FieldError[], conflicts: readonly Conflict[], status: number) =>
    sendPage(res, <HoursPage ctx={pageContext(req, res)} centre={centre} form={form} errors={errors} conflicts={conflicts} />, status);

  router.get('/centres/:id/hours', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (centre) render(req, res, centre, hoursFormOf(centre.availability), [], [], 200);
  });

  router.post('/centres/:id/hours', signedIn(), async (req, res) => {
    const centre = await centreOf(req, res, deps);
    if (!centre) return;
    const me = viewerOf(res);
    const { t } = pageContext(req, res);
    const names = ['slotMinutes', 'capacity', ...WEEKDAYS.flatMap((d) => ['closed', 'from', 'to', 'from2', 'to2'].map((f) => `${d}-${f}`))];
    const fields = formFields(req, names);
    const form = hoursFormFrom((name) => fields[name] ?? '');
    const parsed = parseHours(form, centre.availability);
    if (!parsed.ok) {
      const errors = parsed.errors.map((e) => ({ field: e.field, message: t(e.key, { day: e.day ? t(`hours.day.${e.day}`) : '' }) }));
      return render(req, res, centre, form, errors, [], 400);
    }
    const next = centreSchema.safeParse({ ...centre, availability: parsed.availability, source: sourceNote(centre, 'Hours', deps.now()) });
    // Only an onboarded centre with every day closed fails here: it would offer instant booking without any slot.
    if (!next.success) return render(req, res, centre, form, [{ field: 'mon-closed', message: t('hours.errors.onboardedNeedsHours') }], [], 400);
    const conflicts = await upcomingConflicts(deps.bookings.store, next.data, deps.now());
    if (conflicts.length > 0) return render(req, res, centre, form, [{ field: 'conflicts', message: t('conflicts.summary', { count: conflicts.length }) }], conflicts, 409);
    await deps.centres.save(next.data);
    await audit.record({ who: me.email, institution: me.institution, action: 'centre.hours', target: centre.id, before: hoursSummary(centre.availability), after: hoursSummary(next.data.availability) });
    req.session.flash = { centreNotice: 'hours' };
    res.redirect(303, `/console/centres/${centre.id}`);
  });
};
