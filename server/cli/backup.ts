import { loadConfigFromEnvironment } from '../core/config';
import { openDatabase } from '../core/db/database';
import { createLogger } from '../core/logger';
import { BackupRunRepository, BackupService } from '../backups/module';
import { schema } from '../../ormconfig';

/**
 * `npm run backup`: one encrypted backup of DATABASE_URL now, copied to BACKUP_COPY_DIR, recorded
 * like the worker's. `npm run backup -- --verify`: restore the newest copy into the scratch database
 * and compare it with its manifest (needs BACKUP_IDENTITY_FILE). Exit 1 when either fails.
 */
async function run() {
  const verify = process.argv.slice(2).includes('--verify');
  const config = loadConfigFromEnvironment();
  if (!config.backups) throw new Error('Backups are not configured: set BACKUP_DIR, BACKUP_COPY_DIR and BACKUP_RECIPIENT (see README, "Backups").');
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config.databaseUrl, schema, { migrate: false });
  try {
    const service = new BackupService({
      settings: config.backups,
      databaseUrl: config.databaseUrl,
      runs: new BackupRunRepository({ db }),
      clock: () => new Date(),
      logger,
    });
    const result = verify ? await service.verify() : await service.backup();
    if (!result || result.state !== 'succeeded') {
      console.error(`${verify ? 'Verification' : 'Backup'} failed: ${result?.detail ?? 'not run'}`);
      process.exitCode = 1;
      return;
    }
    console.log(
      verify
        ? `Verified ${result.backupId}: ${result.tablesCount} tables, ${result.rowsCount} rows, every count and checksum as at backup time.`
        : `Backup ${result.backupId}: ${result.tablesCount} tables, ${result.rowsCount} rows, encrypted to ${config.backups.recipient}, in ${config.backups.directory} and ${config.backups.copyDirectory}.`,
    );
  } finally {
    await db.close();
  }
}

run().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
