import type { Logger } from 'pino';
import type { JobRepository } from './jobs.repository';
import { backoffDelay, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, PRIORITY, type Backoff, type JobHandler, type JobOptions, type JobQueue } from './queue';

export interface DbQueueDeps {
  jobs: JobRepository;
  logger: Logger;
  clock: () => Date;
  pollMs?: number;
  /** How long a run may take before another process may take the job over (its runner is presumed dead). */
  leaseMs?: number;
  backoff?: Backoff;
  concurrency?: number;
}

/**
 * The embedded queue: jobs are rows, a timer polls for due ones, and each is claimed with one
 * conditional UPDATE before it runs, so processes sharing the database never run a job twice at
 * once. Times come from the injected clock, so a test can let an hour pass in a moment.
 */
export class DbJobQueue implements JobQueue {
  readonly kind = 'database' as const;
  private readonly handlers = new Map<string, JobHandler<Record<string, unknown>>>();
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<void>>();
  private polling: Promise<void> | null = null;
  private stopped = true;
  stopping = false;

  constructor(private readonly deps: DbQueueDeps) {}

  async depths() {
    const rows = await this.deps.jobs.counts();
    return rows
      .filter((r) => r.state === 'pending' || r.state === 'running')
      .map((r) => ({ queue: r.queue, state: r.state === 'pending' ? ('waiting' as const) : ('running' as const), count: r.count }));
  }

  handle<T extends Record<string, unknown>>(queue: string, handler: JobHandler<T>): void {
    this.handlers.set(queue, handler as unknown as JobHandler<Record<string, unknown>>);
  }

  async add(queue: string, data: Record<string, unknown>, opts: JobOptions): Promise<void> {
    const now = this.deps.clock();
    await this.deps.jobs.add({
      queue,
      jobKey: opts.key,
      payload: data,
      runAt: opts.runAt ?? now,
      maxAttempts: opts.attempts ?? DEFAULT_ATTEMPTS,
      priority: opts.priority ?? PRIORITY.normal,
      now,
    });
    if (!this.stopped && (opts.runAt ?? now) <= now) void this.kick();
  }

  remove(queue: string, key: string): Promise<void> {
    return this.deps.jobs.removePending(queue, key);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.stopping = false;
    this.timer = setInterval(() => void this.kick(), this.deps.pollMs ?? 1000);
    this.timer.unref();
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.all(this.running);
  }

  /** Polls now (once at a time); also what tests call after moving the clock. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.polling) this.polling = this.poll().finally(() => (this.polling = null));
    return this.polling;
  }

  /** Resolves when no job is due or running. */
  async idle(): Promise<void> {
    for (;;) {
      await this.kick();
      if (!this.running.size && !(await this.deps.jobs.due([...this.handlers.keys()], this.deps.clock(), 1)).length) return;
      await Promise.race([...this.running, new Promise((r) => setTimeout(r, 20))]);
    }
  }

  private async poll(): Promise<void> {
    try {
      const free = (this.deps.concurrency ?? 4) - this.running.size;
      if (free <= 0) return;
      const now = this.deps.clock();
      for (const job of await this.deps.jobs.due([...this.handlers.keys()], now, free)) {
        if (this.stopped) return;
        const leaseUntil = new Date(now.getTime() + (this.deps.leaseMs ?? 5 * 60_000));
        if (!(await this.deps.jobs.claim(job.id, now, leaseUntil))) continue;
        const run = this.run(job.id).finally(() => this.running.delete(run));
        this.running.add(run);
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'job poll failed');
    }
  }

  private async run(id: number): Promise<void> {
    const job = await this.deps.jobs.byId(id);
    const handler = job && this.handlers.get(job.queue);
    if (!job || !handler) return;
    const final = job.attempts >= job.maxAttempts;
    try {
      await handler.run(job.payload, { attempt: job.attempts, final, key: job.jobKey });
      await this.deps.jobs.done(id);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const now = this.deps.clock();
      if (final) {
        this.deps.logger.error({ err, queue: job.queue, key: job.jobKey }, 'job failed for the last time');
        await handler.dead?.(job.payload, err).catch((e) => this.deps.logger.error({ err: e }, 'dead-letter handler failed'));
        await this.deps.jobs.dead(id, message, now);
      } else {
        this.deps.logger.warn({ err, queue: job.queue, key: job.jobKey, attempt: job.attempts }, 'job failed; will retry');
        await this.deps.jobs.retryAt(id, new Date(now.getTime() + backoffDelay(this.deps.backoff ?? DEFAULT_BACKOFF, job.attempts)), message, now);
      }
    }
    if (!this.stopped) void this.kick();
  }
}
