import { errorCode, type Logger } from '../log.js';
import { NotDueError, PermanentJobError, type JobHandler, type JobQueue, type JobSpec, type RetryPolicy } from './JobQueue.js';

/** Jobs on timers in this process, for the quick start only (lost on restart). Same retry rules as BullMQ. */
export class MemoryJobQueue implements JobQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private handler: JobHandler | undefined;
  private readonly pending: JobSpec[] = [];

  constructor(
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {}

  async add(spec: JobSpec): Promise<void> {
    if (this.timers.has(spec.id)) return;
    if (!this.handler) {
      this.pending.push(spec);
      return;
    }
    this.schedule(spec, spec.delayMs, 1);
  }

  async remove(id: string): Promise<void> {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  start(handler: JobHandler): void {
    this.handler = handler;
    for (const spec of this.pending.splice(0)) this.schedule(spec, spec.delayMs, 1);
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(spec: JobSpec, delayMs: number, attempt: number): void {
    // setTimeout holds at most ~24.8 days; longer waits are re-checked by the handler (NotDueError).
    const timer = setTimeout(() => void this.run(spec, attempt), Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
    timer.unref();
    this.timers.set(spec.id, timer);
  }

  private async run(spec: JobSpec, attempt: number): Promise<void> {
    try {
      await this.handler!(spec.name, spec.data, attempt);
      this.timers.delete(spec.id);
    } catch (err) {
      if (err instanceof NotDueError) return this.schedule(spec, err.ms, attempt);
      this.log.warn('job_failed', { job: spec.name, attempt, code: errorCode(err) });
      if (err instanceof PermanentJobError || attempt >= this.retry.attempts) {
        this.timers.delete(spec.id);
        return;
      }
      this.schedule(spec, this.retry.backoffMs * 2 ** (attempt - 1), attempt + 1);
    }
  }
}
