import type { Catalog } from '../src/catalog/Catalog.js';
import type { Language } from '../src/catalog/schema.js';
import type { EffectiveRoute } from '../src/catalog/publishedFact.js';
import { z } from 'zod';
import { NO } from '../src/language/keywords.js';
import { countrySteps } from './countryQuestions.js';
import { DialogIds } from './ids.js';
import { occupationSubject, routeDetail, routeMessages, unknownFacts, ROUTE_DETAILS, type RouteDetail, type RouteSubject } from './routeMessages.js';
import { RENEC_SOURCE } from '../src/catalog/Catalog.js';
import { prescreenResultSchema } from './prescreenDialog.js';
import { didYouMeanQuestion, occupationMenu, occupationMenuAnswer } from './tradeQuestions.js';
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
  /** Mexico: RENEC standards that matched a trade outside the curated list (code → name to show), and the one chosen. */
  renec?: Record<string, string>;
  standard?: string;
  /** The route of `direct` was sent. */
  shown?: boolean;
  /** ISCO-08 unit groups closest to the trade last typed (for work the catalog does not cover); never the text itself. */
  isco?: string[];
  /** Typed trades not understood in a row at the trade question (the second leads to the honest path, not a loop). */
  misses?: number;
}

const routeOptionsSchema = z.object({
  candidates: z.array(z.string()).max(5).optional(),
  /** Show this trade's route in this country at once (e.g. from the end of a pre-screen). */
  occupation: z.string().optional(),
  country: z.string().optional(),
});

/** Towns named in "where to go" (the institution's centres Ruta knows). */
const MAX_TOWNS = 8;
const isRouteDetail = (x: unknown): x is RouteDetail => typeof x === 'string' && (ROUTE_DETAILS as readonly string[]).includes(x);

/** Where the institutions' published facts come from (PublishedFacts; tests may pass a fake). */
export interface RouteFacts {
  routesIn(countryCode: string): Promise<ReadonlyMap<string, EffectiveRoute>>;
  /** One institution's effective route (what to bring after booking names its documents). */
  routeOf(institution: string): Promise<EffectiveRoute | undefined>;
}

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

  constructor(
    private readonly catalog: Catalog,
    private readonly facts: RouteFacts,
  ) {
    super(DialogIds.route);
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // Are you in <country> now? (suggested by the number, never assumed) — or pick from the list.
    ...countrySteps<Values>((turn, code) => this.setCountry(turn, code)),
    // What is your trade? Type it, or choose a sector.
    trade: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        acceptsText: true,
        text: ruta.t('route.askTrade'),
        options: this.catalog.sectors.map((s) => ({ id: s.id, label: s.name[ruta.language] })),
      }),
      answer: async (turn, { choice, partialChoice, text }) => {
        const { ruta, values } = turn;
        if (choice) {
          values.sector = choice;
          values.misses = undefined;
          return go('occupation');
        }
        // A trade named in the text wins over a sector's word in it ("construction" in "I do construction, laying blocks").
        const read = await this.readTrade(turn, text);
        if (read) {
          values.misses = undefined;
          return read;
        }
        // Work the catalog does not cover, named ("tapicero"), goes to the honest path at once (and is what coordinators learn from).
        if ((values.isco ?? []).length > 0) return go('unlisted');
        if (partialChoice) {
          values.sector = partialChoice;
          return go('occupation');
        }
        // Words that name no work at all are asked again once, then taken there too (never a loop back to the sector list).
        values.misses = (values.misses ?? 0) + 1;
        if (values.misses >= 2) return go('unlisted');
        return retryWith(ruta.t('route.tradeNotFound', { count: this.catalog.sectors.length }));
      },
    },
    // "None of these": the worker writes the trade in their own words.
    typeTrade: {
      ask: ({ ruta }) => ({ kind: 'text', text: ruta.t('route.typeTrade') }),
      answer: async (turn, { text }) => {
        const read = await this.readTrade(turn, text);
        return read ?? go('unlisted');
      },
    },
    // A trade the catalog does not cover: the closest ISCO-08 group, whether a national standard is
    // known for it, and whom to ask; then write it another way, choose from the list, or the menu.
    unlisted: {
      ask: async (turn) => ({
        kind: 'menu',
        text: `${await this.unlistedText(turn)}\n\n${turn.ruta.t('route.unlisted.next')}`,
        reask: turn.ruta.t('route.unlisted.next'),
        options: [
          { id: 'again', label: turn.ruta.t('route.unlisted.again') },
          { id: 'list', label: turn.ruta.t('route.unlisted.list') },
          { id: 'menu', label: turn.ruta.t('route.nextMenu'), synonyms: ['menu', 'meni'] },
        ],
      }),
      answer: ({ values }, { choice }) => {
        values.isco = undefined;
        values.misses = undefined;
        if (choice === 'again') return go('typeTrade');
        if (choice === 'list') return go('trade');
        return choice === 'menu' ? end() : retry;
      },
    },
    // Which occupation in that sector?
    occupation: {
      ask: ({ ruta, values }) => occupationMenu(this.catalog, ruta, values.sector ?? ''),
      answer: async (turn, answer) => {
        const read = await occupationMenuAnswer(turn.ruta, answer);
        if (read.kind === 'trade') return this.explain(turn, read.id);
        if (read.kind === 'none') return go('typeTrade');
        if (read.kind === 'candidates') {
          turn.values.candidates = read.ids;
          return go('tradeConfirm');
        }
        return retry;
      },
    },
    // Did you mean …? (the occupations that matched what was typed)
    tradeConfirm: {
      ask: ({ ruta, values }) => didYouMeanQuestion(this.catalog, ruta, values.candidates),
      answer: (turn, { choice }) => {
        // None of those: what was typed is work the catalog does not cover (not the question again).
        if (choice === 'none') {
          turn.values.candidates = undefined;
          return go('unlisted');
        }
        return choice ? this.explain(turn, choice) : retry;
      },
    },
    // Mexico: which of these CONOCER standards? (RENEC matches for a trade outside the curated list)
    renecConfirm: {
      ask: ({ ruta, values }) => ({
        kind: 'menu',
        text: ruta.t('route.renecDidYouMean'),
        options: [
          ...Object.keys(values.renec ?? {}).flatMap((code) => {
            const s = this.catalog.renecStandard(code);
            return s ? [{ id: s.code, label: `${s.code}: ${s.title}` }] : [];
          }),
          { id: 'none', label: ruta.t('route.noneOfThese'), synonyms: NO },
        ],
      }),
      answer: async (turn, { choice }) => {
        if (!choice) return retry;
        if (choice === 'none') {
          turn.values.renec = undefined;
          return go('unlisted');
        }
        turn.values.occupation = undefined;
        turn.values.standard = choice;
        await this.sendRoute(turn);
        return go('renecNext');
      },
    },
    // After a RENEC standard's route: another trade, or the main menu (no pre-screen for it).
    renecNext: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('route.next'),
        options: [
          { id: 'trade', label: ruta.t('route.nextTrade') },
          { id: 'menu', label: ruta.t('route.nextMenu'), synonyms: ['menu', 'meni'] },
        ],
      }),
      answer: (turn, { choice }) => {
        if (choice === 'trade') {
          turn.values.standard = undefined;
          return go('trade');
        }
        return choice === 'menu' ? end() : retry;
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

  /**
   * A typed trade: the catalog's trades it names (→ "did you mean"), else in Mexico the RENEC
   * standards it names; undefined when neither. Either way the closest ISCO-08 groups are kept
   * for the honest path, should the worker say none of those is theirs.
   */
  private async readTrade({ ruta, values }: StepTurn<Values>, text: string): Promise<Outcome | undefined> {
    values.candidates = undefined;
    values.renec = undefined;
    values.isco = text.trim() === '' ? [] : this.catalog.closestIscoGroups(text, ruta.language).map((g) => g.code);
    const found = text.trim() === '' ? [] : (await ruta.readWork(text)).occupations.map((o) => o.id);
    if (found.length > 0) {
      values.candidates = found;
      return go('tradeConfirm');
    }
    // A group the catalog covers under another name ("mototaxista" → motorcycle drivers): its trades.
    const covered = this.catalog.occupations.filter((o) => values.isco?.[0] === o.isco08).map((o) => o.id);
    if (covered.length > 0) {
      values.candidates = covered;
      return go('tradeConfirm');
    }
    // In Mexico every standard of the RENEC registry can be reached, not only the curated trades.
    const renec = values.country === 'MX' ? this.catalog.searchRenec(text, 3) : [];
    if (renec.length > 0) {
      values.renec = Object.fromEntries(renec.map((r) => [r.item.code, this.catalog.renecName(r.item, text)]));
      return go('renecConfirm');
    }
    ruta.track({ kind: 'trade_unmatched', text });
    return undefined;
  }

  /** What Ruta can say about a trade it does not cover, in the worker's country (see the unlisted step). */
  private async unlistedText({ ruta, values }: StepTurn<Values>): Promise<string> {
    const { t } = ruta;
    const group = (values.isco ?? []).map((code) => ({ code, title: this.catalog.iscoTitle(code) })).find((g) => g.title !== undefined);
    const lines = [group ? t('route.unlisted.closest', { group: `${group.code} ${group.title}` }) : t('route.unlisted.unplaced')];
    const institution = this.catalog.institutionsOf(values.country ?? '')[0];
    if (!institution) return lines.join('\n');
    // Mexico's whole registry was searched with the worker's words; elsewhere no list of standards is known.
    lines.push(values.country === 'MX' ? t('route.unlisted.noRenec') : t('route.unlisted.standardUnknown', { institution: institution.acronym }));
    const contact = (await this.facts.routeOf(institution.id))?.contact?.text[ruta.language];
    lines.push(contact ? t('route.unlisted.ask', { institution: institution.acronym, contact }) : t('route.unlisted.askOffice', { institution: institution.acronym }));
    return lines.join('\n');
  }

  private nextQuestion({ ruta, values }: StepTurn<Values>): Question {
    // Booking needs a trade of the catalog (a RENEC-only standard has no centre list yet).
    const bookable = this.catalog.occupation(values.occupation ?? '') !== undefined;
    return {
      kind: 'menu',
      text: ruta.t('route.next'),
      options: [
        { id: 'prescreen', label: ruta.t('route.nextPrescreen') },
        ...(bookable ? [{ id: 'book', label: ruta.t('route.nextBook'), synonyms: ['reservar', 'cita', 'book', 'appointment', 'rezève', 'randevou'] }] : []),
        { id: 'steps', label: ruta.t('route.nextSteps') },
        { id: 'papers', label: ruta.t('route.nextPapers') },
        { id: 'cost', label: ruta.t('route.nextCost') },
        { id: 'where', label: ruta.t('route.nextWhere') },
        { id: 'abroad', label: ruta.t('route.nextAbroad') },
        { id: 'trade', label: ruta.t('route.nextTrade') },
        { id: 'country', label: ruta.t('route.nextCountry') },
        { id: 'menu', label: ruta.t('route.nextMenu'), synonyms: ['menu', 'meni'] },
      ],
    };
  }

  private async nextAnswer(turn: StepTurn<Values>, choice: string | undefined): Promise<Outcome> {
    // "Another country" keeps the trade: the next country's route follows at once.
    if (choice === 'prescreen') return begin(DialogIds.prescreen, { occupation: turn.values.occupation, country: turn.values.country, fromRoute: true });
    if (choice === 'book') return begin(DialogIds.booking, { occupation: turn.values.occupation, country: turn.values.country });
    if (choice === 'trade') {
      turn.values.occupation = undefined;
      return go('trade');
    }
    if (choice === 'country') return go('countryList');
    if (choice === 'menu') return end();
    if (isRouteDetail(choice)) {
      await this.sendDetail(turn, choice);
      // The list is just above: one line asks for the next number instead of sending it again (SMS is paid by the segment).
      const question = this.nextQuestion(turn);
      return { kind: 'stay', brief: turn.ruta.t('route.more', { count: question.kind === 'menu' ? question.options.length : 0 }) };
    }
    return retry;
  }

  /** One detail of the route the worker asked for, then the same menu. */
  private async sendDetail({ ruta, values, say }: StepTurn<Values>, kind: RouteDetail): Promise<void> {
    if (!values.country) return;
    const routes = await this.facts.routesIn(values.country);
    const towns = new Map<string, string[]>();
    if (kind === 'where') {
      for (const inst of this.catalog.institutionsOf(values.country)) {
        const centres = await ruta.booking.service.centres.ofInstitution(inst.id);
        towns.set(inst.id, [...new Set(centres.map((c) => c.city))].sort((a, b) => a.localeCompare(b)).slice(0, MAX_TOWNS));
      }
    }
    const subject = this.subject(ruta.language, values);
    for (const message of routeDetail(kind, this.catalog, ruta.t, ruta.language, values.country, { routes, centreTowns: towns, ...(subject ? { subject } : {}) })) await say(message);
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
    if (!values.country) return;
    const subject = this.subject(ruta.language, values);
    if (!subject) return;
    // What the institutions published replaces Ruta's research (read for every answer: it may have just changed).
    const routes = await this.facts.routesIn(values.country);
    for (const message of routeMessages(this.catalog, ruta.t, ruta.language, values.country, subject, routes)) await say(message);
    ruta.track({ kind: 'route_explained', trade: values.occupation ?? values.standard ?? 'unknown', unknownFacts: unknownFacts(this.catalog, values.country, routes) });
  }

  /** The curated occupation chosen, or the RENEC standard chosen (Mexico). */
  private subject(language: Language, values: Values): RouteSubject | undefined {
    const occupation = this.catalog.occupation(values.occupation ?? '');
    if (occupation) return occupationSubject(occupation, language);
    const standard = this.catalog.renecStandard(values.standard ?? '');
    if (!standard) return undefined;
    return {
      name: values.renec?.[standard.code] ?? standard.title,
      standards: { MX: [{ institution: 'conocer', code: standard.code, title: standard.title, source: RENEC_SOURCE }] },
    };
  }
}
