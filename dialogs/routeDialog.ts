import type { Catalog } from '../src/catalog/Catalog.js';
import { z } from 'zod';
import { NO, YES } from '../src/bot/keywords.js';
import { DialogIds } from './ids.js';
import { routeMessages } from './routeMessages.js';
import { end, go, retry, retryWith, StepDialog, type Step, type StepTurn } from './StepDialog.js';

interface Values {
  country?: string;
  /** The trade whose route was shown (kept when the worker asks about another country). */
  occupation?: string;
  sector?: string;
  /** Occupations that matched what the worker typed, best first. */
  candidates?: string[];
}

const routeOptionsSchema = z.object({ candidates: z.array(z.string()).max(5).optional() });

/** Words for countries beyond their names: codes and everyday names. */
const COUNTRY_SYNONYMS: Record<string, string[]> = {
  DO: ['rd', 'dominicana', 'republica dominicana', 'santo domingo', 'dominikani', 'dominikanie', 'panyol'],
  MX: ['mexico', 'méjico', 'mx'],
  CR: ['tiquicia', 'cr'],
  SV: ['salvador'],
  PA: ['panama'],
  BZ: ['belize', 'belice'],
  CO: ['colombia'],
  PE: ['peru'],
};

/**
 * Certification route: where are you (inferred from the phone number and confirmed, or chosen),
 * which trade (sector → occupation menus, or typed freely), then the route, then what next.
 */
export class RouteDialog extends StepDialog<Values> {
  /** Options: `{ candidates }` when the worker already typed a trade (e.g. at the main menu). */
  protected override initialValues(options: unknown): Values {
    const parsed = routeOptionsSchema.safeParse(options);
    return parsed.success && parsed.data.candidates ? { candidates: parsed.data.candidates } : {};
  }

  constructor(private readonly catalog: Catalog) {
    super(DialogIds.route);
  }

  /** The country to suggest: the one chosen before, or the one the phone number suggests. */
  private suggestion({ ruta }: StepTurn<Values>) {
    return this.catalog.country(ruta.session.country ?? ruta.extras.countryHint ?? '');
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // Are you in <country> now? (suggested by the number, never assumed) — or pick from the list.
    country: {
      ask: (turn) => {
        const { ruta } = turn;
        const suggested = this.suggestion(turn);
        if (suggested) {
          return {
            kind: 'menu',
            text: ruta.t('route.confirmCountry', { country: suggested.name[ruta.language] }),
            options: [
              { id: 'yes', label: ruta.t('common.yes'), synonyms: YES },
              { id: 'other', label: ruta.t('route.otherCountry'), synonyms: NO },
            ],
          };
        }
        return this.countryList(turn);
      },
      answer: (turn, { choice }) => {
        const suggested = this.suggestion(turn);
        if (suggested) {
          if (choice === 'yes') return this.setCountry(turn, suggested.code);
          if (choice === 'other') return go('countryList');
          return retry;
        }
        return choice ? this.setCountry(turn, choice) : retry;
      },
    },
    // Which country are you in?
    countryList: {
      ask: (turn) => this.countryList(turn),
      answer: (turn, { choice }) => (choice ? this.setCountry(turn, choice) : retry),
    },
    // What is your trade? Type it, or choose a sector.
    trade: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        acceptsText: true,
        text: ruta.t('route.askTrade'),
        options: this.catalog.sectors.map((s) => ({ id: s.id, label: s.name[ruta.language] })),
      }),
      answer: ({ ruta, values }, { choice, text }) => {
        values.candidates = undefined;
        if (choice) {
          values.sector = choice;
          return go('occupation');
        }
        const found = this.catalog.searchOccupations(text);
        if (found.length === 0) return retryWith(ruta.t('route.tradeNotFound', { count: this.catalog.sectors.length }));
        values.candidates = found.map((o) => o.id);
        return go('tradeConfirm');
      },
    },
    // Which occupation in that sector?
    occupation: {
      ask: ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('route.askOccupation'),
        options: this.catalog.occupationsIn(values.sector ?? '').map((o) => ({ id: o.id, label: o.name[ruta.language], synonyms: [...o.terms.es, ...o.terms.en, ...o.terms.ht] })),
      }),
      answer: (turn, { choice }) => (choice ? this.explain(turn, choice) : retry),
    },
    // Did you mean …? (the occupations that matched what was typed)
    tradeConfirm: {
      ask: ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('route.didYouMean'),
        options: [
          ...(values.candidates ?? []).flatMap((id) => {
            const o = this.catalog.occupation(id);
            return o ? [{ id: o.id, label: o.name[ruta.language] }] : [];
          }),
          { id: 'none', label: ruta.t('route.noneOfThese'), synonyms: NO },
        ],
      }),
      answer: (turn, { choice }) => {
        if (choice === 'none') {
          turn.values.candidates = undefined;
          return go('trade');
        }
        return choice ? this.explain(turn, choice) : retry;
      },
    },
    // What next? Another trade, another country, or the main menu.
    next: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('route.next'),
        options: [
          { id: 'trade', label: ruta.t('route.nextTrade') },
          { id: 'country', label: ruta.t('route.nextCountry') },
          { id: 'menu', label: ruta.t('route.nextMenu'), synonyms: ['menu', 'meni'] },
        ],
      }),
      answer: (turn, { choice }) => {
        // "Another country" keeps the trade: the next country's route follows at once.
        if (choice === 'trade') {
          turn.values.occupation = undefined;
          return go('trade');
        }
        if (choice === 'country') return go('countryList');
        if (choice === 'menu') return end();
        return retry;
      },
    },
  };

  private countryList({ ruta }: StepTurn<Values>) {
    return {
      kind: 'menu' as const,
      text: ruta.t('route.askCountry'),
      options: this.catalog.countries.map((c) => ({
        id: c.code,
        label: c.name[ruta.language],
        synonyms: [c.name.es, c.name.en, c.name.ht, ...(COUNTRY_SYNONYMS[c.code] ?? [])],
      })),
    };
  }

  private setCountry(turn: StepTurn<Values>, code: string) {
    const { ruta, values } = turn;
    if (!this.catalog.country(code)) return retry;
    values.country = code;
    ruta.session.country = code;
    if (values.occupation) return this.explain(turn, values.occupation);
    return go(values.candidates && values.candidates.length > 0 ? 'tradeConfirm' : 'trade');
  }

  private async explain({ ruta, values, say }: StepTurn<Values>, occupationId: string) {
    const occupation = this.catalog.occupation(occupationId);
    if (!occupation || !values.country) return retry;
    values.occupation = occupation.id;
    for (const message of routeMessages(this.catalog, ruta.t, ruta.language, values.country, occupation)) await say(message);
    return go('next');
  }
}
