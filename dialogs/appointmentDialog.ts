import type { Catalog } from '../src/catalog/Catalog.js';
import type { RouteFacts } from './routeDialog.js';
import { NO, YES } from '../src/language/keywords.js';
import { isActive, type Booking } from '../src/booking/booking.js';
import { isBookable } from '../src/booking/centre.js';
import { parseTimePreferences } from '../src/language/timePreferences.js';
import { DateTime } from 'luxon';
import { bookingDetails, centreLabel, noSlotsText, preferencesText, slotOptions, slotText, standardText, whatToBring, whenText } from './bookingMessages.js';
import { DialogIds } from './ids.js';
import { end, go, replace, retry, retryWith, StepDialog, type Outcome, type Question, type Step, type StepTurn } from './StepDialog.js';

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
 * "My appointment" (CITA, APPOINTMENT, RANDEVOU, or the main menu): see a booking under way and
 * act on it. A request waits for its centre (it can be cancelled); a proposed time is accepted or
 * another day asked for; a confirmed appointment is moved (at an onboarded centre, the new slot
 * is taken before the old one is let go; elsewhere the centre is asked for another day) or
 * cancelled.
 */
export class AppointmentDialog extends StepDialog<Values> {
  constructor(
    private readonly catalog: Catalog,
    /** The institutions' published route facts (what to bring names the documents they confirmed). */
    private readonly facts: RouteFacts,
  ) {
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
            const name = centre?.name ?? b?.centreId ?? '';
            // The code itself also chooses it ("K7MX4P").
            const label = !b ? code : b.slot ? ruta.t('appointment.option', { when: slotText(ruta.t, b.slot.start, b.timeZone), centre: name }) : ruta.t('appointment.optionPending', { centre: name });
            return { id: code, synonyms: [code], label };
          }),
        ),
      }),
      answer: ({ values }, { choice }) => {
        if (!choice) return retry;
        values.code = choice;
        return go('manage');
      },
    },
    // Your appointment (or request, or proposal) and what you can do with it.
    manage: {
      ask: async (turn) => this.manageQuestion(turn),
      answer: async (turn, { choice }) => {
        switch (choice) {
          case 'accept':
            return this.accept(turn);
          case 'another':
            return go('preferences');
          case 'change':
            return this.change(turn);
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
    // Free times at the same centre (an onboarded one).
    change: {
      ask: (turn) => this.slotQuestion(turn),
      answer: async (turn, { choice }) => {
        const { ruta, values } = turn;
        if (!choice || !values.slots?.includes(choice)) return retry;
        const moved = await ruta.booking.service.move(values.code ?? '', choice, 'worker');
        if (moved.ok) {
          await turn.say(ruta.t('appointment.changed', { code: moved.booking.code, when: whenText(ruta.t, moved.booking) }));
          return end();
        }
        if (moved.reason === 'full' || moved.reason === 'unavailable') return this.offerSlots(turn, 'booking.slotTaken');
        await turn.say(ruta.t('appointment.notActive'));
        return end();
      },
    },
    // Which days and times can you go instead? (the centre is asked again)
    preferences: {
      ask: async (turn) => ({ kind: 'text', text: turn.ruta.t('booking.preferences', { centre: (await this.centreOf(turn))?.name ?? '' }) }),
      answer: async (turn, { text }) => {
        const { ruta, values } = turn;
        const b = await this.booking(turn);
        if (!b) {
          await turn.say(ruta.t('appointment.notActive'));
          return end();
        }
        const today = DateTime.fromJSDate(ruta.now(), { zone: b.timeZone }).toISODate() ?? '';
        const preferences = parseTimePreferences(text, { today });
        if (!preferences) return retryWith(ruta.t('booking.preferencesInvalid'));
        const asked = await ruta.booking.service.askAnotherTime(values.code ?? '', preferences);
        const centre = await this.centreOf(turn);
        await turn.say(asked.ok ? ruta.t('appointment.askedAnother', { centre: centre?.name ?? '' }) : ruta.t('appointment.notActive'));
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
          text: ruta.t('appointment.cancelConfirm', { when: b ? whenText(ruta.t, b) : '' }),
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

  /** What the worker sees of the booking, and the options its status allows. */
  private async manageQuestion(turn: StepTurn<Values>): Promise<Question> {
    const { ruta } = turn;
    const b = await this.booking(turn);
    const centre = b && (await ruta.booking.service.centres.get(b.centreId));
    const menu = { id: 'menu', label: ruta.t('appointment.menu') };
    if (!b || !centre) return { kind: 'menu', text: ruta.t('appointment.notActive'), options: [menu] };
    if (b.status === 'requested') {
      const standard = standardText(this.catalog, ruta.t, ruta.language, b.occupation, b.standard.code);
      return {
        kind: 'menu',
        text: `${ruta.t('appointment.requested', { code: b.code, centre: centreLabel(centre), standard, preferences: preferencesText(ruta.t, b.preferences) })}\n${ruta.t('appointment.action')}`,
        options: [{ id: 'cancel', label: ruta.t('appointment.cancelRequest') }, menu],
      };
    }
    const details = bookingDetails(this.catalog, ruta.t, ruta.language, centre, b);
    if (b.status === 'proposed') {
      return {
        kind: 'menu',
        text: ruta.t('appointment.proposed', { centre: centre.name, code: b.code, details }),
        options: [
          { id: 'accept', label: ruta.t('appointment.accept'), synonyms: YES },
          { id: 'another', label: ruta.t('appointment.askAnother') },
          { id: 'cancel', label: ruta.t('appointment.cancel') },
          menu,
        ],
      };
    }
    return {
      kind: 'menu',
      text: `${ruta.t('appointment.show', { code: b.code, details })}\n${ruta.t('appointment.action')}`,
      options: [
        { id: 'change', label: ruta.t('appointment.change') },
        { id: 'cancel', label: ruta.t('appointment.cancel') },
        { id: 'book', label: ruta.t('appointment.bookAnother') },
        menu,
      ],
    };
  }

  /** Accepts the proposed time: confirmed, with what to bring. */
  private async accept(turn: StepTurn<Values>): Promise<Outcome> {
    const { ruta, values } = turn;
    const accepted = await ruta.booking.service.acceptProposal(values.code ?? '');
    if (!accepted.ok) {
      await turn.say(ruta.t('appointment.notActive'));
      return end();
    }
    const b = accepted.booking;
    await turn.say(ruta.t('appointment.accepted', { code: b.code, when: whenText(ruta.t, b) }));
    await turn.say(`${whatToBring(this.catalog, ruta.t, ruta.language, b.institution, b.occupation, await this.facts.routeOf(b.institution))}\n\n${ruta.t('booking.manage')}`);
    return end();
  }

  /** A new time: the free slots of an onboarded centre, or else another day asked of the centre. */
  private async change(turn: StepTurn<Values>): Promise<Outcome> {
    const centre = await this.centreOf(turn);
    return centre && isBookable(centre) ? this.offerSlots(turn) : go('preferences');
  }

  private async offerSlots(turn: StepTurn<Values>, lead?: 'booking.slotTaken'): Promise<Outcome> {
    const { ruta, values } = turn;
    const b = await this.booking(turn);
    const centre = b && (await ruta.booking.service.centres.get(b.centreId));
    if (!b || !centre) {
      await turn.say(ruta.t('appointment.notActive'));
      return end();
    }
    const free = await ruta.booking.service.freeSlots(centre, { limit: MAX_SLOTS, ...(b.slot ? { except: b.slot.local } : {}) });
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
    const centre = await this.centreOf(turn);
    const options = centre ? slotOptions(ruta.t, centre, values.slots ?? []) : [];
    return { kind: 'menu', text: ruta.t('appointment.changeSlots', { centre: centre?.name ?? '' }), options };
  }

  /** The booking looked at, if it is still under way. */
  private async booking(turn: StepTurn<Values>): Promise<Booking | undefined> {
    const b = await turn.ruta.booking.service.get(turn.values.code ?? '');
    return b && isActive(b) ? b : undefined;
  }

  private async centreOf(turn: StepTurn<Values>) {
    const b = await this.booking(turn);
    return b ? turn.ruta.booking.service.centres.get(b.centreId) : undefined;
  }
}
