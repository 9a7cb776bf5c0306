import type { Connection } from 'mysql2/promise';
import { z } from 'zod';
import { decodeCell, quoteName } from './mariadb-tables';
import { lines } from './payload';

const tableLine = z.object({ table: z.string().max(64), columns: z.array(z.string().max(64)).max(1000), ddl: z.string().max(200_000) });
const triggersLine = z.object({ triggers: z.array(z.string().max(200_000)).max(1000) });

/** Rows per INSERT: large enough to be quick, small enough to stay far below max_allowed_packet. */
const BATCH_ROWS = 200;
const BATCH_BYTES = 2_000_000;

/**
 * Writes MariaDB tables from a backup's JSON lines into the (empty) database `conn` is on: each
 * table as its DDL said, then its rows, then the triggers. Foreign keys are checked by the source at
 * backup time; here tables arrive in name order, so the checks are off for this session only. Fails
 * on a stream that stops before its end mark.
 */
export async function restoreMariadbTables(conn: Connection, body: AsyncIterable<Buffer>): Promise<void> {
  await conn.query("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
  await conn.query('SET SESSION foreign_key_checks = 0');
  await conn.query('SET SESSION unique_checks = 0');
  let table: z.infer<typeof tableLine> | null = null;
  let batch: unknown[][] = [];
  let batchBytes = 0;
  let ended = false;
  const flush = async () => {
    if (!table || !batch.length) return;
    await conn.query(`INSERT INTO ${quoteName(table.table)} (${table.columns.map(quoteName).join(', ')}) VALUES ?`, [batch]);
    batch = [];
    batchBytes = 0;
  };
  for await (const line of lines(body)) {
    if (!line) continue;
    if (ended) throw new Error('the backup has data after its end mark');
    if (line.startsWith('[')) {
      if (!table) throw new Error('the backup has rows before any table');
      batch.push((JSON.parse(line) as unknown[]).map(decodeCell));
      batchBytes += line.length;
      if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
      continue;
    }
    const record = JSON.parse(line) as Record<string, unknown>;
    await flush();
    if ('table' in record) {
      table = tableLine.parse(record);
      await conn.query(table.ddl);
    } else if ('triggers' in record) {
      for (const ddl of triggersLine.parse(record).triggers) await conn.query(ddl);
    } else if (record.end === true) ended = true;
    else throw new Error('the backup has a line this version does not know');
  }
  await flush();
  if (!ended) throw new Error('the backup is truncated (no end mark)');
  await conn.query('SET SESSION foreign_key_checks = 1');
  await conn.query('SET SESSION unique_checks = 1');
}
