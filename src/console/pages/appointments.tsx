import type { Booking, ScheduledBooking } from '../../booking/booking.js';
import { isScheduled } from '../../booking/booking.js';
import type { Centre } from '../../booking/centre.js';
import type { Catalog } from '../../catalog/Catalog.js';
import { pageContext, signedIn, viewerOf, visibleCentres } from '../access.js';
import { BookingStatus, ChannelText, standardOf, tradeOf } from '../bookings/BookingParts.js';
import { dayText, firstNameOf, nextDay, timeText, todayIn } from '../bookings/bookingText.js';
import { CentreFilter, chosenCentres } from '../bookings/CentreFilter.js';
import type { ConsolePages } from '../ConsoleServices.js';
import { sendPage } from '../render.js';
import { Layout, type PageContext } from '../ui/Layout.js';
import { Table } from '../ui/Table.js';
import { sendMessage } from './MessagePage.js';

const DAY = 24 * 3600_000;
/** Attended, no-show and still-unmarked appointments stay on the list this long after their day. */
export const RECENT_DAYS = 7;
/** Upcoming appointments are listed this far ahead. */
export const AHEAD_DAYS = 90;

/** One day of appointments: its date (centre's calendar) and whether it is before today. */
interface Day {
  day: string;
  past: boolean;
  bookings: ScheduledBooking[];
}

/**
 * Which appointments the list shows, by day: confirmed and proposed ones from today on, and the
 * last week's attended, no-show and still-unmarked ones (so staff can mark them). Pure: `now`
 * comes in; each booking's day is on its centre's calendar.
 */
export function appointmentDays(bookings: readonly Booking[], now: Date): Day[] {
  const byDay = new Map<string, Day>();
  for (const b of bookings) {
    if (!isScheduled(b)) continue;
    const day = b.slot.local.slice(0, 10);
    const past = day < todayIn(b.timeZone, now);
    const shown = b.status === 'confirmed' || b.status === 'attended' || b.status === 'no_show' || (b.status === 'proposed' && !past);
    if (!shown) continue;
    const entry = byDay.get(day) ?? { day, past, bookings: [] };
    entry.bookings.push(b);
    byDay.set(day, entry);
  }
  const days = [...byDay.values()];
  for (const d of days) d.bookings.sort((a, b) => Date.parse(a.slot.start) - Date.parse(b.slot.start));
  // Today and the days ahead first, soonest first; then the past week, most recent first.
  return [...days.filter((d) => !d.past).sort((a, b) => a.day.localeCompare(b.day)), ...days.filter((d) => d.past).sort((a, b) => b.day.localeCompare(a.day))];
}

function dayTitle(ctx: PageContext, day: string, today: string): string {
  const words = dayText(day, ctx.lang);
  if (day === today) return ctx.t('appointments.today', { day: words });
  if (day === nextDay(today)) return ctx.t('appointments.tomorrow', { day: words });
  return words;
}

function DayTable(props: { ctx: PageContext; catalog: Catalog; day: Day; today: string; centres: Map<string, Centre>; manyCentres: boolean; simulated: (b: ScheduledBooking) => boolean }) {
  const { ctx, catalog } = props;
  const { t } = ctx;
  return (
    <Table
      caption={dayTitle(ctx, props.day.day, props.today)}
      rows={props.day.bookings}
      columns={[
        { header: t('appointments.time'), cell: (b) => <time datetime={b.slot.start}>{timeText(b.slot.start, b.timeZone, ctx.lang)}</time>, rowHeader: true },
        { header: t('appointments.name'), cell: (b) => firstNameOf(b) },
        {
          header: t('appointments.trade'),
          cell: (b) => (
            <>
              {tradeOf(catalog, ctx, b)}
              <br />
              <small class="muted">{standardOf(catalog, ctx, b)}</small>
            </>
          ),
        },
        ...(props.manyCentres ? [{ header: t('appointments.centre'), cell: (b: ScheduledBooking) => props.centres.get(b.centreId)?.name ?? b.centreId }] : []),
        { header: t('appointments.channel'), cell: (b) => <ChannelText ctx={ctx} booking={b} simulated={props.simulated(b)} /> },
        { header: t('appointments.status'), cell: (b) => <BookingStatus ctx={ctx} booking={b} /> },
        {
          header: t('appointments.details'),
          cell: (b) => (
            <a href={`/console/bookings/${b.code}`}>
              {t('appointments.open')} <span class="visually-hidden">{b.code}</span>
            </a>
          ),
        },
      ]}
    />
  );
}

/** Today's and the coming appointments of the person's centres, by day, with a centre filter. */
function AppointmentsPage(props: { ctx: PageContext; catalog: Catalog; days: Day[]; today: string; visible: Centre[]; chosen: Centre[]; centreValue: string; simulated: (b: ScheduledBooking) => boolean }) {
  const { ctx } = props;
  const { t } = ctx;
  const upcoming = props.days.filter((d) => !d.past);
  const past = props.days.filter((d) => d.past);
  const centres = new Map(props.visible.map((c) => [c.id, c]));
  const manyCentres = props.chosen.length > 1;
  return (
    <Layout ctx={ctx} title={t('appointments.title')} section="appointments">
      <p class="lead">{t('appointments.intro', { count: AHEAD_DAYS })}</p>
      <CentreFilter ctx={ctx} action="/console/appointments" centres={props.visible} value={props.centreValue} />
      <h2>{t('appointments.upcomingTitle')}</h2>
      {upcoming.length === 0 && <p class="table-empty">{t('appointments.none')}</p>}
      {upcoming.map((day) => (
        <DayTable ctx={ctx} catalog={props.catalog} day={day} today={props.today} centres={centres} manyCentres={manyCentres} simulated={props.simulated} />
      ))}
      {past.length > 0 && (
        <>
          <h2>{t('appointments.recentTitle', { count: RECENT_DAYS })}</h2>
          <p>{t('appointments.recentIntro')}</p>
          {past.map((day) => (
            <DayTable ctx={ctx} catalog={props.catalog} day={day} today={props.today} centres={centres} manyCentres={manyCentres} simulated={props.simulated} />
          ))}
        </>
      )}
    </Layout>
  );
}

/** GET /console/appointments[?centre=<id>]: the appointments of the centres the person may see. */
export const appointmentPages: ConsolePages = (router, { deps }) => {
  router.get('/appointments', signedIn(), async (req, res) => {
    const me = viewerOf(res);
    const visible = await visibleCentres(me, deps.centres);
    const chosen = chosenCentres(visible, req.query);
    if (!chosen) return sendMessage(req, res, 'notFound');
    const now = deps.now();
    const ids = new Set(chosen.centres.map((c) => c.id));
    const bookings = ids.size === 0 ? [] : await deps.bookings.store.byInstitution(me.institution, now.getTime() - (RECENT_DAYS + 1) * DAY, now.getTime() + AHEAD_DAYS * DAY, chosen.value || undefined);
    const days = appointmentDays(bookings.filter((b) => ids.has(b.centreId)), now);
    const today = todayIn(chosen.centres[0]?.timeZone ?? 'UTC', now);
    sendPage(res, <AppointmentsPage ctx={pageContext(req, res)} catalog={deps.catalog} days={days} today={today} visible={visible} chosen={chosen.centres} centreValue={chosen.value} simulated={(b) => deps.isSimulatedContact(b.contact)} />);
  });
};
