import type { RedisClient } from '../../store/redisClient.js';
import { Catalog } from '../../catalog/Catalog.js';
import type { Language } from '../../catalog/schema.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { unknownFacts } from '../../../dialogs/routeMessages.js';
import type { AnalyticsRetention, AnalyticsStore } from '../../analytics/AnalyticsStore.js';
import { addCell, emptyWrite, parseDims, type AggregateWrite, type LastSeen, type Level } from '../../analytics/cells.js';
import { dayOf, UNKNOWN_COUNTRY, type AnalyticsChannel, type AnalyticsEvent, type Tracked, type TurnOutcome } from '../../analytics/event.js';
import { EventRecorder, type EventContext } from '../../analytics/EventRecorder.js';
import { RedisAnalyticsStore } from '../../analytics/RedisAnalyticsStore.js';

/**
 * Seeds a Redis prefix with a realistic analytics history for `npm run bench:analytics`: what
 * `events` events of real conversations over `days` days leave in Redis, so the dashboard and the
 * API are measured on the data they will read in production, not on a few cells.
 *
 * Events go through the real write path: EventRecorder builds each turn's and each milestone's
 * events and cells exactly as RutaBot, the booking service and the webhook do (clock set to the
 * turn's time), and RedisAnalyticsStore.write applies them — batched one write per hour, in time
 * order (the stream's ids are the hours; an hour's write may hold many turns: the counts are
 * summed, the HyperLogLogs and stream get the same members). What EventRecorder.sweep would have
 * counted by `nowMs` (conversations quiet for the quiet time) is counted as drop-offs the way the
 * sweep counts them; conversations still within it keep their last step for the sweep.
 *
 * The cohort: conversations start on a weekday-heavy, daytime-heavy, slowly growing calendar, in
 * DO, MX, GT, HN, CR, SV, PA, NI (and a few with no country yet), in es/en/ht, on SMS and
 * WhatsApp; they go through consent, the menu, the route (trades from the catalog, unknown facts
 * as the catalog has them, unmatched trade descriptions, some written by many workers), the
 * pre-screen, booking, and later attended / no-show / cancelled / outcome from the institution;
 * every question can be re-asked or not understood, and people go quiet at every step (most after
 * the route's answer). Some erase, opt out, get throttled or have an SMS fail. Deterministic for a
 * given `seed`.
 */

export interface SeedOptions {
  /** Events to write (the last conversation may add one or two more: a turn and its milestones go together; the exact number is returned). */
  events: number;
  /** The clock the server reading them runs on (ms): every event is before it, over `days` days up to it. */
  nowMs: number;
  days?: number;
  seed?: number;
  /** Hour writes on the wire at once (in order on one connection, so the stream stays in time order). */
  inFlight?: number;
}

export interface SeedResult {
  events: number;
  conversations: number;
  turns: number;
  /** Conversations counted as drop-offs, and those still waiting for the sweep (their last step kept). */
  dropoffs: number;
  waiting: number;
  /** Milliseconds from start to the last write acknowledged. */
  ms: number;
  firstHour: string;
  lastHour: string;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** A small seeded PRNG (mulberry32): the same seed gives the same cohort. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    /** One of `weights`' keys, in proportion to its weight. */
    pick<K extends string>(weights: Readonly<Record<K, number>>): K {
      const entries = Object.entries(weights) as Array<[K, number]>;
      let r = next() * entries.reduce((s, [, w]) => s + w, 0);
      for (const [k, w] of entries) if ((r -= w) < 0) return k;
      return entries[entries.length - 1]![0];
    },
    /** An index 0..n-1, the first ones far more often (Zipf, s = 1). */
    zipf(n: number): number {
      const h = Math.log(n) + 0.5772;
      let r = next() * h;
      for (let i = 0; i < n; i++) if ((r -= 1 / (i + 1)) < 0) return i;
      return n - 1;
    },
    hex: (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
}
type Rng = ReturnType<typeof prng>;

const COUNTRIES = { DO: 30, MX: 18, GT: 15, HN: 12, CR: 10, SV: 6, PA: 4, NI: 3, [UNKNOWN_COUNTRY]: 2 } as const;
type SeedCountry = keyof typeof COUNTRIES;
/** Hours from UTC of the country's clock (activity follows local daytime). */
const UTC_OFFSET: Record<SeedCountry, number> = { DO: -4, MX: -6, GT: -6, HN: -6, CR: -6, SV: -6, PA: -5, NI: -6, XX: -5 };
const LANGUAGES_OF: Record<SeedCountry, Readonly<Record<Language, number>>> = {
  DO: { es: 76, ht: 20, en: 4 },
  MX: { es: 95, en: 5, ht: 0 },
  GT: { es: 96, en: 4, ht: 0 },
  HN: { es: 94, en: 6, ht: 0 },
  CR: { es: 88, en: 9, ht: 3 },
  SV: { es: 97, en: 3, ht: 0 },
  PA: { es: 90, en: 8, ht: 2 },
  NI: { es: 97, en: 3, ht: 0 },
  XX: { es: 60, en: 25, ht: 15 },
};
const CHANNELS = { sms: 56, whatsapp: 44 } as const satisfies Partial<Record<AnalyticsChannel, number>>;
/** Local hour → how busy (people write in the day and the evening). */
const LOCAL_HOUR_WEIGHT = (h: number) => (h < 6 ? 0.15 : h < 8 ? 0.6 : h < 21 ? 1.5 : 0.7);

/**
 * Trade descriptions Ruta does not recognise, per language, as workers write them (names and
 * numbers included: the recorder keeps only the scrubbed phrase). The first ones are common.
 */
const UNMATCHED: Record<Language, readonly string[]> = {
  es: ['fumigador', 'reparo celulares', 'tapicero de carros', 'hago uñas acrilicas', 'instalo camaras de seguridad', 'chofer de grua', 'pescador', 'herrero', 'motoconcho', 'limpio piscinas', 'cuido caballos en la finca', 'hago blocks', 'trabajo con Pedro fumigando', 'zapatero', 'vendo en el colmado', 'barbero de 10 años', 'ayudante de todo', 'pinto uñas y cejas', 'reparo neveras', 'operador de retro', 'gomero', 'maestro de obra y plomero', 'hago pasteles por encargo', 'sastre', 'guardian de noche'],
  en: ['drone repair', 'i fix phones', 'pool cleaning', 'fisherman', 'blacksmith', 'nail tech', 'tow truck driver', 'dog grooming', 'solar panel installer', 'i worked with John on boats', 'roofing', 'call center agent'],
  ht: ['mwen se pechè', 'mwen ranje telefòn', 'mwen fè chapant', 'mwen koupe cheve', 'mwen vann nan mache', 'mwen fè pen', 'mwen kondi moto', 'mwen travay nan jaden kann', 'mwen ranje frijidè'],
};
const DELIVERY_ERRORS = { '30003': 40, '30005': 20, '30006': 15, '30007': 10, '30008': 10, '21610': 5 } as const;
const RETRIED: Readonly<Record<string, number>> = { 'start.consent': 0.05, 'route.country': 0.04, 'route.trade': 0.1, 'route.tradeConfirm': 0.04, 'prescreen.years': 0.08, 'prescreen.evidence': 0.1, 'booking.where': 0.1, 'booking.slot': 0.06, 'booking.name': 0.12, 'booking.confirm': 0.03 };

/** One thing the cohort does: a turn (RutaBot) or milestones outside a turn (booking service, webhook). */
type Action = { atMs: number } & ({ turn: { outcome: TurnOutcome; step: string; segments: number; milestones: Tracked[] } } | { record: Tracked[] });

/** Collects EventRecorder's writes by hour (merged), and each conversation's last step. */
class HourBuckets implements AnalyticsStore {
  readonly byHour = new Map<number, { events: AnalyticsEvent[]; counts: Map<string, number>; workers: AggregateWrite['workers']; seen: Set<string>; phrases: AggregateWrite['phrases'] }>();
  readonly last = new Map<string, LastSeen | 'forget'>();
  events = 0;

  async write(w: AggregateWrite, nowMs: number): Promise<void> {
    const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
    let b = this.byHour.get(hour);
    if (!b) this.byHour.set(hour, (b = { events: [], counts: new Map(), workers: [], seen: new Set(), phrases: [] }));
    for (const e of w.events) b.events.push(e);
    this.events += w.events.length;
    // The same day and cell within an hour: one HINCRBY of the sum (the key is 'day cell').
    for (const { day, level, cell, by } of w.counts) b.counts.set(`${day} ${level} ${cell}`, (b.counts.get(`${day} ${level} ${cell}`) ?? 0) + by);
    // A worker already in a cell's set adds nothing to it (an SMS conversation's segments, turn after turn).
    for (const x of w.workers) {
      const key = `${x.day} ${x.cell} ${x.aid}`;
      if (b.seen.has(key)) continue;
      b.seen.add(key);
      b.workers.push(x);
    }
    for (const x of w.phrases) b.phrases.push(x);
    if (w.last) this.last.set(w.last.aid, 'forget' in w.last ? 'forget' : w.last);
  }

  /** The hours collected before `beforeMs`, oldest first. */
  hoursBefore(beforeMs: number): number[] {
    return [...this.byHour.keys()].filter((h) => h < beforeMs).sort((a, b) => a - b);
  }

  /** One hour's merged write, as RedisAnalyticsStore.write takes it. */
  take(hour: number): AggregateWrite {
    const b = this.byHour.get(hour)!;
    this.byHour.delete(hour);
    const counts = [...b.counts].map(([key, by]) => {
      const [day = '', level = 'x', ...cell] = key.split(' ');
      return { day, level: level as Level, cell: cell.join(' '), by };
    });
    return { events: b.events, counts, workers: b.workers, phrases: b.phrases };
  }

  async flush(): Promise<void> {}
  counts(): never {
    throw new Error('seeding only writes');
  }
  distinct(): never {
    throw new Error('seeding only writes');
  }
  phrases(): never {
    throw new Error('seeding only writes');
  }
  due(): never {
    throw new Error('seeding only writes');
  }
  claim(): never {
    throw new Error('seeding only writes');
  }
  recent(): never {
    throw new Error('seeding only writes');
  }
  range(): never {
    throw new Error('seeding only writes');
  }
}

/** One conversation's actions in time order (before `nowMs`; a journey still going on is cut there). */
function conversation(rng: Rng, catalog: Catalog, trades: readonly string[], startMs: number, country: SeedCountry, language: Language, channel: AnalyticsChannel): Action[] {
  const actions: Action[] = [];
  let at = startMs;
  const sms = channel === 'sms';
  const segments = (lo: number, hi: number) => (sms ? rng.int(lo, hi) : 0);
  const turn = (step: string, milestones: Tracked[] = [], outcome: TurnOutcome = 'understood', seg: [number, number] = [1, 2]) => {
    at += rng.int(20, 240) * 1000;
    actions.push({ atMs: at, turn: { outcome, step, segments: segments(...seg), milestones } });
  };
  const record = (milestones: Tracked[], afterMs: number) => actions.push({ atMs: at + afterMs, record: milestones });
  /** Answers the question at `step` (re-asked, maybe not understood, first) and moves to `next`; false: the worker went quiet at `step`. */
  const answer = (step: string, next: string, quiet: number, milestones: Tracked[] = [], seg: [number, number] = [1, 2]): boolean => {
    if (rng.chance(RETRIED[step] ?? 0.03)) {
      turn(step, [], 'reasked', [1, 1]);
      if (rng.chance(0.25)) turn(step, [], 'not_understood', [1, 2]);
      if (rng.chance(quiet * 2)) return false;
    }
    if (rng.chance(quiet)) return false;
    turn(next, milestones, 'understood', seg);
    return true;
  };
  /** A returning worker: hours or days later. */
  const pause = () => {
    if (rng.chance(0.2)) at += rng.int(2, 10 * 24) * HOUR_MS;
  };

  turn('start.consent', [{ kind: 'first_contact' }], 'understood', [2, 3]);
  if (rng.chance(0.07)) return actions; // never answered the privacy notice
  if (rng.chance(0.06)) {
    turn('menu.main', [{ kind: 'privacy_declined' }], 'understood', [2, 3]);
    if (rng.chance(0.7)) return actions;
  } else if (!answer('start.consent', 'menu.main', 0, [{ kind: 'privacy_accepted' }], [2, 3])) return actions;
  if (rng.chance(0.01)) {
    turn('erased', [{ kind: 'erase' }], 'command');
    return actions;
  }
  if (sms && rng.chance(0.012)) {
    turn('none', [{ kind: 'opt_out' }], 'command', [0, 0]);
    return actions;
  }
  if (rng.chance(0.003)) record([{ kind: 'throttled' }], 1000);
  if (sms && rng.chance(0.03)) record([{ kind: 'delivery_failed', errorCode: Number(rng.pick(DELIVERY_ERRORS)) }], 60_000);
  if (country === UNKNOWN_COUNTRY) {
    // No country from the number and none chosen yet: such conversations stop early.
    if (rng.chance(0.5)) turn('route.country', [], 'understood');
    return actions;
  }

  if (!answer('menu.main', 'route.country', 0.1)) return actions;
  if (!answer('route.country', 'route.trade', 0.05)) return actions;
  // The trade: one Ruta does not know (its words kept, scrubbed), or one of the catalog's.
  if (rng.chance(0.18)) {
    const list = UNMATCHED[language];
    turn('route.trade', [{ kind: 'trade_unmatched', text: list[rng.zipf(list.length)]! }], 'reasked', [1, 2]);
    if (rng.chance(0.45)) {
      turn('route.unlisted', [], 'understood', [2, 4]);
      return actions;
    }
    if (rng.chance(0.6)) return actions;
  }
  if (!answer('route.trade', 'route.tradeConfirm', 0.06)) return actions;
  const trade = trades[rng.zipf(trades.length)]!;
  if (!answer('route.tradeConfirm', 'route.next', 0.04, [{ kind: 'route_explained', trade, unknownFacts: unknownFacts(catalog, country) }], [3, 6])) return actions;
  if (rng.chance(0.15)) turn('route.next', [], 'understood', [2, 4]); // a detail: papers, cost, where
  const after = rng.pick({ quiet: 40, prescreen: 30, booking: 12, menu: 8, erase: 1 });
  if (after === 'quiet') return actions;
  if (after === 'erase') {
    turn('erased', [{ kind: 'erase' }], 'command');
    return actions;
  }
  if (after === 'menu') {
    turn('menu.main', [], 'command', [2, 3]);
    return actions;
  }
  pause();
  let book = after === 'booking';
  if (after === 'prescreen') {
    turn('prescreen.years', [{ kind: 'prescreen_started' }], 'understood', [1, 2]);
    const steps = ['prescreen.years', 'prescreen.learned', 'prescreen.evidence', 'prescreen.s0', 'prescreen.s1', 'prescreen.s2', 'prescreen.s3', 'prescreen.s4', 'prescreen.s5', 'prescreen.s6'];
    for (let i = 0; i < steps.length - 1; i++) if (!answer(steps[i]!, steps[i + 1]!, 0.03)) return actions;
    const band = rng.pick({ ready: 35, gaps: 45, notYet: 20 });
    if (!answer('prescreen.s6', 'prescreen.next', 0.02, [{ kind: 'prescreen_completed', band }], [3, 5])) return actions;
    book = rng.chance(band === 'notYet' ? 0.1 : 0.4);
    if (!book) return actions;
    pause();
  }
  if (book) {
    turn('booking.where', [], 'understood', [1, 2]);
    if (rng.chance(0.3) && !answer('booking.where', 'booking.region', 0.05)) return actions;
    if (!answer(rng.chance(0.3) ? 'booking.region' : 'booking.where', 'booking.slot', 0.08, [], [2, 3])) return actions;
    if (!answer('booking.slot', 'booking.name', 0.08)) return actions;
    if (!answer('booking.name', 'booking.confirm', 0.04, [], [2, 3])) return actions;
    const instant = rng.chance(0.75);
    if (!answer('booking.confirm', 'none', 0.05, instant ? [{ kind: 'booking_requested' }, { kind: 'booking_confirmed' }] : [{ kind: 'booking_requested' }], [2, 3])) return actions;
    // What the institution records later, through the booking service (outside any turn).
    if (!instant) {
      const reply = rng.pick({ confirmed: 70, declined: 20, none: 10 });
      if (reply === 'none') return actions;
      record([{ kind: reply === 'confirmed' ? 'booking_confirmed' : 'booking_declined' }], rng.int(4, 72) * HOUR_MS);
      if (reply === 'declined') return actions;
    }
    const appointment = rng.int(2, 20) * DAY_MS;
    const then = rng.pick({ attended: 75, no_show: 17, cancelled: 8 });
    if (then === 'cancelled') record([{ kind: 'booking_cancelled', by: rng.chance(0.6) ? 'worker' : 'institution' }], appointment - rng.int(1, 48) * HOUR_MS);
    else if (then === 'no_show') record([{ kind: 'no_show' }], appointment);
    else {
      record([{ kind: 'attended' }], appointment);
      record([{ kind: 'outcome', outcome: rng.pick({ competent: 70, not_yet_competent: 22, referred_to_training: 8 }) }], appointment + rng.int(1, 72) * HOUR_MS);
    }
  }
  return actions;
}

/** Everything about one conversation, made from its own seed (so it can be made again, identically). */
interface Planned {
  context: EventContext & { aid: string };
  /** Its actions before the clock, in time order. */
  actions: Action[];
}

/**
 * Seeds `prefix` (which should be fresh: nothing is deleted first) and returns what was written.
 *
 * Two passes keep memory small at a million events: the first makes each conversation from a seed
 * of its own and keeps only that seed, its start and its number of events, until there are
 * `events`; the second makes them again in order of start and records them, writing every hour
 * that no conversation still to come can reach (all start later) while building the next.
 */
export async function seedAnalytics(redis: RedisClient, prefix: string, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { nowMs, events: target } = options;
  const days = options.days ?? 90;
  const main = prng(options.seed ?? 1);
  // The server's own defaults: retention, quiet time and conversation lifetimes as it would keep them.
  const config = loadConfig({});
  const quietMs = config.ANALYTICS_QUIET_HOURS * HOUR_MS;
  const retention: AnalyticsRetention = { eventDays: config.ANALYTICS_EVENT_RETENTION_DAYS, aggregateDays: config.ANALYTICS_AGGREGATE_RETENTION_DAYS, lastSeenMs: quietMs + 7 * DAY_MS };
  const catalog = Catalog.load();
  const trades = Object.keys(catalog.data.occupations);

  const firstDayMs = Math.floor(nowMs / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  // Busier on weekdays and growing over the period (Ruta becoming known).
  const dayWeights = Array.from({ length: days }, (_, d) => {
    const weekday = new Date(firstDayMs + d * DAY_MS).getUTCDay();
    return (weekday === 0 ? 0.6 : weekday === 6 ? 0.8 : 1) * (0.7 + (0.6 * d) / days);
  });
  const dayTotal = dayWeights.reduce((a, b) => a + b, 0);
  const startOf = (rng: Rng, country: SeedCountry): number => {
    for (;;) {
      let r = rng.next() * dayTotal;
      let d = 0;
      while ((r -= dayWeights[d]!) >= 0 && d < days - 1) d++;
      const utcHour = rng.int(0, 23);
      const local = (utcHour + UTC_OFFSET[country] + 24) % 24;
      if (rng.next() * 1.5 > LOCAL_HOUR_WEIGHT(local)) continue;
      const ms = firstDayMs + d * DAY_MS + utcHour * HOUR_MS + rng.int(0, 3599) * 1000;
      if (ms < nowMs) return ms;
    }
  };
  const plan = (seed: number): Planned => {
    const rng = prng(seed);
    const country = rng.pick(COUNTRIES);
    const language = rng.pick(LANGUAGES_OF[country]);
    const channel = rng.pick(CHANNELS);
    const context = { aid: rng.hex(16), country, language, channel };
    // Milestones recorded later (the institution's) interleave with the turns: applied in time order.
    const actions = conversation(rng, catalog, trades, startOf(rng, country), country, language, channel)
      .filter((a) => a.atMs < nowMs)
      .sort((a, b) => a.atMs - b.atMs);
    return { context, actions };
  };
  /** Events EventRecorder makes of an action: the turn's outcome and each milestone. */
  const eventsOf = (a: Action) => ('turn' in a ? 1 + a.turn.milestones.length : a.record.length);

  // Pass 1: which conversations, until `events` (the last one cut short if it would go beyond).
  const cohort: Array<{ seed: number; startMs: number; events: number }> = [];
  for (let total = 0; total < target; ) {
    const seed = Math.floor(main.next() * 2 ** 32);
    const { actions } = plan(seed);
    if (actions.length === 0) continue;
    const events = Math.min(target - total, actions.reduce((n, a) => n + eventsOf(a), 0));
    cohort.push({ seed, startMs: actions[0]!.atMs, events });
    total += events;
  }
  cohort.sort((a, b) => a.startMs - b.startMs);

  // Pass 2: record them in order of start; write each hour once no conversation to come can reach it.
  const buckets = new HourBuckets();
  const clock = { ms: nowMs };
  const recorder = new EventRecorder({ store: buckets, now: () => new Date(clock.ms), log: createLogger('silent'), quietMs });
  // Each hour's write alone in its script call (maxBatch 1), sent at once: the stream's ids are its hours.
  const store = new RedisAnalyticsStore(redis, prefix, retention, { maxBatch: 1 });
  const inFlight = new Set<Promise<void>>();
  let firstHour: number | undefined;
  let lastHour: number | undefined;
  /** Writes every hour before `beforeMs`, oldest first, on one connection: Redis applies them in that order, so the stream's ids are the hours. */
  const writeHours = async (beforeMs: number) => {
    for (const hour of buckets.hoursBefore(beforeMs)) {
      firstHour ??= hour;
      lastHour = hour;
      const p = store.write(buckets.take(hour), hour).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= (options.inFlight ?? 8)) await Promise.race(inFlight);
    }
  };
  let turns = 0;
  let startHour = -Infinity;
  for (const c of cohort) {
    if (c.startMs >= startHour + HOUR_MS) {
      startHour = Math.floor(c.startMs / HOUR_MS) * HOUR_MS;
      await writeHours(startHour);
    }
    const { context, actions } = plan(c.seed);
    let consented = false;
    let left = c.events;
    for (const a of actions) {
      if (left <= 0) break;
      clock.ms = a.atMs;
      left -= eventsOf(a);
      if ('record' in a) {
        await recorder.record(context, a.record);
        continue;
      }
      consented ||= a.turn.milestones.some((m) => m.kind === 'privacy_accepted');
      await recorder.turn({ ...context, ...a.turn, keptForSeconds: consented ? config.CONVERSATION_TTL_SECONDS : config.UNCONSENTED_TTL_SECONDS });
      turns++;
    }
  }
  if (recorder.failures > 0) throw new Error(`${recorder.failures} writes were refused while building`);
  await writeHours(Infinity);
  await Promise.all(inFlight);

  // What the drop-off sweep would have done by now: conversations quiet for the quiet time are
  // counted at their last step (EventRecorder.sweep's cells); the others keep it for the sweep.
  let dropoffs = 0;
  let waiting = 0;
  let batch = emptyWrite();
  const flush = async () => {
    if (batch.counts.length > 0) await store.write(batch, nowMs);
    batch = emptyWrite();
  };
  const pending: Array<Promise<void>> = [];
  for (const last of buckets.last.values()) {
    if (last === 'forget') continue;
    const dims = parseDims(last.dims);
    if (!dims) continue;
    if (last.atMs < nowMs - quietMs) {
      addCell(batch, dayOf(new Date(last.atMs)), dims, last.expiresMs <= nowMs ? 'dropoff_expired' : 'dropoff_quiet', last.step, 1, last.aid);
      dropoffs++;
      if (batch.counts.length >= 2000) await flush();
    } else {
      pending.push(store.write({ ...emptyWrite(), last }, nowMs));
      waiting++;
    }
  }
  await flush();
  await Promise.all(pending);
  return {
    events: buckets.events,
    conversations: cohort.length,
    turns,
    dropoffs,
    waiting,
    ms: Math.round(performance.now() - started),
    firstHour: new Date(firstHour ?? nowMs).toISOString(),
    lastHour: new Date(lastHour ?? nowMs).toISOString(),
  };
}
