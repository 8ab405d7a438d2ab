/**
 * Background work that must survive restarts and happen once: reminders, messages to workers
 * about changes, webhook deliveries. Two implementations: BullJobQueue (BullMQ on Redis, shared
 * by every process) and MemoryJobQueue (the quick start's single process).
 */
export type JobName = 'reminder' | 'notice' | 'webhook';

export interface JobSpec {
  name: JobName;
  /** A stable id: adding a job whose id is already queued does nothing. Letters, digits, '-' and '_'. */
  id: string;
  data: unknown;
  /** Run no earlier than this many ms from now. */
  delayMs: number;
}

/** Thrown by a handler when the job ran early (a frozen or skewed clock): run it again in `ms`. */
export class NotDueError extends Error {
  readonly code = 'not_due';
  constructor(readonly ms: number) {
    super(`not due for ${ms} ms`);
  }
}

/** Thrown by a handler for a failure that another attempt cannot fix (it is recorded, not retried). */
export class PermanentJobError extends Error {
  readonly code = 'permanent';
}

/** Runs one job; throwing any other error retries it with exponential back-off, up to the attempts allowed. */
export type JobHandler = (name: JobName, data: unknown, attempt: number) => Promise<void>;

export interface JobQueue {
  add(spec: JobSpec): Promise<void>;
  /** Removes a waiting or delayed job (a cancelled reminder). */
  remove(id: string): Promise<void>;
  /** Starts running jobs with `handler`. */
  start(handler: JobHandler): void;
  close(): Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  /** First retry after this many ms, doubling each time. */
  backoffMs: number;
}
