import type { Logger } from 'pino';
import { AuditRepository } from './audit.repository';
import type { Config } from './config';
import { openDatabase, type Database } from './db/database';
import type { Schema } from './db/options';
import { createJobQueue, type JobQueueOptions } from './jobs/create-queue';
import { JobRepository } from './jobs/jobs.repository';
import type { JobQueue } from './jobs/queue';
import { createLogger } from './logger';
import { createRateLimits, type RateLimits } from './rate-limits';
import { OutboundHooks } from './outbound-hooks';
import { Metrics } from './metrics';

/**
 * The shared kernel every feature is built on: config, logger, clock, database, the audit trail,
 * the job queue and the rate limits. Built once by the root, first, and handed to each feature's module.
 */
export interface Kernel {
  config: Config;
  logger: Logger;
  clock: () => Date;
  db: Database;
  audit: AuditRepository;
  /** Background work: BullMQ with REDIS_URL, the database-backed queue without. */
  jobs: JobQueue;
  /** Named rate limiters on one store every process shares: Redis with REDIS_URL, the database without. */
  rateLimits: RateLimits;
  /** Outbound hooks, only to hosts an admin has listed. */
  outbound: OutboundHooks;
  /** Prometheus instruments, one registry per server; served at /metrics. */
  metrics: Metrics;
}

export interface KernelOptions {
  logger?: Logger;
  clock?: () => Date;
  jobs?: JobQueueOptions;
}

export async function openKernel(config: Config, schema: Schema, opts: KernelOptions = {}): Promise<Kernel> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? (() => new Date());
  const db = await openDatabase(config.databaseUrl, schema);
  const metrics = new Metrics();
  const jobs = metrics.countJobs(createJobQueue({ redisUrl: config.redisUrl, jobs: new JobRepository({ db }), logger, clock }, opts.jobs));
  const rateLimits = createRateLimits({ db, redisUrl: config.redisUrl, prefix: opts.jobs?.prefix });
  const audit = new AuditRepository({ db, clock });
  return { config, logger, clock, db, audit, jobs, rateLimits, metrics, outbound: new OutboundHooks({ db, audit, clock, logger }) };
}
