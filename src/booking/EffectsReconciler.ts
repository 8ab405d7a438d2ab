import { errorCode, type Logger } from '../log.js';
import type { Store } from '../store/Store.js';
import type { BookingService } from './BookingService.js';

/**
 * Runs BookingService.reconcileEffects at start and then every `intervalMs`, in one process at a
 * time (a lease in the store): after a crash, the bookings whose reminders, notices or webhooks
 * were never queued get them, and none twice (their job ids are deterministic).
 */
export class EffectsReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: { bookings: BookingService; store: Store; intervalMs: number; log: Logger; minAgeMs?: number },
  ) {}

  start(): void {
    // At start every pending change counts (a process that died left them); later passes leave
    // changes younger than minAgeMs to the process that is queuing their effects right now.
    this.running = this.once(0);
    this.timer = setInterval(() => {
      this.running = this.once();
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** One pass (the start-up pass is awaited by tests through `settled`). */
  async once(minAgeMs = this.deps.minAgeMs ?? 5_000): Promise<void> {
    try {
      if (!(await this.deps.store.setIfAbsent('reconcile-lease', '1', Math.max(1, Math.floor(this.deps.intervalMs / 2000))))) return;
      await this.deps.bookings.reconcileEffects(minAgeMs);
    } catch (err) {
      this.deps.log.error('reconcile_failed', { code: errorCode(err) });
    }
  }

  /** Resolves when the pass under way (if any) has finished. */
  async settled(): Promise<void> {
    await this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
