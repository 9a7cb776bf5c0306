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
}

/** BullMQ when Redis is configured, so several processes share the work; the database otherwise. */
export function createJobQueue(d: { redisUrl?: string; jobs: JobRepository; logger: Logger; clock: () => Date }, o: JobQueueOptions = {}): JobQueue {
  if (d.redisUrl) return new BullJobQueue({ redisUrl: d.redisUrl, prefix: o.prefix ?? 'servicetorg', logger: d.logger, clock: d.clock, backoff: o.backoff });
  return new DbJobQueue({ jobs: d.jobs, logger: d.logger, clock: d.clock, pollMs: o.pollMs, backoff: o.backoff });
}
