import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openRaw, tableShapes, quoteName } from '../../server/backups/mariadb-tables';

/** A fresh age key pair from age-keygen, in a private temporary directory. */
export function ageKeyPair(): { dir: string; recipient: string; identityFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-backup-test-'));
  const identityFile = path.join(dir, 'backup-key.txt');
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'pipe' });
  const recipient = execFileSync('age-keygen', ['-y', identityFile]).toString('utf8').trim();
  return { dir, recipient, identityFile };
}

/** Every row of every table, keyed by primary key, as the exact values the engine returns, serialised for comparison. */
export type TableRows = Map<string, Map<string, string>>;

const cell = (v: unknown) => (Buffer.isBuffer(v) ? `b:${v.toString('hex')}` : typeof v === 'bigint' ? `i:${v}` : v);

export async function readAllRows(databaseUrl: string): Promise<TableRows> {
  const out: TableRows = new Map();
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string }[];
      for (const { name } of tables) {
        const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; pk: number }[];
        const pk = info.filter((c) => c.pk > 0).map((c) => info.indexOf(c));
        const rows = new Map<string, string>();
        for (const r of db.prepare(`SELECT * FROM "${name}"`).raw(true).safeIntegers(true).iterate() as Iterable<unknown[]>) {
          const values = r.map(cell);
          rows.set(JSON.stringify(pk.length ? pk.map((i) => values[i]) : values), JSON.stringify(values));
        }
        out.set(name, rows);
      }
    } finally {
      db.close();
    }
    return out;
  }
  const conn = await openRaw(databaseUrl);
  try {
    for (const shape of await tableShapes(conn)) {
      const sql = `SELECT ${shape.columns.map(quoteName).join(', ')} FROM ${quoteName(shape.name)}`;
      const [rows] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [unknown[][]];
      const keyIdx = shape.keyColumns.map((k) => shape.columns.indexOf(k));
      const map = new Map<string, string>();
      for (const r of rows) {
        const values = r.map(cell);
        map.set(JSON.stringify(keyIdx.map((i) => values[i])), JSON.stringify(values));
      }
      out.set(shape.name, map);
    }
  } finally {
    await conn.end();
  }
  return out;
}
