import { z } from 'zod';
import type { Catalog } from '../src/catalog/Catalog.js';
import type { Occupation, Prescreen } from '../src/catalog/schema.js';
import { recognizeMany } from '../src/language/choice.js';
import { NO, YES } from '../src/language/keywords.js';
import type { RutaTurn } from '../src/bot/RutaTurn.js';
import { parseYears } from '../src/language/years.js';
import { LEARNED_AT, type LearnedAt } from '../src/match/WorkProfiler.js';
import type { WorkerProfile } from '../src/prescreen/ProfileStore.js';
import { EVIDENCE_KINDS, readiness, SELF_ASSESSMENT, type EvidenceKind, type SelfAssessment } from '../src/prescreen/readiness.js';
import { experienceText, prescreenResultMessages, prescreenSummary } from './prescreenMessages.js';
import { countrySteps } from './countryQuestions.js';
import { didYouMeanQuestion, occupationMenu, occupationMenuAnswer } from './tradeQuestions.js';
import { DialogIds } from './ids.js';
import { end, go, replace, retry, retryWith, stay, StepDialog, type Outcome, type Question, type Step, type StepTurn } from './StepDialog.js';

interface Values {
  country?: string;
  occupation?: string;
  sector?: string;
  candidates?: string[];
  years?: number;
  learnedAt?: LearnedAt;
  evidence?: EvidenceKind[];
  answers: Record<string, SelfAssessment>;
  /** Begun from the end of a route explanation: "see the route" goes back to it. */
  fromRoute?: boolean;
  /** The introduction was sent. */
  introduced?: boolean;
  /** Begun with a saved result to offer. */
  saved?: boolean;
}

const optionsSchema = z.object({
  occupation: z.string().optional(),
  country: z.string().optional(),
  candidates: z.array(z.string()).max(5).optional(),
  fromRoute: z.boolean().optional(),
  /** The worker has a saved result: offer its summary before a new check. */
  saved: z.boolean().optional(),
});

/** What the pre-screen ends with, for the dialog that began it. */
export const prescreenResultSchema = z.object({ next: z.enum(['menu', 'route']) });

/** The answers a menu step accepts, built once: made in each answer, a zod enum cost 1.5 µs and its parse 0.08 (50,000 in a loop). */
const learnedAtSchema = z.enum(LEARNED_AT);
const selfAssessmentSchema = z.enum(SELF_ASSESSMENT);

const summaryOption = (ruta: RutaTurn) => ({ id: 'summary', label: ruta.t('prescreen.nextSummary'), synonyms: ['resumen', 'summary', 'rezime'] });

/** Longer experience than this is not a plausible answer (the profile schema's limit). */
const MAX_YEARS = 60;
/** The most statements a pre-screen has (data/prescreen.json allows 6–10): one step each. */
const MAX_STATEMENTS = 10;
const PARTLY = ['partly', 'en parte', 'mas o menos', 'más o menos', 'a veces', 'un poco', 'some', 'sometimes', 'somewhat', 'kind of', 'yon ti jan', 'ti jan', 'pafwa', 'kèk fwa', 'plus ou moins', 'regular', 'medio', 'mitad'];

/**
 * Pre-screen: how ready a worker looks for the standard of their trade in their country.
 * Country → the worker's own description of their work (or sector menus), confirmed → years →
 * where they learned → evidence they have → 6–10 statements (yes / partly / no) → result,
 * saved as the worker's profile for booking, with a summary to show at the centre.
 */
export class PrescreenDialog extends StepDialog<Values> {
  constructor(private readonly catalog: Catalog) {
    super(DialogIds.prescreen);
  }

  protected override initialValues(options: unknown): Values {
    const parsed = optionsSchema.safeParse(options ?? {});
    const o = parsed.success ? parsed.data : {};
    const occupation = o.occupation && this.catalog.prescreen(o.occupation) ? o.occupation : undefined;
    return {
      answers: {},
      ...(o.country && this.catalog.country(o.country) ? { country: o.country } : {}),
      ...(occupation ? { occupation } : {}),
      ...(o.candidates ? { candidates: o.candidates.filter((c) => this.catalog.prescreen(c)) } : {}),
      ...(o.fromRoute ? { fromRoute: true } : {}),
      ...(o.saved ? { saved: true } : {}),
    };
  }

  protected override firstStep(values: Values): string {
    if (values.saved) return 'saved';
    if (!values.country) return 'country';
    if (values.occupation) return 'years';
    return values.candidates && values.candidates.length > 0 ? 'confirm' : 'describe';
  }

  protected readonly steps: Record<string, Step<Values>> = {
    // You already have a result: see its summary, or check again?
    saved: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('prescreen.saved'),
        options: [
          summaryOption(ruta),
          { id: 'again', label: ruta.t('prescreen.again') },
        ],
      }),
      answer: async (turn, { choice }) => {
        const { ruta, values } = turn;
        if (choice === 'summary') {
          if (await this.sayLastSummary(turn)) return end({ next: 'menu' });
        } else if (choice !== 'again') return retry;
        values.saved = undefined;
        return go(this.firstStep(values));
      },
    },
    // Are you in <country> now? (the standard and institution depend on it) — or the list.
    ...countrySteps<Values>((turn, code) => this.setCountry(turn, code), (turn) => this.introOnce(turn)),
    // Tell me about your work in your own words — or choose a sector.
    describe: {
      ask: async (turn) => {
        await this.introOnce(turn);
        return this.describeQuestion(turn.ruta);
      },
      answer: async ({ ruta, values }, { choice, partialChoice, text }) => {
        if (choice) {
          values.sector = choice;
          return go('sectorOccupation');
        }
        // A trade named in the description wins over a sector's word in it.
        const profile = await ruta.readWork(text);
        const found = profile.occupations.map((o) => o.id).filter((id) => this.catalog.prescreen(id));
        if (found.length === 0 && partialChoice) {
          values.sector = partialChoice;
          return go('sectorOccupation');
        }
        if (found.length === 0) {
          ruta.track({ kind: 'trade_unmatched', text });
          return retryWith(ruta.t('prescreen.notFound', { count: this.catalog.sectors.length }));
        }
        values.candidates = found;
        // What the description already says is not asked again ("8 años pegando block").
        if (profile.years !== null) values.years = profile.years;
        if (profile.learnedAt !== null) values.learnedAt = profile.learnedAt;
        return go('confirm');
      },
    },
    sectorOccupation: {
      ask: ({ ruta, values }) => occupationMenu(this.catalog, ruta, values.sector ?? ''),
      answer: async (turn, answer) => {
        const read = await occupationMenuAnswer(turn.ruta, answer);
        if (read.kind === 'trade') return this.setOccupation(turn, read.id);
        if (read.kind === 'none') return go('describe');
        const ids = read.kind === 'candidates' ? read.ids.filter((id) => this.catalog.prescreen(id)) : [];
        if (ids.length === 0) return retry;
        turn.values.candidates = ids;
        return go('confirm');
      },
    },
    // Do you mean …? (what the description matched, best first)
    confirm: {
      ask: async (turn) => {
        await this.introOnce(turn);
        return didYouMeanQuestion(this.catalog, turn.ruta, turn.values.candidates);
      },
      answer: (turn, { choice }) => {
        if (choice === 'none') {
          turn.values.candidates = undefined;
          turn.values.years = undefined;
          turn.values.learnedAt = undefined;
          return go('describe');
        }
        return choice ? this.setOccupation(turn, choice) : retry;
      },
    },
    // How many years? "5", "cinco", "senk", "5 años", "since 2019"
    years: {
      ask: async (turn) => {
        await this.introOnce(turn);
        return { kind: 'text', text: turn.ruta.t('prescreen.years', { occupation: this.occupation(turn).name[turn.ruta.language] }) };
      },
      answer: ({ ruta, values }, { text }) => {
        const years = parseYears(text, ruta.now().getUTCFullYear());
        if (years === undefined || years > MAX_YEARS) return retryWith(ruta.t('prescreen.yearsHint'));
        values.years = years;
        return go(this.afterYears(values));
      },
    },
    // "You said 8 years of experience as a mason: right?" (years read from the description)
    yearsConfirm: {
      ask: (turn) => ({
        kind: 'menu',
        text: turn.ruta.t('prescreen.yearsConfirm', { experience: experienceText(turn.ruta.t, turn.values.years ?? 0), occupation: this.occupation(turn).name[turn.ruta.language] }),
        options: [
          { id: 'yes', label: turn.ruta.t('common.yes'), synonyms: YES },
          { id: 'no', label: turn.ruta.t('prescreen.yearsNo'), synonyms: NO },
        ],
      }),
      answer: ({ values }, { choice }) => {
        if (choice === 'yes' && values.years !== undefined && values.years <= MAX_YEARS) return go(this.afterYears(values));
        if (choice !== 'no' && choice !== 'yes') return retry;
        values.years = undefined;
        return go('years');
      },
    },
    // Where did you learn?
    learned: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('prescreen.learned'),
        options: LEARNED_AT.map((id) => ({ id, label: ruta.t(`prescreen.learnedAt.${id}`) })),
      }),
      answer: ({ values }, { choice }) => {
        const parsed = learnedAtSchema.safeParse(choice);
        if (!parsed.success) return retry;
        values.learnedAt = parsed.data;
        return go('evidence');
      },
    },
    // Which evidence do you have? (several numbers, or 0)
    evidence: {
      ask: ({ ruta }) => ({ kind: 'text', text: this.evidenceQuestion(ruta) }),
      answer: ({ ruta, values }, { text }) => {
        const chosen = recognizeMany(text, this.evidenceOptions(ruta));
        if (chosen === undefined) return retryWith(ruta.t('prescreen.evidenceHint'));
        values.evidence = chosen.filter((c): c is EvidenceKind => (EVIDENCE_KINDS as readonly string[]).includes(c));
        return go('s0');
      },
    },
    ...Object.fromEntries(Array.from({ length: MAX_STATEMENTS }, (_, i) => [`s${i}`, this.statementStep(i)])),
    // What next: a summary to show, the route, or the main menu.
    next: {
      ask: ({ ruta }) => ({
        kind: 'menu',
        text: ruta.t('prescreen.next'),
        options: [
          summaryOption(ruta),
          { id: 'book', label: ruta.t('prescreen.nextBook'), synonyms: ['reservar', 'cita', 'book', 'appointment', 'rezève', 'randevou'] },
          { id: 'route', label: ruta.t('prescreen.nextRoute'), synonyms: ['ruta', 'route', 'wout'] },
          { id: 'menu', label: ruta.t('prescreen.nextMenu'), synonyms: ['menu', 'meni'] },
        ],
      }),
      answer: async (turn, { choice }) => {
        const { ruta, values } = turn;
        if (choice === 'summary') {
          if (!(await this.sayLastSummary(turn))) await turn.say(ruta.t('common.error'));
          return stay;
        }
        // Booking takes this check's trade and country (and its result, from the saved profile).
        if (choice === 'book') return replace(DialogIds.booking, { occupation: values.occupation, country: values.country });
        if (choice === 'route') {
          if (values.fromRoute) return end({ next: 'route' });
          return replace(DialogIds.route, { occupation: values.occupation, country: values.country });
        }
        if (choice === 'menu') return end({ next: 'menu' });
        return retry;
      },
    },
  };

  /** The statement step `s<i>`: "(2/7) I have built block walls… 1 Yes 2 Partly 3 No". */
  private statementStep(i: number): Step<Values> {
    return {
      ask: async (turn) => {
        const { ruta } = turn;
        const statements = this.prescreenOf(turn).statements;
        const statement = statements[i];
        // A stored step beyond this trade's statements (cannot happen through the dialog) ends the list.
        if (!statement) return this.nextQuestion(ruta);
        const text = ruta.t('prescreen.statement', { n: i + 1, total: statements.length, text: statement.text[ruta.language] });
        return {
          kind: 'menu',
          text: i === 0 ? `${ruta.t('prescreen.statementsIntro', { total: statements.length })}\n\n${text}` : text,
          options: SELF_ASSESSMENT.map((id) => ({ id, label: ruta.t(`prescreen.answer.${id}`), synonyms: id === 'yes' ? YES : id === 'no' ? NO : PARTLY })),
        };
      },
      answer: async (turn, { choice }) => {
        const statements = this.prescreenOf(turn).statements;
        const statement = statements[i];
        const parsed = selfAssessmentSchema.safeParse(choice);
        if (!statement || !parsed.success) return retry;
        turn.values.answers[statement.id] = parsed.data;
        if (i + 1 < statements.length) return go(`s${i + 1}`);
        return this.finish(turn);
      },
    };
  }

  private async finish(turn: StepTurn<Values>): Promise<Outcome> {
    const { ruta, values } = turn;
    const occupation = this.occupation(turn);
    const prescreen = this.prescreenOf(turn);
    const years = values.years ?? 0;
    const evidence = values.evidence ?? [];
    const result = readiness(prescreen, values.answers, years, evidence);
    const country = values.country;
    if (!country) return go('country');
    const profile: WorkerProfile = {
      v: 1,
      occupation: occupation.id,
      isco08: occupation.isco08,
      country,
      standards: this.catalog.standardsFor(occupation, country).map((s) => ({ institution: s.institution, code: s.code })),
      years,
      learnedAt: values.learnedAt ?? 'other',
      evidence,
      answers: values.answers,
      level: result.level,
      share: result.share,
      language: ruta.language,
      completedAt: ruta.now().toISOString(),
    };
    await ruta.profile.save(profile);
    ruta.track({ kind: 'prescreen_completed', band: result.level });
    for (const message of prescreenResultMessages(this.catalog, ruta.t, ruta.language, { occupation, prescreen, readiness: result, profile })) await turn.say(message);
    return go('next');
  }

  /** Sends the saved result's summary; false when there is none (expired or erased). */
  private async sayLastSummary({ ruta, say }: StepTurn<Values>): Promise<boolean> {
    const profile = await ruta.profile.load();
    if (profile) await say(prescreenSummary(this.catalog, ruta.t, ruta.language, profile));
    return profile !== undefined;
  }

  private describeQuestion(ruta: RutaTurn): Question {
    return {
      kind: 'menu',
      acceptsText: true,
      text: ruta.t('prescreen.describe'),
      options: this.catalog.sectors.map((s) => ({ id: s.id, label: s.name[ruta.language] })),
    };
  }

  private evidenceOptions(ruta: RutaTurn) {
    return EVIDENCE_KINDS.map((id) => ({ id, label: ruta.t(`prescreen.evidenceKind.${id}`) }));
  }

  private evidenceQuestion(ruta: RutaTurn): string {
    return [ruta.t('prescreen.evidence'), ...this.evidenceOptions(ruta).map((o, i) => `${i + 1}. ${o.label}`)].join('\n');
  }

  private nextQuestion(ruta: RutaTurn): Question {
    return { kind: 'text', text: ruta.t('prescreen.next') };
  }

  /** The short introduction, once, before the first question of a pre-screen. */
  private async introOnce(turn: StepTurn<Values>): Promise<void> {
    if (turn.values.introduced) return;
    turn.values.introduced = true;
    turn.ruta.track({ kind: 'prescreen_started' });
    await turn.say(turn.ruta.t('prescreen.intro'));
  }

  private setCountry(turn: StepTurn<Values>, code: string): Outcome {
    if (!this.catalog.country(code)) return retry;
    turn.values.country = code;
    turn.ruta.session.country = code;
    if (turn.values.occupation) return go(turn.values.years === undefined ? 'years' : 'yearsConfirm');
    return go(turn.values.candidates && turn.values.candidates.length > 0 ? 'confirm' : 'describe');
  }

  private setOccupation(turn: StepTurn<Values>, id: string): Outcome {
    if (!this.catalog.prescreen(id)) return retry;
    turn.values.occupation = id;
    turn.values.answers = {};
    // Years read from the description are confirmed: "tengo 45 años" may be an age.
    return go(turn.values.years === undefined ? 'years' : 'yearsConfirm');
  }

  private afterYears(values: Values): string {
    return values.learnedAt === undefined ? 'learned' : 'evidence';
  }

  private occupation(turn: StepTurn<Values>): Occupation {
    const o = this.catalog.occupation(turn.values.occupation ?? '');
    if (!o) throw new Error('pre-screen step reached without an occupation');
    return o;
  }

  private prescreenOf(turn: StepTurn<Values>): Prescreen {
    const p = this.catalog.prescreen(turn.values.occupation ?? '');
    if (!p) throw new Error('pre-screen step reached without a pre-screen');
    return p;
  }
}

