import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { engines, type Engine } from '../support/engines';
import { startServer } from '../support/server';
import { ageKeyPair } from './support';

const ROOT = path.resolve(__dirname, '../..');

/** `npm run backup` and `npm run restore` as an operator runs them: settings from the environment only. */
function cli(script: 'backup' | 'restore', env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), `server/cli/${script}.ts`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe.each(engines())('npm run backup and restore on $name', (engine: Engine) => {
  const keys = ageKeyPair();
  const dbs: { drop(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const d of dbs) await d.drop();
    fs.rmSync(keys.dir, { recursive: true, force: true });
  });

  it('backs up, restores into an empty database, and refuses a database that is not empty with a clear message', async () => {
    const source = await startServer(engine, { keepDatabase: true });
    dbs.push(source.database);
    await source.department('helse');
    await source.user('admin@kommune.no', 'admin', []);
    const departments = await source.count('departments');
    await source.close();

    const settings = {
      BACKUP_DIR: path.join(keys.dir, 'backups'),
      BACKUP_COPY_DIR: path.join(keys.dir, 'backup-server'),
      BACKUP_RECIPIENT: keys.recipient,
    };
    const made = cli('backup', { DATABASE_URL: source.database.url, ...settings });
    expect(made.out).toMatch(/^Backup servicetorg-(sqlite|mysql)-\S+: \d+ tables, \d+ rows, encrypted to age1/m);
    expect(made.status).toBe(0);

    const target = await engine.create();
    dbs.push(target);
    const restored = cli('restore', { DATABASE_URL: target.url, ...settings }, ['--identity', keys.identityFile]);
    expect(restored.out).toMatch(/^Restored servicetorg-\S+ \(\d+ tables, \d+ rows, every count and checksum as at backup time\)/m);
    expect(restored.status).toBe(0);

    const again = cli('restore', { DATABASE_URL: target.url, ...settings }, ['--identity', keys.identityFile]);
    expect(again.status).toBe(3);
    expect(again.out).toMatch(/^Refused: The database \S+ is not empty \(\d+ tables\)\. A backup is restored only into an empty database/m);

    // Without the private key there is nothing to restore with.
    expect(cli('restore', { DATABASE_URL: target.url, ...settings }).out).toMatch(/needs the private key/);

    const back = await startServer(engine, { database: target, keepDatabase: true });
    try {
      expect(await back.count('departments')).toBe(departments);
      expect((await back.api('GET', '/health')).status).toBe(200);
    } finally {
      await back.close();
    }
  }, 120_000);
});
