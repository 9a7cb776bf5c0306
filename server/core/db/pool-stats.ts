import type { Database } from './database';

interface Listish {
  length?: number;
  size?: number;
}
interface Mysql2Pool {
  _allConnections?: Listish;
  _freeConnections?: Listish;
  _connectionQueue?: Listish;
  config?: { connectionLimit?: number };
}

const sizeOf = (l: Listish | undefined) => l?.length ?? l?.size ?? 0;

/**
 * The MariaDB connection pool as mysql2 keeps it: connections open, idle, requests waiting for
 * one, and the limit. mysql2 exposes no public figures, so these are read from its fields and
 * answer null if a release renames them. SQLite has one connection and no pool: null.
 */
export function poolStats(db: Database): { open: number; idle: number; waiting: number; limit: number } | null {
  if (db.dialect !== 'mysql') return null;
  const pool = (db.dataSource.driver as unknown as { pool?: Mysql2Pool }).pool;
  if (!pool?._allConnections) return null;
  return {
    open: sizeOf(pool._allConnections),
    idle: sizeOf(pool._freeConnections),
    waiting: sizeOf(pool._connectionQueue),
    limit: pool.config?.connectionLimit ?? 0,
  };
}
