import type { Catalog } from '../src/catalog/Catalog.js';
import { NO, YES } from '../src/bot/keywords.js';
import type { Booking } from '../src/booking/booking.js';
import { bookingDetails, noSlotsText, slotOptions, slotText } from './bookingMessages.js';
import { DialogIds } from './ids.js';
import { end, go, replace, retry, StepDialog, type Outcome, type Question, type Step, type StepTurn } from './StepDialog.js';

interface Values {
  /** The booking being looked at. */
  code?: string;
  /** The worker's active bookings when there are several to choose from. */
  codes?: string[];
  /** Slots offered for a move, fixed when offered. */
  slots?: string[];
}

const MAX_SLOTS = 5;

/**
 * "My appointment" (CITA, APPOINTMENT, RANDEVOU, or the main menu): see an active booking,
 * move it (the new slot is taken before the old one is let go) or cancel it.
 */
export class AppointmentDialog extends StepDialog<Values> {
  constructor(private readonly catalog: Catalog) {
    super(DialogIds.appointment);
  }

  /** No booking: offer to book one. One: show it. Several: which one? */
  protected override async onBegin(turn: StepTurn<Values>): Promise<Outcome | undefined> {
    const active = await turn.ruta.booking.service.activeFor(turn.ruta.pid);
    if (active.length === 0) return go('none');
    if (active.length === 1) {
      turn.values.code = active[0]!.code;
      return go('manage');
    }
    turn.values.codes = active.map((b) => b.code);
    return go('which');
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // You have no active appointments: book one?
    none: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('appointment.none'),
        options: [
          { id: 'book', label: ruta.t('appointment.book'), synonyms: YES },
          { id: 'menu', label: ruta.t('appointment.menu'), synonyms: NO },
        ],
      }),
      answer: (_turn, { choice }) => (choice === 'book' ? replace(DialogIds.booking) : choice === 'menu' ? end() : retry),
    },
    // Which appointment? (several active)
    which: {
      ask: async ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('appointment.which', { count: values.codes?.length ?? 0 }),
        options: await Promise.all(
          (values.codes ?? []).map(async (code) => {
            const b = await ruta.booking.service.get(code);
            const centre = b && (await ruta.booking.service.centres.get(b.centreId));
            // The code itself also chooses it ("K7MX4P").
            return { id: code, synonyms: [code], label: b ? ruta.t('appointment.option', { when: slotText(ruta.t, b.slot.start, b.timeZone), centre: centre?.name ?? b.centreId }) : code };
          }),
        ),
      }),
      answer: ({ values }, { choice }) => {
        if (!choice) return retry;
        values.code = choice;
        return go('manage');
      },
    },
    // Your appointment: change it, cancel it, book another, or the menu.
    manage: {
      ask: async (turn) => {
        const { ruta } = turn;
        const b = await this.booking(turn);
        const centre = b && (await ruta.booking.service.centres.get(b.centreId));
        const shown = b && centre ? `${ruta.t('appointment.show', { code: b.code, details: bookingDetails(this.catalog, ruta.t, ruta.language, centre, b) })}\n` : '';
        return {
          kind: 'menu',
          text: `${shown}${ruta.t('appointment.action')}`,
          options: [
            { id: 'change', label: ruta.t('appointment.change') },
            { id: 'cancel', label: ruta.t('appointment.cancel') },
            { id: 'book', label: ruta.t('appointment.bookAnother') },
            { id: 'menu', label: ruta.t('appointment.menu') },
          ],
        };
      },
      answer: async (turn, { choice }) => {
        switch (choice) {
          case 'change':
            return this.offerSlots(turn);
          case 'cancel':
            return go('cancel');
          case 'book':
            return replace(DialogIds.booking);
          case 'menu':
            return end();
          default:
            return retry;
        }
      },
    },
    // Free times at the same centre.
    change: {
      ask: (turn) => this.slotQuestion(turn),
      answer: async (turn, { choice }) => {
        const { ruta, values } = turn;
        if (!choice || !values.slots?.includes(choice)) return retry;
        const moved = await ruta.booking.service.move(values.code ?? '', choice, 'worker');
        if (moved.ok) {
          await turn.say(ruta.t('appointment.changed', { code: moved.booking.code, when: slotText(ruta.t, moved.booking.slot.start, moved.booking.timeZone) }));
          return end();
        }
        if (moved.reason === 'full' || moved.reason === 'unavailable') return this.offerSlots(turn, 'booking.slotTaken');
        await turn.say(ruta.t('appointment.notActive'));
        return end();
      },
    },
    // Are you sure you want to cancel?
    cancel: {
      ask: async (turn) => {
        const { ruta } = turn;
        const b = await this.booking(turn);
        return {
          kind: 'menu',
          text: ruta.t('appointment.cancelConfirm', { when: b ? slotText(ruta.t, b.slot.start, b.timeZone) : '' }),
          options: [
            { id: 'yes', label: ruta.t('appointment.cancelYes'), synonyms: YES },
            { id: 'no', label: ruta.t('appointment.cancelNo'), synonyms: NO },
          ],
        };
      },
      answer: async (turn, { choice }) => {
        const { ruta, values } = turn;
        if (choice === 'no') {
          await turn.say(ruta.t('appointment.kept'));
          return end();
        }
        if (choice !== 'yes') return retry;
        const cancelled = await ruta.booking.service.cancel(values.code ?? '', 'worker');
        await turn.say(cancelled.ok ? ruta.t('appointment.cancelled', { code: cancelled.booking.code }) : ruta.t('appointment.notActive'));
        return end();
      },
    },
  };

  private async offerSlots(turn: StepTurn<Values>, lead?: string): Promise<Outcome> {
    const { ruta, values } = turn;
    const b = await this.booking(turn);
    const centre = b && (await ruta.booking.service.centres.get(b.centreId));
    if (!b || !centre) {
      await turn.say(ruta.t('appointment.notActive'));
      return end();
    }
    const free = await ruta.booking.service.freeSlots(centre, MAX_SLOTS, b.slot.local);
    if (free.length === 0) {
      await turn.say(noSlotsText(this.catalog, ruta, centre));
      return go('manage');
    }
    values.slots = free.map((s) => s.local);
    if (lead) await turn.say(ruta.t(lead));
    return go('change');
  }

  private async slotQuestion(turn: StepTurn<Values>): Promise<Question> {
    const { ruta, values } = turn;
    const b = await this.booking(turn);
    const centre = b && (await ruta.booking.service.centres.get(b.centreId));
    const options = centre ? slotOptions(ruta.t, centre, values.slots ?? []) : [];
    return { kind: 'menu', text: ruta.t('appointment.changeSlots', { centre: centre?.name ?? '' }), options };
  }

  /** The booking looked at, if it is still active. */
  private async booking(turn: StepTurn<Values>): Promise<Booking | undefined> {
    const b = await turn.ruta.booking.service.get(turn.values.code ?? '');
    return b && b.status === 'booked' ? b : undefined;
  }
}
