import Database from 'better-sqlite3';
import fs from 'node:fs';
import { TableChecksum, type CellValue, type TableStats } from './table-checksum';

/**
 * SQLite's side: SQLite's own online backup API copies the live file while the server keeps
 * writing, and sums are read from that copy, which is the snapshot itself.
 */
export async function snapshotSqlite(sourceFile: string, copyFile: string): Promise<void> {
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  try {
    // Every remaining page in one step: the copy is then one read transaction's view. In smaller
    // steps a write by the server between two of them would restart the copy, over and over under load.
    await source.backup(copyFile, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
}

const quote = (n: string) => '"' + n.replace(/"/g, '""') + '"';

/** Row counts and checksums of every table of a SQLite file, rows in primary-key (else rowid) order. */
export function sqliteTableStats(file: string, salt: Buffer): Record<string, TableStats> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as {
      name: string;
      sql: string;
    }[];
    const stats: Record<string, TableStats> = {};
    for (const { name, sql } of tables) {
      const info = db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string; pk: number }[];
      const key = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => quote(c.name));
      const order = key.length ? key.join(', ') : /WITHOUT\s+ROWID/i.test(sql) ? info.map((c) => quote(c.name)).join(', ') : 'rowid';
      const sum = new TableChecksum(salt, name);
      const rows = db
        .prepare(`SELECT ${info.map((c) => quote(c.name)).join(', ')} FROM ${quote(name)} ORDER BY ${order}`)
        .raw(true)
        .safeIntegers(true);
      for (const row of rows.iterate() as Iterable<CellValue[]>) sum.add(row);
      stats[name] = sum.done();
    }
    return stats;
  } finally {
    db.close();
  }
}

/** SQLite's own check of a restored file's structure. */
export function sqliteIntegrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Tables in a SQLite file (0 when there is no file): a restore writes only into one with none. */
export function sqliteTableCount(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type IN ('table', 'view')").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Copies a restored file into place through the backup API, which also fills an existing empty file correctly. */
export async function installSqlite(restoredFile: string, targetFile: string): Promise<void> {
  const restored = new Database(restoredFile, { readonly: true, fileMustExist: true });
  try {
    await restored.backup(targetFile, { progress: () => 0x7fffffff });
  } finally {
    restored.close();
  }
}
