import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { engines, type Engine } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { loadConfig } from '../../server/core/config';
import { latestManifest } from '../../server/backups/module';
import { openRaw, countTables } from '../../server/backups/mariadb-tables';
import { ageKeyPair } from './support';
import Database from 'better-sqlite3';
import { sqliteTableCount } from '../../server/backups/sqlite-files';

/*
 * Scheduled verification: the newest copy restored into a scratch database and compared with its
 * manifest. A changed file, a changed manifest, or no verification for too long shows on /health
 * and to the admin; one worker's claim makes each period's backup once.
 */

describe.each(engines())('backup verification on $name', (engine: Engine) => {
  const keys = ageKeyPair();
  const copyDir = path.join(keys.dir, 'backup-server');
  let s: TestServer;
  let scratch: { url: string; drop(): Promise<void> } | null = null;
  let now = new Date('2026-12-01T10:00:00Z');
  let ticks = 0;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    // MariaDB needs a scratch database named; on SQLite one is named too, to test what is done with one that is not empty.
    scratch = engine.name === 'mariadb' ? await engine.create() : { url: `sqlite:${path.join(keys.dir, 'scratch.sqlite')}`, drop: async () => undefined };
    s = await startServer(engine, {
      env: {
        BACKUP_DIR: path.join(keys.dir, 'backups'),
        BACKUP_COPY_DIR: copyDir,
        BACKUP_RECIPIENT: keys.recipient,
        BACKUP_IDENTITY_FILE: keys.identityFile,
        BACKUP_EVERY_HOURS: '24',
        BACKUP_VERIFY_EVERY_HOURS: '24',
        ...(scratch && { BACKUP_VERIFY_DATABASE_URL: scratch.url }),
      },
      // Each reading a millisecond on, so backups made one after another sort in the order made.
      clock: () => new Date(now.getTime() + ++ticks),
      backups: { tickMs: 3600_000 },
    });
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['helse'])).token;
    await s.department('helse');
  });
  afterAll(async () => {
    await s?.close();
    await scratch?.drop();
    fs.rmSync(keys.dir, { recursive: true, force: true });
  });

  const health = async () => {
    const r = await s.api('GET', '/health');
    // Backups inform; they never make the process look down to an orchestrator.
    expect(r.status).toBe(200);
    return r.body.backups;
  };
  const scratchTables = async () => {
    if (scratch!.url.startsWith('sqlite:')) return sqliteTableCount(scratch!.url.slice('sqlite:'.length));
    const conn = await openRaw(scratch!.url);
    try {
      return await countTables(conn);
    } finally {
      await conn.end();
    }
  };
  const newest = () => {
    const manifestFile = latestManifest(copyDir)!;
    return { manifestFile, file: manifestFile.replace(/\.manifest\.json$/, '.age') };
  };

  it('makes each period’s backup once however many workers tick, verifies it, and reports it good', async () => {
    await Promise.all([s.app.backups.service.tick(), s.app.backups.service.tick()]);
    // The worker that lost the race left this period's verification for its next tick, once the backup was done.
    await s.app.backups.service.tick();
    const runs = (await s.app.db.dataSource.query('SELECT kind, state, slot FROM backup_runs ORDER BY id')) as { kind: string; state: string }[];
    expect(runs.map((r) => `${r.kind}:${r.state}`)).toEqual(['backup:succeeded', 'verify:succeeded']);
    const h = await health();
    expect(h).toMatchObject({ status: 'ok', problems: [], lastVerification: { state: 'succeeded' } });
    expect(h.lastVerification.backupId).toBe(h.lastGoodBackup.backupId);
    expect(h.lastVerification.tables).toBeGreaterThan(40);
    // The scratch database is left empty for the next verification.
    expect(await scratchTables()).toBe(0);
    const panel = await s.api('GET', '/api/backups', { token: admin });
    expect(panel.status).toBe(200);
    expect(panel.body.status).toBe('ok');
    expect((await s.api('GET', '/api/backups', { token: agent })).status).toBe(403);
  });

  it('fails verification of a backup whose encrypted file was changed, and shows it on /health and to the admin', async () => {
    await s.app.backups.service.backup();
    const { file } = newest();
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const run = await s.app.backups.service.verify();
    expect(run?.state).toBe('failed');
    expect(run?.detail).toMatch(/does not match its manifest/);
    const h = await health();
    expect(h.status).toBe('failed');
    expect(h.problems.join(' ')).toMatch(/last verification failed/);
    expect((await s.api('GET', '/api/backups', { token: admin })).body.lastVerification).toMatchObject({ state: 'failed' });
  });

  it('fails when the manifest is made to match a changed file: age refuses the changed ciphertext', async () => {
    await s.app.backups.service.backup();
    const { manifestFile, file } = newest();
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 40] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.sha256 = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const run = await s.app.backups.service.verify();
    expect(run?.state).toBe('failed');
    expect(run?.detail).toMatch(/decrypting the backup failed/);
  });

  it('fails when the manifest’s counts are not what the backup holds, naming the table', async () => {
    await s.app.backups.service.backup();
    const { manifestFile } = newest();
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.tables.users.rows += 1;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const run = await s.app.backups.service.verify();
    expect(run?.state).toBe('failed');
    expect(run?.detail).toMatch(/table users: 2 rows restored, 3 at backup time/);
  });

  it('refuses a scratch database that already holds tables, reports it, and leaves it untouched', async () => {
    await s.app.backups.service.backup();
    const someones = scratch!.url.startsWith('sqlite:') ? new Database(scratch!.url.slice('sqlite:'.length)) : null;
    if (someones) someones.exec('CREATE TABLE kept (id INTEGER PRIMARY KEY)');
    else {
      const conn = await openRaw(scratch!.url);
      await conn.query('CREATE TABLE kept (id INT PRIMARY KEY)');
      await conn.end();
    }
    someones?.close();
    const run = await s.app.backups.service.verify();
    expect(run?.state).toBe('failed');
    expect(run?.detail).toMatch(/is not empty \(1 table\)/);
    expect(await scratchTables()).toBe(1);
    if (scratch!.url.startsWith('sqlite:')) fs.rmSync(scratch!.url.slice('sqlite:'.length));
    else {
      const conn = await openRaw(scratch!.url);
      await conn.query('DROP TABLE kept');
      await conn.end();
    }
  });

  it('turns good again with a good backup, and overdue when no verification passes for two periods', async () => {
    await s.app.backups.service.backup();
    expect((await s.app.backups.service.verify())?.state).toBe('succeeded');
    expect((await health()).status).toBe('ok');
    now = new Date(now.getTime() + 49 * 3600_000);
    await s.app.backups.service.backup();
    const h = await health();
    expect(h.status).toBe('overdue');
    expect(h.problems).toEqual(['no passed verification for two periods']);
  });
});

describe('backup settings', () => {
  const keys = ageKeyPair();
  afterAll(() => fs.rmSync(keys.dir, { recursive: true, force: true }));
  const base = {
    DATABASE_URL: 'sqlite:/tmp/x.sqlite',
    BACKUP_DIR: '/var/backups/st',
    BACKUP_COPY_DIR: '/mnt/backup-server/st',
    BACKUP_RECIPIENT: keys.recipient,
  };

  it('are off unless all three of directory, second location and public key are named', () => {
    expect(loadConfig({ DATABASE_URL: base.DATABASE_URL }).backups).toBeUndefined();
    expect(loadConfig(base).backups).toMatchObject({ directory: '/var/backups/st', everyMs: 24 * 3600_000, identityFile: undefined });
    expect(() => loadConfig({ ...base, BACKUP_COPY_DIR: '' })).toThrow(/set together/);
  });

  it('refuse what would be unsafe or wrong', () => {
    expect(() => loadConfig({ ...base, BACKUP_RECIPIENT: 'AGE-SECRET-KEY-1XYZ' })).toThrow(/BACKUP_RECIPIENT/);
    expect(() => loadConfig({ ...base, BACKUP_COPY_DIR: '/var/backups/st/' })).toThrow(/second location/);
    expect(() => loadConfig({ ...base, BACKUP_IDENTITY_FILE: '/nonexistent/key.txt' })).toThrow(/BACKUP_IDENTITY_FILE: no such file/);
    const mysql = { ...base, DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/st' };
    expect(() => loadConfig({ ...mysql, BACKUP_IDENTITY_FILE: keys.identityFile })).toThrow(/BACKUP_VERIFY_DATABASE_URL/);
    expect(() => loadConfig({ ...mysql, BACKUP_IDENTITY_FILE: keys.identityFile, BACKUP_VERIFY_DATABASE_URL: mysql.DATABASE_URL })).toThrow(
      /never DATABASE_URL/,
    );
    expect(() => loadConfig({ ...mysql, BACKUP_VERIFY_DATABASE_URL: 'sqlite:/tmp/s.sqlite' })).toThrow(/same engine/);
  });
});
