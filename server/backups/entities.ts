import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

export type BackupRunKind = 'backup' | 'verify';
export type BackupRunState = 'running' | 'succeeded' | 'failed';

/** One backup or verification run: what it did, in names and counts, never content. */
export interface BackupRun {
  id: number;
  kind: BackupRunKind;
  /** The schedule's period (or `manual-<time>` for `npm run backup`): one run per kind and slot. */
  slot: string;
  state: BackupRunState;
  backupId: string | null;
  tablesCount: number | null;
  rowsCount: number | null;
  /** Why it failed, or which differences a verification found. */
  detail: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export const BackupRunEntity = new EntitySchema<BackupRun>({
  name: 'BackupRun',
  tableName: 'backup_runs',
  columns: {
    id,
    kind: { type: String, length: 16 },
    slot: { type: String, length: 64 },
    state: { type: String, length: 16 },
    backupId: { type: String, length: 100, name: 'backup_id', nullable: true },
    tablesCount: { type: Number, name: 'tables_count', nullable: true },
    rowsCount: { type: Number, name: 'rows_count', nullable: true },
    detail: { type: String, length: 1000, nullable: true },
    startedAt: at('started_at'),
    finishedAt: at('finished_at', true),
  },
});

export const backupEntities = [BackupRunEntity];
