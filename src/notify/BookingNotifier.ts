import { z } from 'zod';
import { isScheduled, type Booking, type ScheduledBooking } from '../booking/booking.js';
import type { BookingEvent, BookingService } from '../booking/BookingService.js';
import type { Catalog } from '../catalog/Catalog.js';
import type { RutaI18n } from '../i18n.js';
import { NotDueError, type JobQueue } from '../jobs/JobQueue.js';
import { slotText } from '../../dialogs/bookingMessages.js';
import type { Messenger, MessageKind } from './Messenger.js';

const reminderJob = z.object({ code: z.string(), hours: z.number(), local: z.string(), due: z.number() });
/** The institution's changes a worker is told about. */
const NOTICES = ['confirmed', 'proposed', 'declined', 'cancelled', 'rescheduled', 'attended', 'no_show', 'outcome'] as const;
const noticeJob = z.object({ id: z.string(), code: z.string(), event: z.enum(NOTICES) });

/** Job ids: letters, digits, '-' and '_' only ("2027-03-02T09:00" → "202703020900"). */
const compact = (local: string) => local.replace(/\D/g, '');
export const reminderJobId = (code: string, hours: number, local: string) => `reminder_${code}_${hours}h_${compact(local)}`;
const noticeJobId = (code: string, event: string, at: number) => `notice_${code}_${event}_${at}`;

/** When the booking's current slot was set: the last booking or move at or before `index`. */
function lastSlotChange(b: Booking, index: number): number {
  for (let i = Math.min(index, b.history.length - 1); i >= 0; i--) {
    const h = b.history[i]!;
    if (h.action === 'booked' || h.action === 'rescheduled' || h.action === 'confirmed' || h.action === 'proposed') return Date.parse(h.at);
  }
  return Date.parse(b.createdAt);
}

/**
 * Keeps a worker informed about their booking without being asked: reminders before the slot
 * (24 h and 2 h by default), and a message when the institution cancels, moves or marks it.
 * Listens to BookingService events; the messages themselves go through the job queue.
 */
export class BookingNotifier {
  constructor(
    private readonly deps: {
      bookings: BookingService;
      jobs: JobQueue;
      messenger: Messenger;
      i18n: RutaI18n;
      catalog: Catalog;
      reminderHours: readonly number[];
      now: () => Date;
    },
  ) {}

  /** BookingService listener: schedules or withdraws reminders, queues notices of the institution's changes. */
  readonly onEvent = async (event: BookingEvent): Promise<void> => {
    const { booking, previous, by } = event;
    if (previous) await this.withdrawReminders(previous);
    if (booking.status === 'confirmed' && isScheduled(booking)) await this.scheduleReminders(booking, lastSlotChange(booking, event.index));
    const notice = NOTICES.find((n) => n === event.type);
    if (by === 'institution' && notice) {
      const id = noticeJobId(booking.code, event.type, event.index + 1);
      await this.deps.jobs.add({ name: 'notice', id, data: { id, code: booking.code, event: notice }, delayMs: 0 });
    }
  };

  /** Runs a 'reminder' or 'notice' job. */
  async run(name: 'reminder' | 'notice', data: unknown): Promise<void> {
    if (name === 'reminder') return this.remind(reminderJob.parse(data));
    const notice = noticeJob.parse(data);
    const booking = await this.deps.bookings.get(notice.code);
    if (!booking) return; // erased meanwhile
    await this.send(booking, notice.event, notice.id);
  }

  private async remind(job: z.infer<typeof reminderJob>): Promise<void> {
    const early = job.due - this.deps.now().getTime();
    if (early > 0) throw new NotDueError(early);
    const booking = await this.deps.bookings.get(job.code);
    // Cancelled, moved or already started: this reminder no longer applies.
    const now = this.deps.now().getTime();
    const start = booking?.slot ? Date.parse(booking.slot.start) : 0;
    if (!booking?.slot || booking.status !== 'confirmed' || booking.slot.local !== job.local || start <= now) return;
    // Sent late (the process was down when it was due) and a closer reminder is due too: that one says it.
    if (this.deps.reminderHours.some((h) => h < job.hours && start - h * 3600_000 <= now)) return;
    await this.send(booking, 'reminder', reminderJobId(job.code, job.hours, job.local));
  }

  private async send(booking: Booking, kind: MessageKind, jobId: string): Promise<void> {
    const t = this.deps.i18n.t(booking.language);
    const centre = (await this.deps.bookings.centres.get(booking.centreId))?.name ?? booking.centreId;
    const when = booking.slot ? slotText(t, booking.slot.start, booking.timeZone) : '';
    const institution = this.deps.catalog.institution(booking.institution)?.acronym ?? booking.institution;
    const key = kind === 'reminder' ? 'booking.reminder' : `booking.byCentre.${kind}`;
    // A decline says why and what to do next; an outcome says what it means.
    const reason = booking.declineReason ? t(`booking.declineReason.${booking.declineReason}`, { institution }) : '';
    const outcome = booking.outcome ? t(`booking.outcome.${booking.outcome}`, { institution }) : '';
    const body = t(key, { centre, when, code: booking.code, institution, reason, outcome });
    const second = kind === 'declined' ? reason : kind === 'outcome' ? outcome : when;
    await this.deps.messenger.deliver(booking, kind, body, { '1': centre, '2': second, '3': booking.code }, jobId);
  }

  /**
   * Queues the reminders of an active booking (ids from code, hours and slot: queuing twice is a
   * no-op). A reminder counts if it was due after the change that set this slot — so a booking
   * made 10 h ahead gets no "24 h" reminder, but one whose process died before queuing it still
   * gets it late, as long as the appointment has not started.
   */
  private async scheduleReminders(b: ScheduledBooking, changedAt: number): Promise<void> {
    const start = Date.parse(b.slot.start);
    const now = this.deps.now().getTime();
    if (start <= now) return;
    for (const hours of this.deps.reminderHours) {
      const due = start - hours * 3600_000;
      if (due <= changedAt) continue; // booked too close to the slot for this reminder
      await this.deps.jobs.add({ name: 'reminder', id: reminderJobId(b.code, hours, b.slot.local), data: { code: b.code, hours, local: b.slot.local, due }, delayMs: Math.max(0, due - now) });
    }
  }

  private async withdrawReminders(b: Booking): Promise<void> {
    if (!b.slot) return;
    for (const hours of this.deps.reminderHours) await this.deps.jobs.remove(reminderJobId(b.code, hours, b.slot.local));
  }
}
