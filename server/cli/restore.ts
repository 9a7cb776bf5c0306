import path from 'node:path';
import { loadConfigFromEnvironment } from '../core/config';
import { latestManifest, NotEmptyError, restoreBackup } from '../backups/module';

/**
 * `npm run restore -- [--from <backup>.manifest.json] [--identity <age key file>]`: restores a
 * backup into DATABASE_URL, which must be an empty database (a new MariaDB database, or a SQLite
 * path with no file yet). Default backup: the newest in BACKUP_COPY_DIR, else BACKUP_DIR; default
 * key: BACKUP_IDENTITY_FILE. Checks every table against the manifest afterwards.
 */
function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function run() {
  const config = loadConfigFromEnvironment();
  const identityFile = flag('--identity') ?? config.backups?.identityFile;
  if (!identityFile) throw new Error('Restoring needs the private key: pass --identity <file> or set BACKUP_IDENTITY_FILE.');
  const from = flag('--from');
  const manifestFile = from
    ? path.resolve(from.endsWith('.age') ? from.replace(/\.age$/, '.manifest.json') : from)
    : config.backups && (latestManifest(config.backups.copyDirectory) ?? latestManifest(config.backups.directory));
  if (!manifestFile) throw new Error('No backup found: pass --from <backup>.manifest.json (or set BACKUP_DIR / BACKUP_COPY_DIR).');
  const result = await restoreBackup({ manifestFile, identityFile, targetUrl: config.databaseUrl });
  if (result.problems.length) {
    console.error(`Restored ${result.manifest.id}, but it differs from its manifest:\n  ${result.problems.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  const tables = Object.values(result.manifest.tables);
  console.log(
    `Restored ${result.manifest.id} (${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0)} rows, every count and checksum as at backup time). Start the server on it as usual.`,
  );
}

run().catch((e) => {
  console.error(e instanceof NotEmptyError ? `Refused: ${e.message}` : e instanceof Error ? e.message : e);
  process.exit(e instanceof NotEmptyError ? 3 : 1);
});
