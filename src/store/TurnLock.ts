/**
 * Runs the turns of one sender one at a time, in arrival order, across processes.
 *
 * A message takes its place in line the moment it arrives (`arrive`), atomically with its
 * de-duplication, before anything else is awaited: two messages sent one after the other are
 * answered in that order even when two processes receive them.
 *
 * @example
 *   const place = await lock.arrive(lineOf(pid), { id: sid.slice(-16), ttlSeconds: 172800 });
 *   if (place === 'duplicate') return;                 // a re-delivery: already handled
 *   const r = await place.run(10_000, () => handleTurn());
 *   if (!r.ok) replyBusy();
 */
export type LockResult<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' };

/** A sender's line: the name every turn of that sender queues under. */
export const lineOf = (pid: string): string => `turn/${pid}`;

/**
 * One more step for the arrival's own script, on one more key (Redis; a lock without scripts
 * ignores it): a counter that would otherwise cost a call of its own on every message. The lock
 * runs it after the message took its place (or, for a duplicate, with `counted` false: see the
 * lock's `riderLua`). Its key must lie in the line's hash slot (see sameSlotTag).
 */
export interface Rider {
  key: string;
  args: ReadonlyArray<string | number>;
}

/** A message's place in its sender's line. */
export interface Place {
  /** The place's number in its sender's line (for logs). */
  readonly ticket: number;
  /** What the arrival's rider answered; undefined when it was not run (no rider, or a lock without scripts). */
  readonly rider?: unknown;
  /** Waits (at most `waitMs`) for the turns before this one, then runs `fn` holding the lock. */
  run<T>(waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>>;
  /** Gives the place up without running (the line moves on at once). */
  abandon(): Promise<void>;
}

/**
 * The message's de-duplication mark, written with its place: a message already seen gets no place.
 * Marks are kept per line (one small set per sender, beside the line's counters), each for
 * `ttlSeconds` — not one key per message, which cost a pre-screened worker 2.7 KB of Redis.
 */
export interface SeenMark {
  /** The message's id within its sender's line (e.g. the last 16 hex digits of Twilio's MessageSid). */
  id: string;
  ttlSeconds: number;
}

export interface TurnLock {
  arrive(key: string, seen?: SeenMark, rider?: Rider): Promise<Place | 'duplicate'>;
  /** Forgets a message's mark, so the same message can be sent again (its turn could not run). */
  forget(key: string, id: string): Promise<void>;
  /** arrive() then run(): for turns that need no de-duplication (status callbacks, chat channels). */
  run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Marks kept per sender: a MessageSid redelivered after 256 newer messages from the same number is not recognised (as with Redis). */
export const SEEN_PER_LINE = 256;
/**
 * The quick start's marks in all (about 230 bytes of heap each): beyond them the oldest mark goes
 * first, whoever sent it, so memory stays flat however long the server runs. 50,000 messages are
 * more than an hour at ten a second; Twilio redelivers within seconds. (Redis keeps every mark its
 * two days: production runs on Redis.)
 */
export const MEMORY_SEEN_MAX = 50_000;

/** In-process FIFO lock for the in-memory quick start (one process only). */
export class MemoryTurnLock implements TurnLock {
  private readonly tails = new Map<string, Promise<void>>();
  /** Per line (sender), its messages' marks → until when (ms), oldest first; at most SEEN_PER_LINE, as in Redis. */
  private readonly seen = new Map<string, Map<string, number>>();
  /** Marks added since lines whose marks all expired were last dropped. */
  private marked = 0;
  private tickets = 0;
  /** Every mark in order of arrival (a ring of `maxMarks`): the oldest goes when a new one needs room. */
  private readonly order: { keys: string[]; ids: string[]; until: Float64Array; head: number; size: number };

  constructor(
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
    private readonly maxMarks = MEMORY_SEEN_MAX,
  ) {
    this.order = { keys: new Array<string>(maxMarks), ids: new Array<string>(maxMarks), until: new Float64Array(maxMarks), head: 0, size: 0 };
  }

  async arrive(key: string, mark?: SeenMark): Promise<Place | 'duplicate'> {
    if (mark) {
      const now = this.now();
      let line = this.seen.get(key);
      if (!line) this.seen.set(key, (line = new Map()));
      // Oldest first (insertion order, one TTL for all): the expired are at the front.
      for (const [id, until] of line) {
        if (until > now) break;
        line.delete(id);
      }
      if (line.has(mark.id)) return 'duplicate';
      // A copy: the id is a slice of the request's body (MessageSid), and a kept slice keeps the
      // whole body — the worker's message text — in memory as long as the mark (measured: 186
      // bytes a message, for the marks' 2 days).
      const id = Buffer.from(mark.id).toString();
      const until = now + mark.ttlSeconds * 1000;
      line.set(id, until);
      if (line.size > SEEN_PER_LINE) line.delete(line.keys().next().value!);
      this.remember(key, id, until);
      this.sweepSeen(now);
    }
    // Synchronously, before any await: the place in line is the order of arrival.
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    let done = false;
    const ticket = ++this.tickets;
    const cleanup = () => {
      if (done) return;
      done = true;
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    return {
      ticket,
      run: async <T>(waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>> => {
        let timer: NodeJS.Timeout | undefined;
        const acquired = await Promise.race([
          previous.then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
        ]);
        clearTimeout(timer);
        if (!acquired) {
          // Keep the line moving: our place is released as soon as the turn before us ends.
          void previous.then(cleanup);
          return { ok: false, reason: 'timeout' };
        }
        try {
          return { ok: true, value: await fn() };
        } finally {
          cleanup();
        }
      },
      abandon: async () => {
        void previous.then(cleanup);
      },
    };
  }

  async forget(key: string, id: string): Promise<void> {
    this.seen.get(key)?.delete(id);
  }

  async run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
    const place = await this.arrive(key);
    if (place === 'duplicate') throw new Error('unreachable: no seen key');
    return place.run(waitMs, fn);
  }

  /**
   * Forgets expired de-duplication marks (a quick-start server must not grow without end): lines
   * whose marks have all expired are dropped, every so often (as many marks as half the
   * lines, at least 1,024): constant work per mark, however many senders there are.
   */
  private sweepSeen(now: number): void {
    if (++this.marked < Math.max(1024, this.seen.size / 2)) return;
    this.marked = 0;
    for (const [key, line] of this.seen) {
      let last = 0;
      for (const until of line.values()) last = until; // the newest is last
      if (last <= now) this.seen.delete(key);
    }
  }

  /** Keeps a mark's place in the order of arrival; with `maxMarks` already kept, the oldest is forgotten. */
  private remember(key: string, id: string, until: number): void {
    const o = this.order;
    if (o.size === this.maxMarks) {
      const oldKey = o.keys[o.head]!;
      const oldId = o.ids[o.head]!;
      const oldUntil = o.until[o.head]!;
      const line = this.seen.get(oldKey);
      // Unless it expired, was forgotten, or came again since (then it has a later place of its
      // own, behind the line's older marks): a line keeps its marks in order of arrival too.
      if (line !== undefined && line.keys().next().value === oldId && line.get(oldId) === oldUntil) {
        line.delete(oldId);
        if (line.size === 0) this.seen.delete(oldKey);
      }
      o.head = (o.head + 1) % this.maxMarks;
      o.size--;
    }
    const at = (o.head + o.size) % this.maxMarks;
    o.keys[at] = key;
    o.ids[at] = id;
    o.until[at] = until;
    o.size++;
  }

  /** Marks held, expired or not (for tests). */
  get marks(): number {
    let n = 0;
    for (const line of this.seen.values()) n += line.size;
    return n;
  }
}
