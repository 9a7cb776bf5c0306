import type { Logger } from 'pino';
import type { JobRepository } from './jobs.repository';
import { BullJobQueue } from './bull-queue';
import { DbJobQueue } from './db-queue';
import type { Backoff, JobQueue } from './queue';

export interface JobQueueOptions {
  /** Redis key prefix for BullMQ (one per deployment; tests use one each). */
  prefix?: string;
  /** How often the embedded queue looks for due jobs. */
  pollMs?: number;
  backoff?: Backoff;
  /** Jobs one process runs at once (default 4). */
  concurrency?: number;
}

/** BullMQ when Redis is configured, so several processes share the work; the database otherwise. */
export function createJobQueue(deps: { redisUrl?: string; jobs: JobRepository; logger: Logger; clock: () => Date }, options: JobQueueOptions = {}): JobQueue {
  if (deps.redisUrl)
    return new BullJobQueue({
      redisUrl: deps.redisUrl,
      prefix: options.prefix ?? 'servicetorg',
      logger: deps.logger,
      clock: deps.clock,
      backoff: options.backoff,
      concurrency: options.concurrency,
    });
  return new DbJobQueue({
    jobs: deps.jobs,
    logger: deps.logger,
    clock: deps.clock,
    pollMs: options.pollMs,
    backoff: options.backoff,
    concurrency: options.concurrency,
  });
}
