import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { decryptFile, encryptToFile } from './age';
import { BACKUP_SUFFIX, compareTables, MANIFEST_SUFFIX, readManifest, sha256File, writeFileAtomically, type Manifest } from './manifest';
import { countTables, openRaw, readTables, startSnapshot, tableShapes, quoteName } from './mariadb-tables';
import { restoreMariadbTables } from './mariadb-restore';
import { readHeader, writeLine, type PayloadHeader } from './payload';
import { installSqlite, snapshotSqlite, sqliteIntegrity, sqliteTableCount, sqliteTableStats } from './sqlite-files';
import type { TableStats } from './table-checksum';

export type Dialect = 'sqlite' | 'mysql';
const dialectOf = (url: string): Dialect => (url.startsWith('sqlite:') ? 'sqlite' : 'mysql');
const sqliteFile = (url: string) => url.slice('sqlite:'.length);

/** A restore that would write into a database that already holds tables: refused, nothing touched. */
export class NotEmptyError extends Error {}

const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '');

/** A private scratch directory for plaintext that must not outlive the call. */
async function withScratchDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-backup-'));
  fs.chmodSync(dir, 0o700);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface CreatedBackup {
  manifest: Manifest;
  file: string;
  manifestFile: string;
}

/**
 * Makes one backup of `databaseUrl` into `directory`: a consistent snapshot taken while writes go
 * on, summed table by table inside it, encrypted to `recipient` by age on its way to disk. The
 * manifest is written last, so a backup without one is unfinished.
 */
export async function createBackup(opts: { databaseUrl: string; directory: string; recipient: string; now: Date }): Promise<CreatedBackup> {
  const dialect = dialectOf(opts.databaseUrl);
  const id = `servicetorg-${dialect}-${stamp(opts.now)}-${randomBytes(4).toString('hex')}`;
  const salt = randomBytes(32);
  const header: PayloadHeader = { format: 'servicetorg-backup', version: 1, id, dialect, createdAt: opts.now.toISOString(), salt: salt.toString('hex') };
  fs.mkdirSync(opts.directory, { recursive: true, mode: 0o750 });
  const file = path.join(opts.directory, id + BACKUP_SUFFIX);
  const partial = path.join(opts.directory, `.${id}${BACKUP_SUFFIX}.partial`);
  const age = encryptToFile(opts.recipient, partial);
  let tables: Record<string, TableStats>;
  try {
    await writeLine(age.input, JSON.stringify(header));
    tables = dialect === 'sqlite' ? await sqliteInto(age.input, sqliteFile(opts.databaseUrl), salt) : await mariadbInto(age.input, opts.databaseUrl, salt);
    age.input.end();
    await age.done;
  } catch (e) {
    age.input.destroy();
    await age.done.catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw e;
  }
  fs.renameSync(partial, file);
  const { sha256, bytes } = await sha256File(file);
  const manifest: Manifest = {
    format: 'servicetorg-backup-manifest',
    version: 1,
    id,
    dialect,
    createdAt: header.createdAt,
    file: path.basename(file),
    bytes,
    sha256,
    recipient: opts.recipient,
    tables,
  };
  const manifestFile = path.join(opts.directory, id + MANIFEST_SUFFIX);
  writeFileAtomically(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, file, manifestFile };
}

async function sqliteInto(out: Writable, source: string, salt: Buffer) {
  return withScratchDir(async (dir) => {
    const copy = path.join(dir, 'snapshot.sqlite');
    await snapshotSqlite(source, copy);
    const tables = sqliteTableStats(copy, salt);
    await pipeline(fs.createReadStream(copy), out, { end: false });
    return tables;
  });
}

async function mariadbInto(out: Writable, databaseUrl: string, salt: Buffer) {
  const conn = await openRaw(databaseUrl);
  try {
    await startSnapshot(conn);
    const tables = await readTables(conn, salt, out);
    await conn.query('COMMIT');
    return tables;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/**
 * Copies a finished backup to the second location: each file under a temporary name, checked
 * against the manifest's hash, then renamed; the manifest last, as in the first location.
 */
export async function copyBackup(created: Pick<CreatedBackup, 'file' | 'manifestFile' | 'manifest'>, toDirectory: string): Promise<string> {
  fs.mkdirSync(toDirectory, { recursive: true, mode: 0o750 });
  const target = path.join(toDirectory, path.basename(created.file));
  const partial = path.join(toDirectory, `.${path.basename(created.file)}.partial`);
  fs.copyFileSync(created.file, partial);
  const copied = await sha256File(partial);
  if (copied.sha256 !== created.manifest.sha256) {
    fs.rmSync(partial, { force: true });
    throw new Error(`the copy in ${toDirectory} does not match the backup's hash`);
  }
  fs.renameSync(partial, target);
  writeFileAtomically(path.join(toDirectory, path.basename(created.manifestFile)), fs.readFileSync(created.manifestFile, 'utf8'));
  return target;
}

export interface RestoreResult {
  manifest: Manifest;
  /** Differences from the manifest; empty when every table came back with its rows and checksum. */
  problems: string[];
}

/**
 * Restores the backup whose manifest is `manifestFile` into `targetUrl`, which must hold no table
 * (else NotEmptyError, before anything is written), then sums what arrived and compares it with the
 * manifest. Fails outright when the encrypted file's hash is not the manifest's or age refuses it.
 */
export async function restoreBackup(opts: { manifestFile: string; identityFile: string; targetUrl: string }): Promise<RestoreResult> {
  const manifest = readManifest(opts.manifestFile);
  const file = path.join(path.dirname(opts.manifestFile), manifest.file);
  if (path.basename(manifest.file) !== manifest.file || !manifest.file.endsWith(BACKUP_SUFFIX))
    throw new Error('the manifest names a file outside its directory');
  const dialect = dialectOf(opts.targetUrl);
  if (manifest.dialect !== dialect) throw new Error(`this is a ${manifest.dialect} backup; it restores only into a ${manifest.dialect} database`);
  if (!fs.existsSync(file)) throw new Error(`the backup file ${file} is missing`);
  const { sha256, bytes } = await sha256File(file);
  if (sha256 !== manifest.sha256 || bytes !== manifest.bytes) throw new Error('the encrypted file does not match its manifest (changed or damaged)');
  await refuseNonEmpty(opts.targetUrl);

  const age = decryptFile(opts.identityFile, file);
  // A failure of age (wrong key, changed bytes) surfaces through `done` even while the reader waits.
  const failed = age.done.then(
    () => null,
    (e: unknown) => e,
  );
  let tables: Record<string, TableStats>;
  try {
    const { header, rest } = await readHeader(age.output);
    if (header.id !== manifest.id || header.dialect !== manifest.dialect) throw new Error('the encrypted file belongs to another manifest');
    const salt = Buffer.from(header.salt, 'hex');
    tables = dialect === 'sqlite' ? await restoreSqlite(rest, sqliteFile(opts.targetUrl), salt) : await restoreMariadb(rest, opts.targetUrl, salt);
  } catch (e) {
    // Read on to age's end rather than cut it off: a changed file makes age stop with its own error
    // (the cause to report) only after our reader saw the stream end early.
    age.output.resume();
    const ageError = await failed;
    throw ageError instanceof Error ? ageError : e;
  }
  const ageError = await failed;
  if (ageError) throw ageError instanceof Error ? ageError : new Error(String(ageError));
  return { manifest, problems: compareTables(manifest.tables, tables) };
}

async function refuseNonEmpty(targetUrl: string): Promise<void> {
  let tables: number;
  let name: string;
  if (dialectOf(targetUrl) === 'sqlite') {
    name = sqliteFile(targetUrl);
    tables = sqliteTableCount(name);
  } else {
    name = new URL(targetUrl.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    const conn = await openRaw(targetUrl);
    tables = await countTables(conn).finally(() => conn.end());
  }
  if (tables > 0)
    throw new NotEmptyError(
      `The database ${name} is not empty (${tables} table${tables === 1 ? '' : 's'}). A backup is restored only into an empty database, so nothing in it is overwritten or mixed with the backup; create a new database and restore into that.`,
    );
}

async function restoreSqlite(body: AsyncIterable<Buffer>, target: string, salt: Buffer) {
  return withScratchDir(async (dir) => {
    const restored = path.join(dir, 'restored.sqlite');
    await pipeline(Readable.from(body), fs.createWriteStream(restored, { mode: 0o600 }));
    const integrity = sqliteIntegrity(restored);
    if (integrity !== 'ok') throw new Error(`the restored SQLite file fails its integrity check: ${integrity.slice(0, 300)}`);
    const tables = sqliteTableStats(restored, salt);
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    await installSqlite(restored, target);
    return tables;
  });
}

async function restoreMariadb(body: AsyncIterable<Buffer>, targetUrl: string, salt: Buffer) {
  const conn = await openRaw(targetUrl);
  try {
    await restoreMariadbTables(conn, body);
    await startSnapshot(conn);
    const tables = await readTables(conn, salt);
    await conn.query('COMMIT');
    return tables;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** Empties a scratch database after a verification, so the next one finds it empty. */
export async function emptyScratch(targetUrl: string): Promise<void> {
  if (dialectOf(targetUrl) === 'sqlite') {
    const file = sqliteFile(targetUrl);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    return;
  }
  const conn = await openRaw(targetUrl);
  try {
    await conn.query('SET SESSION foreign_key_checks = 0');
    for (const t of await tableShapes(conn)) await conn.query(`DROP TABLE ${quoteName(t.name)}`);
    const [views] = (await conn.query('SELECT TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()')) as unknown as [
      { name: string }[],
    ];
    for (const v of views) await conn.query(`DROP VIEW ${quoteName(v.name)}`);
  } finally {
    await conn.end().catch(() => undefined);
  }
}
