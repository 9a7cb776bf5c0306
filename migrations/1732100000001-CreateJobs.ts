import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, longText, str } from './helpers';

/** The embedded job queue used without Redis: one row per pending, running or dead job. */
export class CreateJobs1732100000001 implements MigrationInterface {
  name = 'CreateJobs1732100000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'jobs',
      columns: [
        idColumn(),
        str('queue', 64),
        str('job_key', 191),
        longText(q, 'payload'),
        str('state', 16),
        datetime('run_at'),
        { ...int('attempts'), default: 0 },
        int('max_attempts'),
        datetime('locked_until', true),
        longText(q, 'last_error', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      // One live job per key: adding a job twice (a restart re-enqueuing what is pending) is a no-op.
      indices: [index('uq_jobs_queue_key', ['queue', 'job_key'], true), index('ix_jobs_due', ['state', 'run_at'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'jobs');
  }
}
