import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import { BackupService } from './backup.service';
import { BackupRunRepository } from './runs.repository';
import { backupRouteDocs, backupRoutes } from './routes';

export type { BackupStatus, BackupHealth } from './backup.service';
export { BackupService } from './backup.service';
export { BackupRunRepository } from './runs.repository';
export { restoreBackup, NotEmptyError } from './backup-engine';
export { latestManifest } from './manifest';

export interface BackupOptions {
  /** How often the worker looks whether a backup or verification is due (default a minute). */
  tickMs?: number;
}

export type BackupsFeature = Feature & { service: BackupService; runs: BackupRunRepository };

/**
 * Encrypted, verified backups (issue 16): the worker makes them on BACKUP_EVERY_HOURS and, where the
 * private key is, verifies the newest on BACKUP_VERIFY_EVERY_HOURS; every process reports how they
 * stand on /health and to the admin.
 */
export function createBackups(kernel: Kernel, opts: BackupOptions = {}): BackupsFeature {
  const { db, config, clock, logger } = kernel;
  const runs = new BackupRunRepository({ db });
  const service = new BackupService({ settings: config.backups, databaseUrl: config.databaseUrl, runs, clock, logger });
  return {
    service,
    runs,
    routes: { api: backupRoutes({ backups: service }), docs: backupRouteDocs },
    background: config.backups ? [repeating('backups', opts.tickMs ?? 60_000, () => service.tick(), logger)] : [],
    health: async () => ({ backups: await service.status() }),
  };
}
