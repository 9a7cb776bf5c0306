import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { backoffDelay, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, PRIORITY, type Backoff, type JobHandler, type JobOptions, type JobQueue } from './queue';

export interface BullQueueDeps {
  redisUrl: string;
  /** Namespaces every key in Redis: one deployment, or one test, per prefix. */
  prefix: string;
  logger: Logger;
  clock: () => Date;
  backoff?: Backoff;
  concurrency?: number;
}

/** BullMQ on Redis: delayed jobs, retries with our capped exponential backoff, shared by every process. */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  private readonly handlers = new Map<string, JobHandler<Record<string, unknown>>>();
  private readonly queues = new Map<string, Queue>();
  private workers: Worker[] = [];
  stopping = false;
  private readonly connection: Redis;
  /** BullMQ leaves connections it was given open; these are ours to quit. */
  private readonly workerConnections: Redis[] = [];

  constructor(private readonly deps: BullQueueDeps) {
    // BullMQ's blocking commands need a connection that retries forever rather than failing a request.
    this.connection = new Redis(deps.redisUrl, { maxRetriesPerRequest: null });
  }

  async depths() {
    const out: Array<{ queue: string; state: 'waiting' | 'running'; count: number }> = [];
    for (const name of this.handlers.keys()) {
      const c = await this.queue(name).getJobCounts('waiting', 'delayed', 'prioritized', 'active');
      out.push({ queue: name, state: 'waiting', count: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) });
      out.push({ queue: name, state: 'running', count: c.active ?? 0 });
    }
    return out;
  }

  handle<T extends Record<string, unknown>>(queue: string, handler: JobHandler<T>): void {
    this.handlers.set(queue, handler as unknown as JobHandler<Record<string, unknown>>);
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.deps.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async add(queue: string, data: Record<string, unknown>, opts: JobOptions): Promise<void> {
    const delay = opts.runAt ? Math.max(0, opts.runAt.getTime() - this.deps.clock().getTime()) : 0;
    await this.queue(queue).add(queue, data, {
      jobId: opts.key,
      delay,
      attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
      // Always set: a job without a priority would run ahead of every prioritised one, an emergency included.
      priority: opts.priority ?? PRIORITY.normal,
      backoff: { type: 'capped' },
      // Finished jobs leave Redis: the database keeps what happened, and the key may be used again.
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async remove(queue: string, key: string): Promise<void> {
    await this.queue(queue)
      .remove(key)
      .catch((err) => this.deps.logger.debug({ err, queue, key }, 'job not removed (running or gone)'));
  }

  async start(): Promise<void> {
    this.stopping = false;
    const backoff = this.deps.backoff ?? DEFAULT_BACKOFF;
    for (const [name, handler] of this.handlers) {
      const connection = this.connection.duplicate();
      this.workerConnections.push(connection);
      const worker = new Worker(
        name,
        async (job: Job) => {
          const attempt = job.attemptsMade + 1;
          const final = attempt >= (job.opts.attempts ?? 1);
          try {
            await handler.run(job.data as Record<string, unknown>, { attempt, final, key: String(job.id) });
          } catch (err) {
            // Recorded before BullMQ drops the job, so a dead letter is never lost with it.
            if (final)
              await handler.dead?.(job.data as Record<string, unknown>, err).catch((e) => this.deps.logger.error({ err: e }, 'dead-letter handler failed'));
            throw err;
          }
        },
        {
          connection,
          prefix: this.deps.prefix,
          concurrency: this.deps.concurrency ?? 4,
          settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(backoff, attemptsMade) },
        },
      );
      worker.on('failed', (job, err) => this.deps.logger.warn({ err, queue: name, key: job?.id, attempt: job?.attemptsMade }, 'job failed'));
      worker.on('error', (err) => this.deps.logger.warn({ err, queue: name }, 'job worker error'));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all([this.connection, ...this.workerConnections].map((c) => c.quit().catch(() => undefined)));
  }
}
