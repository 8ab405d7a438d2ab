import type { Catalog } from '../src/catalog/Catalog.js';
import { z } from 'zod';
import { NO } from '../src/bot/keywords.js';
import { confirmCountryQuestion, countryListQuestion, suggestedCountry } from './countryQuestions.js';
import { DialogIds } from './ids.js';
import { routeMessages } from './routeMessages.js';
import { prescreenResultSchema } from './prescreenDialog.js';
import { begin, end, go, retry, retryWith, stay, StepDialog, type Outcome, type Question, type Step, type StepTurn } from './StepDialog.js';

interface Values {
  country?: string;
  /** The trade whose route was shown (kept when the worker asks about another country). */
  occupation?: string;
  sector?: string;
  /** Occupations that matched what the worker typed, best first. */
  candidates?: string[];
  /** Begun with a known trade and country: the route is shown at once. */
  direct?: boolean;
  /** The route of `direct` was sent. */
  shown?: boolean;
}

const routeOptionsSchema = z.object({
  candidates: z.array(z.string()).max(5).optional(),
  /** Show this trade's route in this country at once (e.g. from the end of a pre-screen). */
  occupation: z.string().optional(),
  country: z.string().optional(),
});

/**
 * Certification route: where are you (inferred from the phone number and confirmed, or chosen),
 * which trade (sector → occupation menus, or typed freely), then the route, then what next.
 */
export class RouteDialog extends StepDialog<Values> {
  /** Options: `{ candidates }` when the worker already typed a trade (e.g. at the main menu). */
  protected override initialValues(options: unknown): Values {
    const parsed = routeOptionsSchema.safeParse(options ?? {});
    if (!parsed.success) return {};
    const { candidates, occupation, country } = parsed.data;
    if (occupation && country && this.catalog.occupation(occupation) && this.catalog.country(country)) return { occupation, country, direct: true };
    return candidates ? { candidates } : {};
  }

  protected override firstStep(values: Values): string {
    return values.direct ? 'direct' : 'country';
  }

  constructor(private readonly catalog: Catalog) {
    super(DialogIds.route);
  }

  private suggestion({ ruta }: StepTurn<Values>) {
    return suggestedCountry(this.catalog, ruta);
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // Are you in <country> now? (suggested by the number, never assumed) — or pick from the list.
    country: {
      ask: (turn) => {
        const { ruta } = turn;
        const suggested = this.suggestion(turn);
        return suggested ? confirmCountryQuestion(ruta, suggested.name[ruta.language]) : countryListQuestion(this.catalog, ruta);
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
      ask: ({ ruta }) => countryListQuestion(this.catalog, ruta),
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
    // The route of a known trade and country, then what next.
    direct: {
      ask: async (turn) => {
        if (!turn.values.shown) {
          turn.values.shown = true;
          await this.sendRoute(turn);
        }
        return this.nextQuestion(turn);
      },
      answer: (turn, answer) => this.nextAnswer(turn, answer.choice),
      resume: (turn, result) => this.afterPrescreen(turn, result),
    },
    // What next? Check readiness, another trade, another country, or the main menu.
    next: {
      ask: (turn) => this.nextQuestion(turn),
      answer: (turn, answer) => this.nextAnswer(turn, answer.choice),
      resume: (turn, result) => this.afterPrescreen(turn, result),
    },
  };

  private nextQuestion({ ruta }: StepTurn<Values>): Question {
    return {
        kind: 'menu',
        text: ruta.t('route.next'),
        options: [
          { id: 'prescreen', label: ruta.t('route.nextPrescreen') },
          { id: 'trade', label: ruta.t('route.nextTrade') },
          { id: 'country', label: ruta.t('route.nextCountry') },
          { id: 'menu', label: ruta.t('route.nextMenu'), synonyms: ['menu', 'meni'] },
        ],
    };
  }

  private nextAnswer(turn: StepTurn<Values>, choice: string | undefined): Outcome {
    // "Another country" keeps the trade: the next country's route follows at once.
    if (choice === 'prescreen') return begin(DialogIds.prescreen, { occupation: turn.values.occupation, country: turn.values.country, fromRoute: true });
    if (choice === 'trade') {
      turn.values.occupation = undefined;
      return go('trade');
    }
    if (choice === 'country') return go('countryList');
    if (choice === 'menu') return end();
    return retry;
  }

  /** Back from a pre-screen begun here: to the main menu, this route again, or this question. */
  private async afterPrescreen(turn: StepTurn<Values>, result: unknown): Promise<Outcome> {
    const parsed = prescreenResultSchema.safeParse(result);
    if (!parsed.success) return stay;
    if (parsed.data.next === 'menu') return end();
    await this.sendRoute(turn);
    return stay;
  }

  private setCountry(turn: StepTurn<Values>, code: string) {
    const { ruta, values } = turn;
    if (!this.catalog.country(code)) return retry;
    values.country = code;
    ruta.session.country = code;
    if (values.occupation) return this.explain(turn, values.occupation);
    return go(values.candidates && values.candidates.length > 0 ? 'tradeConfirm' : 'trade');
  }

  private async explain(turn: StepTurn<Values>, occupationId: string) {
    const occupation = this.catalog.occupation(occupationId);
    if (!occupation || !turn.values.country) return retry;
    turn.values.occupation = occupation.id;
    await this.sendRoute(turn);
    return go('next');
  }

  private async sendRoute({ ruta, values, say }: StepTurn<Values>) {
    const occupation = this.catalog.occupation(values.occupation ?? '');
    if (!occupation || !values.country) return;
    for (const message of routeMessages(this.catalog, ruta.t, ruta.language, values.country, occupation)) await say(message);
  }
}
