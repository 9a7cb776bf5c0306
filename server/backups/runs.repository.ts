import { type Database, isUniqueViolation } from '../core/db/database';
import { cutTo } from '../core/db/columns';
import { BackupRunEntity, type BackupRun, type BackupRunKind } from './entities';

/** The record of backup and verification runs, the only SQL of the backups feature. */
export class BackupRunRepository {
  constructor(private readonly deps: { db: Database }) {}

  /** Claims a kind's slot: the new run, or null when another process has it already. */
  async claim(kind: BackupRunKind, slot: string, at: Date): Promise<BackupRun | null> {
    try {
      return await this.deps.db.statement((m) => m.getRepository(BackupRunEntity).save({ kind, slot, state: 'running', startedAt: at }));
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }

  async finish(
    id: number,
    result: { state: 'succeeded' | 'failed'; backupId?: string | null; tablesCount?: number; rowsCount?: number; detail?: string | null },
    at: Date,
  ): Promise<void> {
    await this.deps.db.statement((m) =>
      m.getRepository(BackupRunEntity).update(id, {
        state: result.state,
        backupId: result.backupId ?? null,
        tablesCount: result.tablesCount ?? null,
        rowsCount: result.rowsCount ?? null,
        detail: result.detail ? cutTo(result.detail, 1000) : null,
        finishedAt: at,
      }),
    );
  }

  /** The latest run of a kind, and the latest that succeeded. */
  async latest(kind: BackupRunKind): Promise<{ last: BackupRun | null; lastSucceeded: BackupRun | null }> {
    const repo = this.deps.db.dataSource.manager.getRepository(BackupRunEntity);
    const [last, lastSucceeded] = await Promise.all([
      repo.findOne({ where: { kind }, order: { startedAt: 'DESC', id: 'DESC' } }),
      repo.findOne({ where: { kind, state: 'succeeded' }, order: { startedAt: 'DESC', id: 'DESC' } }),
    ]);
    return { last, lastSucceeded };
  }
}
