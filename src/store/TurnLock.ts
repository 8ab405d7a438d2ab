/**
 * Runs the turns of one sender one at a time, in arrival order.
 *
 * @example
 *   const r = await lock.run(pid, 10_000, () => handleTurn());
 *   if (!r.ok) replyBusy();
 */
export type LockResult<T> = { ok: true; value: T } | { ok: false; reason: 'timeout' };

export interface TurnLock {
  run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** In-process FIFO lock for the in-memory quick start (one process only). */
export class MemoryTurnLock implements TurnLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, waitMs: number, fn: () => Promise<T>): Promise<LockResult<T>> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    const cleanup = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    let timer: NodeJS.Timeout | undefined;
    const acquired = await Promise.race([
      previous.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
    ]);
    clearTimeout(timer);
    if (!acquired) {
      // Keep the queue moving: our place is released as soon as the turn before us ends.
      void previous.then(cleanup);
      return { ok: false, reason: 'timeout' };
    }
    try {
      return { ok: true, value: await fn() };
    } finally {
      cleanup();
    }
  }
}
