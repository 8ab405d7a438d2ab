import { randomBytes } from 'node:crypto';
import { errorCode, type Logger } from '../log.js';
import type { Language } from '../catalog/schema.js';
import type { AnalyticsStore } from './AnalyticsStore.js';
import { addCell, aggregate, dimsOf, emptyWrite, parseDims, type AggregateWrite, type Dims } from './cells.js';
import { analyticsEventSchema, dayOf, hourOf, turnEvent, UNKNOWN_COUNTRY, type AnalyticsChannel, type EventBase, type AnalyticsEvent, type Tracked, type TurnOutcome } from './event.js';
import { tradePhrase } from './tradePhrase.js';

/** Who an event is about, without identity: the conversation's random id and where it is. */
export interface EventContext {
  /** The conversation's analytics id (undefined: no conversation, e.g. a throttled stranger). */
  aid: string | undefined;
  country: string | undefined;
  language: Language;
  channel: AnalyticsChannel;
  /** A simulator conversation: in the stream, marked, out of the aggregates. */
  test?: boolean;
}

/** One turn, as RutaBot saw it. */
export interface TurnRecord extends EventContext {
  aid: string;
  outcome: TurnOutcome;
  /** The question asked at the end of the turn ('route.trade'), 'none' or 'erased'. */
  step: string;
  segments: number;
  /** What the dialogs reported during the turn (turn.track). */
  milestones: readonly Tracked[];
  /** How long the conversation is kept if the worker writes nothing more (its TTL), in seconds. */
  keptForSeconds: number;
}

/** A new conversation's analytics id: random, never derived from the phone number. */
export const newAid = (): string => randomBytes(8).toString('hex');

const HOUR_MS = 3600_000;

/**
 * Records analytics events and their aggregates; never fails its caller nor makes it wait for
 * Redis: an error is logged, counted (`failures`) and swallowed, so a Redis hiccup costs a
 * statistic, never a worker's turn.
 */
export class EventRecorder {
  /** Writes that failed since start (also logged as analytics_failed). */
  failures = 0;

  constructor(
    private readonly deps: {
      store: AnalyticsStore;
      now: () => Date;
      log: Logger;
      /** A conversation with no message for this long counts as a drop-off at its last step. */
      quietMs: number;
    },
  ) {}

  /**
   * One turn: its outcome, its milestones and where the conversation now is — one write, handed
   * to the store without waiting for it to be stored (the store batches writes; see flush).
   */
  async turn(t: TurnRecord): Promise<void> {
    this.safely(() => {
      const w = this.build(t, t.milestones.map((m) => this.eventOf(m)), t.milestones, { kind: t.outcome, step: t.step, segments: t.channel === 'sms' ? t.segments : undefined });
      if (t.test) return w;
      const ended = t.milestones.some((m) => m.kind === 'erase' || m.kind === 'opt_out');
      const atMs = Math.floor(this.deps.now().getTime() / HOUR_MS) * HOUR_MS;
      w.last = ended ? { aid: t.aid, forget: true } : { aid: t.aid, dims: dimsOf(this.dims(t)), step: t.step, atMs, expiresMs: atMs + t.keptForSeconds * 1000 };
      return w;
    });
  }

  /** Milestones outside a turn (the booking service, delivery callbacks, flood limits). */
  async record(context: EventContext, milestones: readonly Tracked[]): Promise<void> {
    if (milestones.length === 0) return;
    this.safely(() => this.build(context, milestones.map((m) => this.eventOf(m)), milestones));
  }

  /**
   * Counts the conversations quiet for `quietMs` at their last step ('dropoff_quiet'), or
   * 'dropoff_expired' when the conversation itself has expired meanwhile (the worker would start
   * over), on the day of their last message. Returns how many were counted.
   */
  async sweep(batch = 500): Promise<number> {
    const { store, now, quietMs } = this.deps;
    let counted = 0;
    const nowMs = now().getTime();
    const before = nowMs - quietMs;
    for (;;) {
      const due = await store.due(before, batch);
      // A batch's counts go together (the store batches writes; nothing waits for its timer).
      const written: Array<Promise<void>> = [];
      for (const aid of due) {
        const last = await store.claim(aid, before);
        const dims = last && parseDims(last.dims);
        if (!last || !dims) continue;
        const w = emptyWrite();
        addCell(w, dayOf(new Date(last.atMs)), dims, last.expiresMs <= nowMs ? 'dropoff_expired' : 'dropoff_quiet', last.step, 1, aid);
        written.push(store.write(w, nowMs));
        counted++;
      }
      await store.flush();
      await Promise.all(written);
      if (due.length < batch) return counted;
    }
  }

  /** A write of a turn's own event (when `turn`), then the milestones' events (`partial`), all sharing the conversation's base. */
  private build(context: EventContext, partial: Array<Partial<AnalyticsEvent> & Pick<AnalyticsEvent, 'kind'>>, milestones: readonly Tracked[], turn?: { kind: TurnOutcome; step: string; segments: number | undefined }): AggregateWrite {
    const at = this.deps.now();
    const w = emptyWrite();
    const base: EventBase = {
      v: 1 as const,
      hour: hourOf(at),
      ...(context.aid ? { aid: context.aid } : {}),
      country: this.dims(context).country,
      language: context.language,
      channel: context.channel,
      ...(context.test ? { test: true as const } : {}),
    };
    if (turn) aggregate(turnEvent(base, turn.kind, turn.step, turn.segments), w);
    for (const p of partial) aggregate(analyticsEventSchema.parse({ ...base, ...p }), w);
    if (!context.test && context.aid) {
      for (const m of milestones) {
        const phrase = m.kind === 'trade_unmatched' ? tradePhrase(m.text) : undefined;
        if (phrase) w.phrases.push({ day: dayOf(at), group: `${base.country}|${base.language}`, phrase, aid: context.aid });
      }
    }
    return w;
  }

  private dims(c: EventContext): Dims {
    return { country: c.country && /^[A-Z]{2}$/.test(c.country) ? c.country : UNKNOWN_COUNTRY, language: c.language, channel: c.channel };
  }

  /** The event fields of a milestone (never the text of an unmatched trade: that is kept apart). */
  private eventOf(m: Tracked): Partial<AnalyticsEvent> & Pick<AnalyticsEvent, 'kind'> {
    switch (m.kind) {
      case 'route_explained':
        return { kind: m.kind, trade: m.trade, unknownFacts: [...m.unknownFacts] };
      case 'prescreen_completed':
        return { kind: m.kind, band: m.band };
      case 'trade_unmatched':
        return { kind: m.kind };
      case 'outcome':
        return { kind: m.kind, detail: m.outcome };
      case 'booking_cancelled':
        return { kind: m.kind, detail: m.by };
      case 'delivery_failed':
        return { kind: m.kind, errorCode: m.errorCode };
      case 'booking_requested':
      case 'attended':
        return { kind: m.kind, ...(m.waited ? { waited: m.waited } : {}) };
      case 'centre_far':
        return { kind: m.kind, detail: m.place };
      default:
        return { kind: m.kind };
    }
  }

  /** Every write handed to the store so far is stored, or has failed and been counted. */
  async flush(): Promise<void> {
    await this.deps.store.flush();
    await Promise.all([...this.pending.values()].map((p) => p.settled));
  }

  /**
   * Writes handed to the store and not yet settled: per promise the store answered (a batch's
   * writes share one, RedisAnalyticsStore), how many writes wait for it and its outcome, already
   * caught. One handler a batch, not a promise and two callbacks a turn that lived until the batch
   * was stored (issue 13: a turn's work).
   */
  private readonly pending = new Map<Promise<void>, { writes: number; settled: Promise<void> }>();

  private safely(make: () => AggregateWrite): void {
    let written: Promise<void>;
    try {
      written = this.deps.store.write(make(), this.deps.now().getTime());
    } catch (err) {
      this.failed(err);
      return;
    }
    const known = this.pending.get(written);
    if (known) {
      known.writes++;
      return;
    }
    const entry = { writes: 1, settled: Promise.resolve() };
    // Settles after this turn, so every write of the batch made meanwhile is counted.
    entry.settled = written.then(
      () => undefined,
      (err: unknown) => this.failed(err, entry.writes),
    ).finally(() => this.pending.delete(written));
    this.pending.set(written, entry);
  }

  /** `writes` failed with `err` (the writes of one batch fail together: one line for them). */
  private failed(err: unknown, writes = 1): void {
    this.failures += writes;
    this.deps.log.warn('analytics_failed', { code: errorCode(err), writes, failures: this.failures });
  }
}
