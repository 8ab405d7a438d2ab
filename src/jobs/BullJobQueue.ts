import type { Job, Queue, Worker } from 'bullmq';
import { duplicateClient, isCluster, type RedisClient } from '../store/redisClient.js';
import { errorCode, type Logger } from '../log.js';
import { NotDueError, PermanentJobError, type JobHandler, type JobName, type JobQueue, type JobSpec, type RetryPolicy } from './JobQueue.js';

export const QUEUE_NAME = 'ruta-jobs';

/**
 * BullMQ's key prefix for a deployment's REDIS_PREFIX. On a cluster it ends in a hash tag, so the
 * queue's keys (which its scripts touch several at once) share a slot, and still start with
 * REDIS_PREFIX (an erase or a cleanup that scans the prefix finds them). A single Redis keeps
 * the name its queued reminders already have.
 */
export function jobQueuePrefix(redis: RedisClient, redisPrefix: string): string {
  return isCluster(redis) ? `${redisPrefix}{bull}` : `${redisPrefix}bull`;
}

/**
 * How long after start() BullMQ is loaded and its worker started, unless a job is added sooner.
 * Loading BullMQ costs about 140 ms and 11 MB (measured on top of ioredis, express and zod): not
 * on the way to a server's first answer. Reminders are hours ahead and wait in Redis meanwhile.
 */
export const WORKER_START_DELAY_MS = 1_000;

let bullmq: Promise<typeof import('bullmq')> | undefined;
const loadBullmq = () => (bullmq ??= import('bullmq'));

/**
 * Jobs in Redis through BullMQ: delayed jobs for reminders, retries with exponential back-off,
 * one worker per job at a time across every process. Keys live under `jobQueuePrefix`.
 * BullMQ itself loads a moment after start (`WORKER_START_DELAY_MS`), or with the first job added.
 */
export class BullJobQueue implements JobQueue {
  private queue: Promise<Queue> | undefined;
  private worker: Promise<Worker> | undefined;
  private workerTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly connections: RedisClient[] = [];

  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
    private readonly options: { workerStartDelayMs?: number } = {},
  ) {}

  /** The queue, created (and BullMQ loaded) on first use. */
  private queued(): Promise<Queue> {
    if (this.closed) return Promise.reject(new Error('job queue closed'));
    return (this.queue ??= loadBullmq().then(({ Queue }) => {
      const queue = new Queue(QUEUE_NAME, { connection: this.connection(), prefix: this.prefix });
      queue.on('error', (err: Error) => this.log.debug('job_queue_error', { code: errorCode(err) }));
      return queue;
    }));
  }

  async add(spec: JobSpec): Promise<void> {
    const queue = await this.queued();
    await queue.add(spec.name, spec.data, {
      jobId: spec.id,
      delay: Math.max(0, Math.round(spec.delayMs)),
      attempts: this.retry.attempts,
      backoff: { type: 'exponential', delay: this.retry.backoffMs },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  }

  async remove(id: string): Promise<void> {
    const job = await (await this.queued()).getJob(id);
    if (job && ((await job.isDelayed()) || (await job.isWaiting()))) await job.remove().catch(() => undefined);
  }

  start(handler: JobHandler): void {
    if (this.worker || this.workerTimer) return;
    this.workerTimer = setTimeout(() => {
      this.workerTimer = undefined;
      if (this.closed) return;
      this.worker = this.startWorker(handler);
      // Closing while BullMQ loads is not an error.
      this.worker.catch((err: unknown) => this.closed || this.log.error('job_worker_error', { code: errorCode(err) }));
    }, this.options.workerStartDelayMs ?? WORKER_START_DELAY_MS);
    this.workerTimer.unref();
  }

  private async startWorker(handler: JobHandler): Promise<Worker> {
    const { DelayedError, UnrecoverableError, Worker } = await loadBullmq();
    await this.queued(); // the queue's connection first, as before
    const worker = new Worker(
      QUEUE_NAME,
      async (job: Job, token?: string) => {
        try {
          await handler(job.name as JobName, job.data, job.attemptsMade + 1);
        } catch (err) {
          if (err instanceof NotDueError && token) {
            await job.moveToDelayed(Date.now() + err.ms, token);
            throw new DelayedError();
          }
          if (err instanceof PermanentJobError) throw new UnrecoverableError(err.message);
          throw err;
        }
      },
      {
        connection: this.connection(),
        prefix: this.prefix,
        concurrency: 4,
        // A job whose process died is taken up again within about 10 s (BullMQ's defaults: 30 s,
        // and a job that stalled twice was failed for good — a lost reminder after two crashes).
        lockDuration: 5_000,
        stalledInterval: 5_000,
        maxStalledCount: 10,
      },
    );
    worker.on('failed', (job, err) => this.log.warn('job_failed', { job: job?.name ?? 'unknown', attempt: job?.attemptsMade ?? 0, code: errorCode(err) }));
    worker.on('error', (err) => this.log.error('job_worker_error', { code: errorCode(err) }));
    return worker;
  }

  /** True once BullMQ's worker runs (tests). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.workerTimer);
    this.workerTimer = undefined;
    await (await this.worker?.catch(() => undefined))?.close();
    await (await this.queue?.catch(() => undefined))?.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }

  /**
   * BullMQ needs connections that wait for Redis rather than fail (maxRetriesPerRequest: null), and
   * that do not auto-pipeline (its blocking commands would hold up whatever waits behind them).
   */
  private connection(): RedisClient {
    const c = duplicateClient(this.redis, { maxRetriesPerRequest: null, enableAutoPipelining: false });
    // The main connection already reports Redis being down; these would repeat it on every retry.
    c.on('error', (err: Error) => this.log.debug('job_redis_error', { code: errorCode(err) }));
    this.connections.push(c);
    return c;
  }
}
