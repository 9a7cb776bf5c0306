import type { Logger } from 'pino';
import type { AuditRepository } from '../core/audit.repository';
import type { JobQueue } from '../core/jobs/queue';
import type { PurgeRepository } from './purge.repository';
import type { RetentionRepository } from './retention.repository';
import { cutoffOf, type RetentionRule } from './retention';

export const PURGE_QUEUE = 'records-purge';

export interface PurgeOptions {
  /** Rows per batch (one short transaction each). */
  batchSize?: number;
  /** Batches per rule and run; what is left waits for the next run. */
  maxBatches?: number;
}

export interface RuleCounts {
  rule: { id: number; kind: string; channel: string | null; departmentId: number | null; keepDays: number };
  cutoff: string;
  removed: Record<string, number>;
  /** Inquiries past their time whose journal posts the archive has not confirmed yet. */
  waitingForArchive: number;
}

const ruleOf = (r: RetentionRule) => ({ id: r.id, kind: r.kind, channel: r.channel, departmentId: r.departmentId, keepDays: r.keepDays });
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The retention purge: for each rule, rows past its time are removed or anonymised in small
 * batches, each its own transaction, with a pause between batches so inbound traffic keeps
 * flowing. A run records counts per rule, never content. Runs as a job on the worker.
 */
export class PurgeService {
  constructor(
    private readonly deps: {
      purge: PurgeRepository;
      retention: RetentionRepository;
      audit: AuditRepository;
      jobs: JobQueue;
      clock: () => Date;
      logger: Logger;
      options?: PurgeOptions;
    },
  ) {}

  /** What the next purge would remove, per rule: counts, and the first ids of each. */
  async dryRun() {
    const now = this.deps.clock();
    const items = [];
    for (const rule of await this.deps.retention.rules()) {
      const cutoff = cutoffOf(rule, now);
      const parts: Record<string, { count: number; firstIds: number[] }> = {};
      for (const { part, sel } of this.deps.purge.selections(rule, cutoff))
        parts[part] = { count: await this.deps.purge.count(sel), firstIds: await this.deps.purge.ids(sel, 100) };
      items.push({
        rule: ruleOf(rule),
        cutoff: cutoff.toISOString(),
        wouldRemove: parts,
        waitingForArchive: await this.deps.purge.waitingForArchive(rule, cutoff),
      });
    }
    return { at: now.toISOString(), items };
  }

  /** One purge run over every rule; answers its counts. */
  async run(): Promise<{ id: number; items: RuleCounts[] }> {
    const { batchSize = 200, maxBatches = 500 } = this.deps.options ?? {};
    const started = this.deps.clock();
    const id = await this.deps.retention.startRun(started);
    const items: RuleCounts[] = [];
    try {
      // Most specific rules first, though each rule's selection already leaves others' rows alone.
      for (const rule of await this.deps.retention.rules()) {
        const cutoff = cutoffOf(rule, started);
        const removed: Record<string, number> = {};
        for (const { part, sel } of this.deps.purge.selections(rule, cutoff)) {
          for (let batch = 0; batch < maxBatches && !this.deps.jobs.stopping; batch++) {
            const ids = await this.deps.purge.ids(sel, batchSize);
            if (!ids.length) break;
            const done = await this.deps.purge.remove(rule.kind, part, sel, ids, cutoff);
            for (const [k, n] of Object.entries(done)) removed[k] = (removed[k] ?? 0) + n;
            await pause();
            if (ids.length < batchSize) break;
          }
        }
        items.push({ rule: ruleOf(rule), cutoff: cutoff.toISOString(), removed, waitingForArchive: await this.deps.purge.waitingForArchive(rule, cutoff) });
      }
      await this.deps.retention.finishRun(id, 'done', items, this.deps.clock());
      await this.deps.audit.record([{ userId: null, action: 'delete', entityType: 'purge', entityId: id, route: 'job:records-purge' }]);
      return { id, items };
    } catch (err) {
      await this.deps.retention.finishRun(id, 'failed', items, this.deps.clock()).catch(() => undefined);
      throw err;
    }
  }

  /** Asks the worker for a run now (once per minute at most: the key dedups while one is pending). */
  async request(now = this.deps.clock()): Promise<void> {
    await this.deps.jobs.add(PURGE_QUEUE, {}, { key: `purge-${now.toISOString().slice(0, 16)}`, attempts: 3 });
  }
}
