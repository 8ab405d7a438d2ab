import { WEEKDAYS, type Availability } from '../../booking/availability.js';
import type { Conflict } from '../../booking/availabilityConflicts.js';
import type { Centre } from '../../booking/centre.js';
import type { PageContext } from '../ui/Layout.js';
import { StatusTag } from '../ui/StatusTag.js';
import { Table } from '../ui/Table.js';
import { formatStart, rangesOn } from './centreOf.js';

/** Instant booking or requests only: what a worker gets at this centre. */
export function OnboardedTag(props: { ctx: PageContext; centre: Centre }) {
  const { t } = props.ctx;
  return props.centre.onboarded ? <StatusTag tone="success">{t('centres.onboarded')}</StatusTag> : <StatusTag tone="neutral">{t('centres.notOnboarded')}</StatusTag>;
}

/** "Sample" beside a development sample's name: it is not a real centre. */
export function SampleTag(props: { ctx: PageContext; centre: Centre }) {
  return props.centre.sample ? <StatusTag tone="warning">{props.ctx.t('centres.sample')}</StatusTag> : null;
}

/** The weekly hours as a list of days: "Lunes: 08:00–12:00 y 13:00–16:00", "Sábado: cerrado". */
export function WeeklyHours(props: { ctx: PageContext; availability: Availability }) {
  const { t } = props.ctx;
  return (
    <ul class="weekly-hours">
      {WEEKDAYS.map((day) => {
        const ranges = rangesOn(props.availability, day);
        return (
          <li>
            <span class="weekday">{t(`hours.day.${day}`)}</span>{' '}
            {ranges.length === 0
              ? t('hours.closedDay')
              : ranges.map(([from, to], i) => (
                  <>
                    {i > 0 && ` ${t('hours.and')} `}
                    <span class="nowrap">{`${from}–${to}`}</span>
                  </>
                ))}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The appointments a change would strand, with when and why, under the heading the error summary
 * links to. Nothing was saved: the person moves or cancels them first, or chooses other hours.
 */
export function ConflictList(props: { ctx: PageContext; conflicts: readonly Conflict[] }) {
  const { t, lang } = props.ctx;
  if (props.conflicts.length === 0) return null;
  return (
    <section class="conflicts" aria-labelledby="conflicts">
      <h2 id="conflicts" tabindex={-1}>
        {t('conflicts.title')}
      </h2>
      <p>{t('conflicts.help')}</p>
      <Table
        caption={t('conflicts.caption')}
        captionHidden
        rows={props.conflicts}
        columns={[
          { header: t('conflicts.code'), cell: (c) => c.code, rowHeader: true },
          { header: t('conflicts.when'), cell: (c) => formatStart(c.start, lang) },
          { header: t('conflicts.why'), cell: (c) => t(`conflicts.reason.${c.reason}`) },
        ]}
      />
    </section>
  );
}
