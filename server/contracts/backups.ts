/** How backups stand, as GET /api/backups and /health answer it and the admin's console shows it. */

export type BackupHealth = 'off' | 'ok' | 'failed' | 'overdue';

/** One backup or verification run: names, times and counts, never content. */
export interface BackupRunView {
  state: 'running' | 'succeeded' | 'failed';
  backupId: string | null;
  startedAt: string;
  finishedAt: string | null;
  tables: number | null;
  rows: number | null;
  /** Why it failed, or which tables a verification found different. */
  detail: string | null;
}

export interface BackupStatusView {
  status: BackupHealth;
  problems: string[];
  lastBackup: BackupRunView | null;
  lastGoodBackup: BackupRunView | null;
  lastVerification: BackupRunView | null;
  lastGoodVerification: BackupRunView | null;
}
