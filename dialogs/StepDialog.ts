import { Dialog, DialogReason, type DialogContext, type DialogEvent, type DialogTurnResult } from '../src/bot/dialogMachinery.js';
import { recognizeChoice, type MenuOption } from '../src/language/choice.js';
import { clean } from '../src/language/text.js';
import { rutaTurn, type RutaTurn } from '../src/bot/RutaTurn.js';

/** What a step asks: a numbered menu, or one simple free-text question. */
export type Question =
  | {
      kind: 'menu';
      text: string;
      options: MenuOption[];
      /** free text that matches no option goes to answer() */
      acceptsText?: boolean;
      acceptsLocation?: boolean;
      /** A short form of `text` asked again after a reply that was not understood (a long notice is not resent). */
      reask?: string;
    }
  /** acceptsLocation: a shared location (WhatsApp) is an answer too. */
  | { kind: 'text'; text: string; acceptsLocation?: boolean };

/** The worker's reply, already read: the option chosen (menus) and the cleaned text. */
export interface Answer {
  text: string;
  choice?: string;
  /**
   * In a menu that also takes free text: an option some words of the text named (not the whole
   * reply). The step reads the text first and falls back on this ("trabajo en construccion").
   */
  partialChoice?: string;
  /** A shared location, when the question accepts one. */
  location?: { latitude: number; longitude: number };
}

/** What happens after an answer. */
export type Outcome =
  | { kind: 'goto'; step: string }
  /** The same question again; with `brief`, only that line (the question's options were just shown above). */
  | { kind: 'stay'; brief?: string }
  /** Not understood: re-ask, with `hint` instead of the default apology when given. */
  | { kind: 'retry'; hint?: string }
  | { kind: 'end'; result?: unknown }
  | { kind: 'begin'; dialogId: string; options?: object }
  | { kind: 'replace'; dialogId: string; options?: object }
  /** Ends every dialog on the stack (after erasing, nothing is left to return to). */
  | { kind: 'endAll' };

export const go = (step: string): Outcome => ({ kind: 'goto', step });
export const retry: Outcome = { kind: 'retry' };
export const retryWith = (hint: string): Outcome => ({ kind: 'retry', hint });
export const stay: Outcome = { kind: 'stay' };
export const end = (result?: unknown): Outcome => ({ kind: 'end', result });
export const begin = (dialogId: string, options?: object): Outcome => ({ kind: 'begin', dialogId, options });
export const endAll: Outcome = { kind: 'endAll' };
export const replace = (dialogId: string, options?: object): Outcome => ({ kind: 'replace', dialogId, options });

/** The result a dialog ends with when the worker says "back" on its first question. */
export const BACK = { back: true } as const;
export const isBack = (r: unknown): boolean => typeof r === 'object' && r !== null && 'back' in r;

export interface StepTurn<V> {
  ruta: RutaTurn;
  values: V;
  say(text: string): Promise<void>;
}

/** One question of a dialog, with a stable id (`<dialog>.<step>`) for analytics. */
export interface Step<V> {
  ask(turn: StepTurn<V>): Question | Promise<Question>;
  answer(turn: StepTurn<V>, answer: Answer): Outcome | Promise<Outcome>;
  /** A child dialog begun by this step ended; by default the question is asked again. */
  resume?(turn: StepTurn<V>, result: unknown): Outcome | Promise<Outcome>;
}

interface StepState<V> {
  step: string;
  history: string[];
  values: V;
  misses: number;
}

/** After this many misunderstood replies in a row the worker is offered help and the menu. */
export const MISSES_BEFORE_HELP = 2;

/**
 * A botbuilder-dialogs Dialog made of named steps — the shape of every Ruta conversation:
 * each step asks one question and maps the answer to the next step. It handles, once for all
 * dialogs: re-asking kindly when a reply is not understood, offering help after repeated misses,
 * media or locations where text was expected, and going back a step.
 */
export abstract class StepDialog<V extends object> extends Dialog {
  protected abstract readonly steps: Record<string, Step<V>>;
  /** The step a new instance starts on; by default the first one declared. */
  protected firstStep(_values: V): string {
    const [first] = Object.keys(this.steps);
    if (first === undefined) throw new Error(`${this.id}: a StepDialog needs at least one step`);
    return first;
  }

  /** The values a new instance starts with, from the options it was begun with. */
  protected initialValues(_options: unknown): V {
    return {} as V;
  }

  /**
   * Runs once when the dialog begins, before its first question: a dialog begun with everything
   * it needs may decide from stored facts where to go (or end at once). undefined: ask the first step.
   */
  protected async onBegin(_turn: StepTurn<V>): Promise<Outcome | undefined> {
    return undefined;
  }

  /** Stable id of the step the dialog is on, e.g. 'route.country'. */
  stepId(step: string): string {
    return `${this.id}.${step}`;
  }

  /** Every step id this dialog can ask (the coordinators' dashboard names each one). */
  stepIds(): string[] {
    return Object.keys(this.steps).map((step) => this.stepId(step));
  }

  override async beginDialog(dc: DialogContext, options?: unknown): Promise<DialogTurnResult> {
    const values = this.initialValues(options);
    const state: StepState<V> = { step: this.firstStep(values), history: [], values, misses: 0 };
    dc.activeDialog!.state = state;
    const outcome = await this.onBegin(this.turn(dc, state));
    return outcome ? this.apply(dc, state, outcome) : this.enter(dc, state);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const turn = this.turn(dc, state);
    const { extras, t } = turn.ruta;
    const text = clean(dc.context.activity.text ?? '');
    const question = await this.step(state.step).ask(turn);

    if (text === '' && extras.location && question.acceptsLocation) {
      return this.apply(dc, state, await this.step(state.step).answer(turn, { text, location: extras.location }));
    }
    if (text === '' && extras.location) {
      await turn.say(t('common.locationNotExpected'));
      return this.ask(dc, state, question);
    }
    if (text === '' && extras.hasMedia) {
      await turn.say(t('common.mediaNotUnderstood'));
      return this.ask(dc, state, question);
    }

    let answer: Answer = { text };
    if (question.kind === 'menu') {
      const choice = recognizeChoice(text, question.options);
      if (choice.ok && choice.how === 'partial' && question.acceptsText) answer = { text, partialChoice: choice.id };
      else if (choice.ok) answer = { text, choice: choice.id };
      else if (!question.acceptsText || choice.reason === 'empty' || choice.reason === 'out_of_range') return this.miss(dc, state, question);
    } else if (text === '') {
      return this.miss(dc, state, question);
    }
    return this.apply(dc, state, await this.step(state.step).answer(turn, answer));
  }

  override async resumeDialog(dc: DialogContext, _reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const step = this.step(state.step);
    const outcome = step.resume ? await step.resume(this.turn(dc, state), result) : stay;
    return this.apply(dc, state, outcome);
  }

  override async repromptDialog(context: DialogContext['context'], instance: { state: StepState<V> }): Promise<void> {
    const ruta = rutaTurn(context);
    const question = await this.step(instance.state.step).ask({ ruta, values: instance.state.values, say: async (text) => void (await context.sendActivity(text)) });
    ruta.askedStep = this.stepId(instance.state.step);
    await context.sendActivity(renderQuestion(question));
  }

  // Dialog's defaults below, as native async functions: the library's are generator functions
  // made anew on each call, which kept whole turns alive through young collections
  // (src/bot/nativeAsync.ts). A step dialog keeps nothing to clean up when it ends, and handles
  // no events: they bubble to a parent dialog, as the library's do.
  override async endDialog(): Promise<void> {}

  override async onDialogEvent(dc: DialogContext, e: DialogEvent): Promise<boolean> {
    let handled = await this.onPreBubbleEvent(dc, e);
    if (!handled && e.bubble && dc.parent !== undefined) handled = await dc.parent.emitEvent(e.name, e.value, true, false);
    if (!handled) handled = await this.onPostBubbleEvent(dc, e);
    return handled;
  }

  protected override async onPreBubbleEvent(_dc: DialogContext, _e: DialogEvent): Promise<boolean> {
    return false;
  }

  protected override async onPostBubbleEvent(_dc: DialogContext, _e: DialogEvent): Promise<boolean> {
    return false;
  }

  /** True when a stored instance of this dialog can still be continued (its step exists). */
  canResume(state: unknown): boolean {
    if (typeof state !== 'object' || state === null || !('step' in state) || typeof state.step !== 'string') return false;
    if (!('history' in state) || !Array.isArray(state.history)) return false;
    return state.step in this.steps && state.history.every((h: unknown) => typeof h === 'string' && h in this.steps);
  }

  /** Goes back one question; on the first question, ends the dialog with BACK. */
  async back(dc: DialogContext): Promise<DialogTurnResult> {
    const state = this.state(dc);
    const previous = state.history.pop();
    if (previous === undefined) return dc.endDialog(BACK);
    state.step = previous;
    state.misses = 0;
    return this.enter(dc, state);
  }

  private async apply(dc: DialogContext, state: StepState<V>, outcome: Outcome): Promise<DialogTurnResult> {
    switch (outcome.kind) {
      case 'goto':
        if (outcome.step !== state.step) state.history.push(state.step);
        state.step = outcome.step;
        state.misses = 0;
        return this.enter(dc, state);
      case 'stay':
        state.misses = 0;
        if (outcome.brief !== undefined) {
          rutaTurn(dc.context).askedStep = this.stepId(state.step);
          await dc.context.sendActivity(outcome.brief);
          return Dialog.EndOfTurn;
        }
        return this.enter(dc, state);
      case 'retry':
        return this.miss(dc, state, await this.step(state.step).ask(this.turn(dc, state)), outcome.hint);
      case 'end':
        return dc.endDialog(outcome.result);
      case 'begin':
        state.misses = 0;
        return dc.beginDialog(outcome.dialogId, outcome.options);
      case 'replace':
        return dc.replaceDialog(outcome.dialogId, outcome.options);
      case 'endAll':
        return dc.cancelAllDialogs(true);
    }
  }

  private async enter(dc: DialogContext, state: StepState<V>): Promise<DialogTurnResult> {
    return this.ask(dc, state, await this.step(state.step).ask(this.turn(dc, state)));
  }

  private async ask(dc: DialogContext, state: StepState<V>, question: Question): Promise<DialogTurnResult> {
    rutaTurn(dc.context).askedStep = this.stepId(state.step);
    await dc.context.sendActivity(renderQuestion(question));
    return Dialog.EndOfTurn;
  }

  private async miss(dc: DialogContext, state: StepState<V>, question: Question, hint?: string): Promise<DialogTurnResult> {
    state.misses += 1;
    const { t } = rutaTurn(dc.context);
    const help = state.misses >= MISSES_BEFORE_HELP;
    rutaTurn(dc.context).misunderstood = help ? 'not_understood' : 'reasked';
    const key = question.kind === 'menu' ? (help ? 'common.stillNotUnderstoodMenu' : 'common.notUnderstoodMenu') : help ? 'common.stillNotUnderstoodText' : 'common.notUnderstoodText';
    await dc.context.sendActivity(hint !== undefined && !help ? hint : t(key, { count: question.kind === 'menu' ? question.options.length : 0 }));
    return this.ask(dc, state, question.kind === 'menu' && question.reask ? { ...question, text: question.reask } : question);
  }

  private state(dc: DialogContext): StepState<V> {
    return dc.activeDialog!.state as StepState<V>;
  }

  private step(name: string): Step<V> {
    const step = this.steps[name];
    if (!step) throw new Error(`${this.id}: unknown step ${name}`);
    return step;
  }

  private turn(dc: DialogContext, state: StepState<V>): StepTurn<V> {
    return {
      ruta: rutaTurn(dc.context),
      values: state.values,
      say: async (text: string) => void (await dc.context.sendActivity(text)),
    };
  }
}

/** A question as one message: the text, then one `N. label` line per option. */
export function renderQuestion(question: Question): string {
  if (question.kind === 'text') return question.text;
  return [question.text, ...question.options.map((o, i) => `${i + 1}. ${o.label}`)].join('\n');
}
