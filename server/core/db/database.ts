import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { dataSourceOptions, dialectOf, type Dialect, type Schema } from './options';
import { inTurn, mysqlTransactions, rowsets, sqliteTransaction, type Statement, type TransactionBody } from './transactions';

export interface Database {
  dataSource: DataSource;
  dialect: Dialect;
  /**
   * Runs every write. On MariaDB a deadlock or lock timeout is retried; on SQLite the one
   * connection is shared by all requests, so writes are serialised here instead, lest one
   * request's statement land inside another request's open transaction.
   */
  transaction<T>(fn: TransactionBody<T>): Promise<T>;
  /**
   * Runs one write statement that is atomic on its own (a conditional UPDATE, a single INSERT).
   * On MariaDB it autocommits on any pooled connection: one round trip instead of three
   * (BEGIN, the statement, COMMIT), with the same deadlock retry. On SQLite it joins the write queue.
   */
  statement<T>(fn: (m: EntityManager) => Promise<T>): Promise<T>;
  /**
   * Statements that need no transaction — reads, or one write that is atomic on its own followed
   * by reads of what it did — sent in one round trip on MariaDB (a compound statement), one after
   * another on one session elsewhere. Stops at the first that fails. Gives the rows of each
   * statement that returns rows, in order. For the hot paths where each round trip costs the
   * server and MariaDB a wake-up (the screen pop, the agent's accept).
   */
  batch(statements: Statement[]): Promise<Record<string, unknown>[][]>;
  /** A Date as this engine compares it in raw SQL. */
  param(d: Date): Date | string;
  close(): Promise<void>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** The format TypeORM writes datetimes in on SQLite (UTC), so raw comparisons match stored values. */
export function sqliteDate(d: Date): string {
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

function driverCode(e: unknown): { code?: string; errno?: number } {
  const err = e as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  return err?.driverError ?? err ?? {};
}

export function isUniqueViolation(e: unknown): boolean {
  const { code, errno } = driverCode(e);
  return code === 'ER_DUP_ENTRY' || errno === 1062 || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function isRetryable(e: unknown): boolean {
  const { code, errno } = driverCode(e);
  return code === 'ER_LOCK_DEADLOCK' || errno === 1213 || code === 'ER_LOCK_WAIT_TIMEOUT' || errno === 1205;
}

const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
]);
/** The database could not be reached or is overloaded: the caller should try again later (503). */
export function isDatabaseUnavailable(e: unknown): boolean {
  const { code } = driverCode(e);
  if (code && UNAVAILABLE.has(code)) return true;
  const msg = (e as Error)?.message ?? '';
  return /Connection is not established|Pool is closed|connect ECONNREFUSED|Can't add new command when connection is in closed state/.test(msg);
}

/**
 * TypeORM's 'mysql' type writes MySQL 8 syntax (`FOR SHARE`) for any server reporting version 8 or
 * later, which MariaDB 10 and 11 reject; its 'mariadb' type speaks MariaDB. DATABASE_URL is
 * mysql:// for both, so which one we reached is known only once connected.
 */
async function connect(databaseUrl: string, schema: Schema): Promise<DataSource> {
  const dataSource = pinSqlMode(await new DataSource(dataSourceOptions(databaseUrl, schema)).initialize());
  if (dataSource.options.type !== 'mysql') return dataSource;
  const [{ v }] = (await dataSource.query('SELECT VERSION() AS v')) as { v: unknown }[];
  if (!/mariadb/i.test(String(v))) return dataSource;
  await dataSource.destroy();
  return pinSqlMode(await new DataSource({ ...dataSourceOptions(databaseUrl, schema), type: 'mariadb' } as DataSourceOptions).initialize());
}

/**
 * entity-sql.ts and transactions.ts escape values on the client, backslash style; a session in
 * NO_BACKSLASH_ESCAPES would read `\'` as a backslash followed by the end of the string, turning a
 * citizen's message into SQL. The server's global mode is the DBA's to choose, so every pooled
 * session gets a known mode (MariaDB's default, minus anything that changes quoting) the first
 * time TypeORM hands it out. The statement is queued on the connection, not awaited: mysql2 runs a
 * connection's commands in order, so it precedes whatever the caller sends, at no extra wait.
 */
export const SESSION_SQL_MODE = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

interface PooledSession {
  query(sql: string, cb: (err: Error | null) => void): unknown;
  destroy(): void;
}
function pinSqlMode(dataSource: DataSource): DataSource {
  if (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb') return dataSource;
  const driver = dataSource.driver as unknown as { prepareDbConnection(c: PooledSession): PooledSession };
  const prepare = driver.prepareDbConnection.bind(driver);
  const pinned = new WeakSet<PooledSession>();
  driver.prepareDbConnection = (connection) => {
    if (!pinned.has(connection)) {
      pinned.add(connection);
      // Should the mode be refused, the session cannot be trusted with our escaping: drop it rather than pool it.
      connection.query(`SET SESSION sql_mode = '${SESSION_SQL_MODE}'`, (err) => err && connection.destroy());
    }
    return prepare(connection);
  };
  return dataSource;
}

/**
 * Transactions on MariaDB read committed data, as PostgreSQL's do by default, instead of InnoDB's
 * repeatable read. Writers here serialise on a row lock (a contact, a call) and must then read
 * what the lock's previous holder committed, which a snapshot taken before the wait would hide;
 * and repeatable read's locking reads lock the gaps between index entries, so two new citizens'
 * first messages deadlocked inserting into the same gap (bench/sms-inbound's 503s). Set once per
 * pooled session, not per transaction, which would cost a round trip on every write.
 */
const READ_COMMITTED = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/** Opens the database with the schema (every feature's tables and the migrations) the root hands in. */
export async function openDatabase(databaseUrl: string, schema: Schema, opts: { migrate?: boolean } = {}): Promise<Database> {
  const dialect = dialectOf(databaseUrl);
  const dataSource = await connect(databaseUrl, schema);
  if (opts.migrate !== false) await dataSource.runMigrations({ transaction: dialect === 'sqlite' ? 'each' : 'none' });

  let writeChain: Promise<unknown> = Promise.resolve();
  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writeChain.then(fn, fn);
    writeChain = run.catch(() => undefined);
    return run;
  };

  const retried = async <T>(run: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        if (attempt >= 4 || !isRetryable(e)) throw e;
        await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
      }
    }
  };
  const inTransaction =
    dialect === 'mysql' ? mysqlTransactions(dataSource, { compound: dataSource.options.type === 'mariadb', sessionSetup: READ_COMMITTED }) : null;
  const transaction = async <T>(fn: TransactionBody<T>): Promise<T> => {
    if (!inTransaction) return serialised(() => sqliteTransaction(dataSource, fn));
    return retried(() => inTransaction(fn));
  };
  const statement = async <T>(fn: (m: EntityManager) => Promise<T>): Promise<T> => {
    if (dialect === 'sqlite') return serialised(() => dataSource.transaction(fn));
    return retried(() => fn(dataSource.manager));
  };

  const compound = dataSource.options.type === 'mariadb';
  const inOneSession = async (statements: Statement[]) => {
    const runner = dataSource.createQueryRunner();
    try {
      return await inTurn(runner, statements);
    } finally {
      await runner.release();
    }
  };
  const batch = async (statements: Statement[]): Promise<Record<string, unknown>[][]> => {
    if (!statements.length) return [];
    if (dialect === 'sqlite') return serialised(() => inOneSession(statements));
    if (!compound) return retried(() => inOneSession(statements));
    if (statements.length === 1) {
      const raw: unknown = await retried(() => dataSource.query(statements[0].sql, statements[0].params));
      return Array.isArray(raw) ? [raw as Record<string, unknown>[]] : [];
    }
    const sql = `BEGIN NOT ATOMIC ${statements.map((s) => s.sql).join('; ')}; END`;
    const params = statements.flatMap((s) => s.params);
    return retried(async () => rowsets(await dataSource.query(sql, params)));
  };

  return {
    dataSource,
    dialect,
    transaction,
    statement,
    batch,
    param: (d) => (dialect === 'sqlite' ? sqliteDate(d) : d),
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
