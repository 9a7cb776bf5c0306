import mysql from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { TableChecksum, type CellValue, type TableStats } from './table-checksum';
import { writeLine } from './payload';
import type { Writable } from 'node:stream';

/**
 * MariaDB's side: a connection that hands back every value exactly as stored (dates and big
 * numbers as the server's text, binary as bytes), the tables read in primary-key order inside one
 * consistent snapshot, and their rows as JSON lines.
 */
export async function openRaw(databaseUrl: string): Promise<Connection> {
  const raw = mysql.createConnection({
    uri: databaseUrl.replace(/^mariadb:/, 'mysql:'),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4_unicode_ci',
    multipleStatements: false,
  });
  const conn = raw.promise();
  await conn.query("SET SESSION time_zone = '+00:00'");
  return conn;
}

export interface TableShape {
  name: string;
  /** Columns stored (generated ones are computed again on restore). */
  columns: string[];
  keyColumns: string[];
}

export const quoteName = (n: string) => '`' + n.replace(/`/g, '``') + '`';

export async function tableShapes(conn: Connection): Promise<TableShape[]> {
  const [tables] = (await conn.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
  )) as unknown as [{ name: string }[]];
  const [columns] = (await conn.query(
    'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION',
  )) as unknown as [{ t: string; c: string; extra: string }[]];
  const [keys] = (await conn.query(
    "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX",
  )) as unknown as [{ t: string; c: string }[]];
  return tables.map(({ name }) => {
    const cols = columns.filter((c) => c.t === name && !/GENERATED/i.test(c.extra)).map((c) => c.c);
    const pk = keys.filter((k) => k.t === name).map((k) => k.c);
    return { name, columns: cols, keyColumns: pk.length ? pk : cols };
  });
}

/** Opens a read-only transaction that sees the database as it was at this instant, while writers go on. */
export async function startSnapshot(conn: Connection): Promise<void> {
  await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
}

const encodeCell = (v: unknown): unknown => (Buffer.isBuffer(v) ? { b: v.toString('base64') } : v);
export const decodeCell = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && 'b' in v ? Buffer.from(String((v as { b: string }).b), 'base64') : v;

/**
 * Reads every table in key order on `conn` (inside whatever transaction it has open), summing
 * each; with `out`, also writes its DDL and rows there. Rows are streamed, never held all at once.
 */
export async function readTables(conn: Connection, salt: Buffer, out?: Writable): Promise<Record<string, TableStats>> {
  const stats: Record<string, TableStats> = {};
  for (const shape of await tableShapes(conn)) {
    if (out) {
      const [[created]] = (await conn.query(`SHOW CREATE TABLE ${quoteName(shape.name)}`)) as unknown as [Record<string, string>[]];
      await writeLine(out, JSON.stringify({ table: shape.name, columns: shape.columns, ddl: created['Create Table'] }));
    }
    const sum = new TableChecksum(salt, shape.name);
    const sql = `SELECT ${shape.columns.map(quoteName).join(', ')} FROM ${quoteName(shape.name)} ORDER BY ${shape.keyColumns.map(quoteName).join(', ')}`;
    // The promise wrapper keeps the callback connection, whose queries can stream.
    const core = (conn as unknown as { connection: mysql.Connection }).connection;
    const rows = core.query({ sql, rowsAsArray: true }).stream({ highWaterMark: 256 });
    for await (const row of rows as AsyncIterable<CellValue[]>) {
      sum.add(row);
      if (out) await writeLine(out, JSON.stringify(row.map(encodeCell)));
    }
    stats[shape.name] = sum.done();
  }
  if (out) {
    const [triggers] = (await conn.query('SHOW TRIGGERS')) as unknown as [{ Trigger: string }[]];
    const ddl: string[] = [];
    for (const t of triggers) {
      const [[created]] = (await conn.query(`SHOW CREATE TRIGGER ${quoteName(t.Trigger)}`)) as unknown as [Record<string, string>[]];
      ddl.push(created['SQL Original Statement']);
    }
    await writeLine(out, JSON.stringify({ triggers: ddl }));
    await writeLine(out, JSON.stringify({ end: true }));
  }
  return stats;
}

/** How many tables the database holds: a restore goes only into one with none. */
export async function countTables(conn: Connection): Promise<number> {
  const [[{ n }]] = (await conn.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()')) as unknown as [{ n: number }[]];
  return Number(n);
}
