import { EntitySchema } from 'typeorm';
import { at, id } from '../db/columns';

export const JOB_STATES = ['pending', 'running', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** One job of the embedded (database-backed) queue, used when REDIS_URL is not set. */
export interface JobRow {
  id: number;
  queue: string;
  jobKey: string;
  payload: Record<string, unknown>;
  state: JobState;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  /** Lower runs first among due jobs (queue.ts, PRIORITY). */
  priority: number;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const JobEntity = new EntitySchema<JobRow>({
  name: 'Job',
  tableName: 'jobs',
  columns: {
    id,
    queue: { type: String, length: 64 },
    jobKey: { type: String, length: 191, name: 'job_key' },
    payload: { type: 'simple-json' },
    state: { type: String, length: 16 },
    runAt: at('run_at'),
    attempts: { type: Number },
    maxAttempts: { type: Number, name: 'max_attempts' },
    priority: { type: Number, default: 100 },
    lockedUntil: at('locked_until', true),
    lastError: { type: 'text', name: 'last_error', nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

export const jobEntities = [JobEntity];
