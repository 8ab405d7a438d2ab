import type { Booking } from '../../booking/booking.js';
import type { Centre } from '../../booking/centre.js';
import type { Catalog } from '../../catalog/Catalog.js';
import { DateInput, TimeInput } from '../ui/form.js';
import type { PageContext } from '../ui/Layout.js';
import { StatusTag } from '../ui/StatusTag.js';
import { firstNameOf, localText, preferencesText, shortWhen, statusTone, whenText } from './bookingText.js';

/** A booking's status as a tag: "Confirmada", "Solicitada". */
export function BookingStatus(props: { ctx: PageContext; booking: Pick<Booking, 'status'> }) {
  return <StatusTag tone={statusTone(props.booking.status)}>{props.ctx.t(`booking.status.${props.booking.status}`)}</StatusTag>;
}

/** The trade in the page's language: "Albañil". */
export function tradeOf(catalog: Catalog, ctx: PageContext, b: Pick<Booking, 'occupation'>): string {
  return catalog.occupation(b.occupation)?.name[ctx.lang] ?? b.occupation;
}

/** The standard the assessment is for: "INFOTEP 0123", or the institution's own for the trade. */
export function standardOf(catalog: Catalog, ctx: PageContext, b: Pick<Booking, 'standard'>): string {
  const institution = catalog.institution(b.standard.institution)?.acronym ?? b.standard.institution;
  return b.standard.code ? `${institution} ${b.standard.code}` : ctx.t('booking.standardOwn', { institution });
}

/** The time of a booking in words, on its centre's clock, or what the worker asked for while it has none. */
export function bookingWhen(ctx: PageContext, b: Booking): string {
  return b.slot ? whenText(b.slot.start, b.timeZone, ctx.lang) : ctx.t('booking.noTimeYet');
}

/**
 * The channel a worker wrote on ("SMS", "WhatsApp"), with a tag when the booking was made in the
 * console's simulator (a person testing Ruta, not a worker: nothing is ever sent to it).
 */
export function ChannelText(props: { ctx: PageContext; booking: Pick<Booking, 'channel'>; simulated: boolean }) {
  const { t } = props.ctx;
  return (
    <>
      {t(`booking.channel.${props.booking.channel}`)}
      {props.simulated && (
        <>
          {' '}
          <StatusTag tone="neutral">{t('booking.simulated')}</StatusTag>
        </>
      )}
    </>
  );
}

/**
 * Everything staff need to know about a booking, as a list of facts: centre, time (or the worker's
 * preferences), worker, trade and standard, pre-screen and the evidence they will bring, channel,
 * language, status, outcome. Never the worker's phone number.
 */
export function BookingFacts(props: { ctx: PageContext; catalog: Catalog; booking: Booking; centre: Centre; simulated: boolean }) {
  const { ctx, catalog, booking: b } = props;
  const { t } = ctx;
  const p = b.prescreen;
  return (
    <dl class="facts facts--grid">
      <dt>{t('booking.fields.code')}</dt>
      <dd>
        <code>{b.code}</code>
      </dd>
      <dt>{t('booking.fields.centre')}</dt>
      <dd>
        <a href={`/console/centres/${props.centre.id}`}>{props.centre.name}</a>, {props.centre.city}
      </dd>
      {b.slot && (
        <>
          <dt>{t('booking.fields.time')}</dt>
          <dd>{bookingWhen(ctx, b)}</dd>
        </>
      )}
      {b.preferences && (
        <>
          <dt>{t('booking.fields.preferences')}</dt>
          <dd>{preferencesText(t, ctx.lang, b.preferences)}</dd>
        </>
      )}
      <dt>{t('booking.fields.name')}</dt>
      <dd>{firstNameOf(b)}</dd>
      <dt>{t('booking.fields.trade')}</dt>
      <dd>{tradeOf(catalog, ctx, b)}</dd>
      <dt>{t('booking.fields.standard')}</dt>
      <dd>{standardOf(catalog, ctx, b)}</dd>
      <dt>{t('booking.fields.prescreen')}</dt>
      <dd>
        {p
          ? t('booking.prescreen.summary', {
              level: t(`booking.prescreen.level.${p.level}`),
              share: Math.round(p.share * 100),
              count: p.years,
              learnedAt: t(`booking.prescreen.learnedAt.${p.learnedAt}`),
            })
          : t('booking.prescreen.none')}
      </dd>
      <dt>{t('booking.fields.evidence')}</dt>
      <dd>
        {p && p.evidence.length > 0 ? (
          <ul class="plain-list">
            {p.evidence.map((e) => (
              <li>{t(`booking.evidence.${e}`)}</li>
            ))}
          </ul>
        ) : (
          t('booking.evidence.none')
        )}
      </dd>
      <dt>{t('booking.fields.channel')}</dt>
      <dd>
        <ChannelText ctx={ctx} booking={b} simulated={props.simulated} />
      </dd>
      <dt>{t('booking.fields.language')}</dt>
      <dd>{t(`booking.language.${b.language}`)}</dd>
      <dt>{t('booking.fields.status')}</dt>
      <dd>
        <BookingStatus ctx={ctx} booking={b} />
        {b.declineReason && <span class="after-tag">{t(`booking.declineReason.${b.declineReason}`)}</span>}
      </dd>
      {(b.status === 'attended' || b.outcome) && (
        <>
          <dt>{t('booking.fields.outcome')}</dt>
          <dd>{b.outcome ? t(`booking.outcome.${b.outcome}`) : t('booking.noOutcome')}</dd>
        </>
      )}
    </dl>
  );
}

/** A booking's history, oldest first: when (centre's clock), what, by whom, and the detail (new time, reason, outcome). */
export function HistoryList(props: { ctx: PageContext; booking: Booking }) {
  const { ctx, booking: b } = props;
  const { t } = ctx;
  return (
    <ol class="history">
      {b.history.map((h) => {
        const detail = [
          h.to ? (h.from ? t('booking.historyMoved', { from: localText(h.from, ctx.lang), to: localText(h.to, ctx.lang) }) : localText(h.to, ctx.lang)) : '',
          h.reason ? t(`booking.declineReason.${h.reason}`) : '',
          h.outcome ? t(`booking.outcome.${h.outcome}`) : '',
        ].filter(Boolean);
        // Plain text between the parts, so that it reads (and copies) as a sentence.
        return (
          <li>
            <time datetime={h.at}>{shortWhen(h.at, b.timeZone, ctx.lang)}</time> <strong>{t(`booking.history.${h.action}`)}</strong> {t(`booking.by.${h.by}`)}
            {detail.length > 0 && ` · ${detail.join(' · ')}`}
          </li>
        );
      })}
    </ol>
  );
}

/** A date and a time for a new appointment time (two fields, ids `<prefix>Date` and `<prefix>Time`). */
export function TimeFields(props: { ctx: PageContext; prefix: string; values: { date: string; time: string }; errors: Record<string, string>; min: string; hint?: string | undefined }) {
  const { t } = props.ctx;
  return (
    <>
      <DateInput name={`${props.prefix}Date`} label={t('booking.date')} hint={props.hint ?? t('booking.dateHint')} value={props.values.date} min={props.min} error={props.errors[`${props.prefix}Date`]} />
      <TimeInput name={`${props.prefix}Time`} label={t('booking.time')} hint={t('booking.timeHint')} value={props.values.time} step={900} error={props.errors[`${props.prefix}Time`]} />
    </>
  );
}
