import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { MARIADB_ADMIN_URL } from './global-setup';

export interface Engine {
  name: 'sqlite' | 'mariadb';
  /** A fresh, empty database for one test file; drop() removes it. */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

const sqlite: Engine = {
  name: 'sqlite',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-sqlite-'));
    return { url: `sqlite:${path.join(dir, 'test.sqlite')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
};

const mariadb: Engine = {
  name: 'mariadb',
  async create() {
    const name = `st_t_${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
    const conn = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    const u = new URL(MARIADB_ADMIN_URL);
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      drop: async () => {
        const c = await mysql.createConnection({ uri: MARIADB_ADMIN_URL });
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  },
};

/** SQLite always; MariaDB when global setup found it (under CI=true it must be there). */
export function engines(): Engine[] {
  return process.env.SERVICETORG_TEST_MARIADB === '1' ? [sqlite, mariadb] : [sqlite];
}
