import { errorCode, type Logger } from '../log.js';
import type { EventRecorder } from './EventRecorder.js';

/**
 * Runs EventRecorder.sweep every `intervalMs`: conversations quiet for the quiet time are counted
 * as drop-offs at their last step. Safe in several processes at once (each conversation is
 * claimed once).
 */
export class DropOffSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: { recorder: EventRecorder; intervalMs: number; log: Logger }) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.once().finally(() => (this.running = undefined));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async once(): Promise<void> {
    try {
      const counted = await this.deps.recorder.sweep();
      if (counted > 0) this.deps.log.info('analytics_dropoffs_counted', { count: counted });
    } catch (err) {
      this.deps.log.warn('analytics_sweep_failed', { code: errorCode(err) });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
