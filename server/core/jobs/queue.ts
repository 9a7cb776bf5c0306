/*
 * The job queue the server runs background work on: scheduled SMS sends, archive deliveries.
 * BullMQ on Redis when REDIS_URL is set (several processes share the work), the embedded
 * database-backed queue otherwise. Both give at-least-once execution; anything that must happen
 * exactly once (an SMS leaving, an entry counted as delivered) is claimed in the database by the
 * handler itself, so a job that runs twice after a restart does nothing the second time.
 */

export interface JobContext {
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** True when this run is the last one allowed: a failure now makes the job a dead letter. */
  final: boolean;
  /** The running job's key: adding a job under it now is ignored (the job is running), so a handler that wants another run later uses another key. */
  key: string;
}

export interface JobOptions {
  /** Unique per queue while the job is pending: adding the same key again changes nothing. */
  key: string;
  /** Not before this time; now when absent. */
  runAt?: Date;
  /** Runs allowed in all, first one included. */
  attempts?: number;
  /**
   * Among jobs that are due, lower runs first (BullMQ's convention): PRIORITY.first for work that
   * must overtake a backlog (an emergency SMS), PRIORITY.normal when absent. Jobs of one priority
   * run in due order.
   */
  priority?: number;
}

/** 1 is BullMQ's highest priority; every job gets one, since BullMQ runs jobs without any ahead of all prioritised ones. */
export const PRIORITY = { first: 1, normal: 100 } as const;

export interface JobHandler<T> {
  run(data: T, ctx: JobContext): Promise<void>;
  /** Called once when the last allowed run has failed. */
  dead?(data: T, err: unknown): Promise<void>;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'database';
  /** Registers the handler for a queue name; call before start(). */
  handle<T extends Record<string, unknown>>(queue: string, handler: JobHandler<T>): void;
  add(queue: string, data: Record<string, unknown>, opts: JobOptions): Promise<void>;
  /** Removes a job that has not started; a running one is left to finish. */
  remove(queue: string, key: string): Promise<void>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones. */
  stop(): Promise<void>;
  /**
   * Jobs per queue waiting (due or later) and running, read from the queue's own store; it throws
   * when that store cannot be reached, which is what readiness asks.
   */
  depths(): Promise<Array<{ queue: string; state: 'waiting' | 'running'; count: number }>>;
  /** True from stop() on: a long job (a send to an audience) ends after the piece in hand and leaves the rest to another run. */
  readonly stopping: boolean;
}

/** Waits between runs of a failing job: exponential from `baseMs`, capped at `maxMs`. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 2_000, maxMs: 10 * 60_000 };
export const DEFAULT_ATTEMPTS = 5;

/** Delay before run number `attempt + 1`, after `attempt` failed runs. */
export function backoffDelay(b: Backoff, failedRuns: number): number {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, failedRuns - 1));
}
