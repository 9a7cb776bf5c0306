import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type Database, isUniqueViolation } from '../db/database';
import { JobEntity, type JobRow } from './job.entities';

/** The embedded queue's table. Every state change is one conditional UPDATE, so two processes never both claim a job. */
export class JobRepository {
  constructor(private readonly deps: { db: Database }) {}

  private repo(m?: EntityManager) {
    return (m ?? this.deps.db.dataSource.manager).getRepository(JobEntity);
  }

  /** Jobs not yet finished, per queue and state (pending, running, dead). */
  async counts(): Promise<Array<{ queue: string; state: string; count: number }>> {
    const rows = await this.repo()
      .createQueryBuilder('j')
      .select('j.queue', 'queue')
      .addSelect('j.state', 'state')
      .addSelect('COUNT(*)', 'count')
      .groupBy('j.queue')
      .addGroupBy('j.state')
      .getRawMany<{ queue: string; state: string; count: string | number }>();
    return rows.map((r) => ({ queue: r.queue, state: r.state, count: Number(r.count) }));
  }

  /** Adds a pending job; a pending or running job with the key stays as it is, a dead one is revived. */
  async add(row: {
    queue: string;
    jobKey: string;
    payload: Record<string, unknown>;
    runAt: Date;
    maxAttempts: number;
    priority: number;
    now: Date;
  }): Promise<void> {
    await this.deps.db.transaction(async (m) => {
      const existing = await this.repo(m).findOne({ where: { queue: row.queue, jobKey: row.jobKey } });
      if (existing && existing.state !== 'dead') return;
      const fields: QueryDeepPartialEntity<JobRow> = {
        payload: row.payload as QueryDeepPartialEntity<JobRow>['payload'],
        state: 'pending' as const,
        runAt: row.runAt,
        attempts: 0,
        maxAttempts: row.maxAttempts,
        priority: row.priority,
        lockedUntil: null,
        lastError: null,
        updatedAt: row.now,
      };
      if (existing) return void (await this.repo(m).update({ id: existing.id, state: 'dead' }, fields));
      try {
        await this.repo(m).insert({ queue: row.queue, jobKey: row.jobKey, createdAt: row.now, ...fields } as QueryDeepPartialEntity<JobRow>);
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    });
  }

  async removePending(queue: string, jobKey: string): Promise<void> {
    await this.deps.db.transaction((m) => this.repo(m).delete({ queue, jobKey, state: 'pending' }));
  }

  /** Jobs that are due, or whose runner's lease ran out (it died mid-run): the first priority first, then by due time. */
  async due(queues: string[], now: Date, limit: number): Promise<JobRow[]> {
    if (!queues.length) return [];
    return this.repo()
      .createQueryBuilder('j')
      .where('j.queue IN (:...queues)', { queues })
      .andWhere("((j.state = 'pending' AND j.run_at <= :now) OR (j.state = 'running' AND j.locked_until < :now))", { now: this.deps.db.param(now) })
      .orderBy('j.priority', 'ASC')
      .addOrderBy('j.run_at', 'ASC')
      .addOrderBy('j.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Takes the job for one run if nobody else has: true only for the one process whose UPDATE matched. */
  async claim(id: number, now: Date, leaseUntil: Date): Promise<boolean> {
    const r = await this.deps.db.transaction((m) =>
      this.repo(m)
        .createQueryBuilder()
        .update()
        .set({ state: 'running', lockedUntil: leaseUntil, updatedAt: now, attempts: () => 'attempts + 1' })
        .where('id = :id', { id })
        .andWhere("((state = 'pending' AND run_at <= :now) OR (state = 'running' AND locked_until < :now))", { now: this.deps.db.param(now) })
        .execute(),
    );
    return (r.affected ?? 0) > 0;
  }

  async byId(id: number): Promise<JobRow | null> {
    return this.repo().findOne({ where: { id } });
  }

  async done(id: number): Promise<void> {
    await this.deps.db.transaction((m) => this.repo(m).delete({ id, state: 'running' }));
  }

  async retryAt(id: number, runAt: Date, error: string, now: Date): Promise<void> {
    await this.deps.db.transaction((m) =>
      this.repo(m).update({ id, state: 'running' }, { state: 'pending', runAt, lockedUntil: null, lastError: error.slice(0, 2000), updatedAt: now }),
    );
  }

  async dead(id: number, error: string, now: Date): Promise<void> {
    await this.deps.db.transaction((m) =>
      this.repo(m).update({ id, state: 'running' }, { state: 'dead', lockedUntil: null, lastError: error.slice(0, 2000), updatedAt: now }),
    );
  }

  count(queue: string, state?: JobRow['state']): Promise<number> {
    return this.repo().count({ where: state ? { queue, state } : { queue } });
  }
}
