import { z } from 'zod';
import type { Catalog } from '../src/catalog/Catalog.js';
import { helpMessage } from './helpMessage.js';
import { DialogIds } from './ids.js';
import type { RouteFacts } from './routeDialog.js';
import { begin, stay, retry, StepDialog, type Outcome, type Step, type StepTurn } from './StepDialog.js';

/** Options of the menu a first message can open at once ("CITA" as the very first word). */
export const MENU_OPEN = ['appointments'] as const;
export type MenuOpen = (typeof MENU_OPEN)[number];
const menuOptions = z.object({ open: z.enum(MENU_OPEN).optional() });

interface Values {
  open?: MenuOpen;
}

/** The main menu: what Ruta can do. Every choice starts a dialog and comes back here. */
export class MenuDialog extends StepDialog<Values> {

  protected readonly steps: Record<string, Step<Values>> = {
    // What do you want to do?
    main: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        acceptsText: true,
        text: ruta.t('menu.title'),
        options: [
          { id: 'route', label: ruta.t('menu.route'), synonyms: ['ruta', 'route', 'wout', 'certificar', 'certificacion', 'certify', 'sètifika', 'setifika'] },
          { id: 'prescreen', label: ruta.t('menu.prescreen'), synonyms: ['prueba', 'evaluar', 'revisar', 'check', 'test', 'ready', 'pare', 'tès', 'tes'] },
          { id: 'appointments', label: ruta.t('menu.appointments'), synonyms: ['cita', 'citas', 'reservar', 'appointment', 'book', 'randevou', 'rezève', 'rezeve'] },
          { id: 'language', label: ruta.t('menu.language') },
          { id: 'privacy', label: ruta.t('menu.privacy'), synonyms: ['privacidad', 'privacy', 'datos', 'data', 'done', 'vi prive'] },
          { id: 'help', label: ruta.t('menu.help') },
        ],
      }),
      answer: async (turn, { choice: whole, partialChoice, text }) => {
        let choice = whole;
        // A trade typed here ("albañil") goes straight to its certification route; words of an
        // option inside a longer text ("quiero una cita") choose it only when no trade was named.
        if (!choice) {
          const found = (await turn.ruta.readWork(text)).occupations.map((o) => o.id);
          if (found.length > 0) return begin(DialogIds.route, { candidates: found });
          if (!partialChoice) return retry;
          choice = partialChoice;
        }
        return this.act(turn, choice);
      },
    },
  };

  constructor(
    private readonly catalog: Catalog,
    private readonly facts: RouteFacts,
  ) {
    super(DialogIds.menu);
  }

  protected override initialValues(options: unknown): Values {
    const o = menuOptions.safeParse(options ?? {});
    return o.success && o.data.open ? { open: o.data.open } : {};
  }

  /** Opened for a first message that asked for something ("CITA"): act on it at once. */
  protected override async onBegin(turn: StepTurn<Values>): Promise<Outcome | undefined> {
    const open = turn.values.open;
    turn.values.open = undefined;
    return open ? this.act(turn, open) : undefined;
  }

  /** What each option of the menu opens. */
  private async act({ ruta, say }: StepTurn<Values>, choice: string): Promise<Outcome> {
    switch (choice) {
      case 'route':
        return begin(DialogIds.route);
      case 'prescreen':
        // A worker with a saved result may just want its summary again.
        return begin(DialogIds.prescreen, { saved: (await ruta.profile.load()) !== undefined });
      case 'appointments': {
        // An active booking: see or change it. None: book, with the pre-screen's trade when there is one.
        if ((await ruta.booking.service.activeFor(ruta.pid)).length > 0) return begin(DialogIds.appointment);
        const profile = await ruta.profile.load();
        return begin(DialogIds.booking, profile ? { occupation: profile.occupation, country: profile.country } : {});
      }
      case 'language':
        return begin(DialogIds.language);
      case 'privacy':
        await say(ruta.t('privacy.summary', { days: ruta.retentionDays, hours: ruta.unconsentedHours, bookingDays: ruta.booking.service.rules.retentionDays, context: ruta.session.consent === 'accepted' ? 'accepted' : 'declined' }));
        return stay;
      case 'help':
        await say(await helpMessage(ruta, this.catalog, this.facts));
        return stay;
      default:
        return retry;
    }
  }
}
