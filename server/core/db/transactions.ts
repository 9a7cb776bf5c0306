import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** One SQL statement with `?` placeholders. */
export interface Statement {
  sql: string;
  params: unknown[];
}

type Row = Record<string, unknown>;

/**
 * What a transaction body may use, besides its EntityManager, to save round trips on the busiest
 * writes. Every round trip costs the server and MariaDB a wake-up each; on the inbound path they
 * were most of the CPU (bench/sms-inbound). On SQLite both simply run their statements in turn.
 */
export interface TransactionSteps {
  /** A read that, as the transaction's first statement, travels together with its start. */
  read<R extends Row = Row>(sql: string, params: unknown[]): Promise<R[]>;
  /**
   * Statements sent together (in one round trip on MariaDB), in order, stopping at the first that
   * fails; the transaction goes on. Gives the rows of each statement that returns rows, in order.
   */
  together(statements: Statement[]): Promise<Row[][]>;
  /**
   * The last writes, sent together with the commit: the transaction ends here and nothing may
   * follow. Gives the rows of each statement that returns rows, in order. A failing statement
   * stops the rest and nothing is committed.
   */
  commitWith(statements: Statement[]): Promise<Row[][]>;
}

export type TransactionBody<T> = (m: EntityManager, steps: TransactionSteps) => Promise<T>;

const COMMITTED = 'This transaction has committed; nothing may follow commitWith';

/**
 * Transactions on MySQL and MariaDB, on one pooled session each. The start is lazy, so that a
 * first `read` can carry it; on MariaDB a `read` or `commitWith` is one compound statement
 * (BEGIN NOT ATOMIC … END: our own statements, in order, in one round trip, without turning on
 * the driver's multi-statement mode for everything else).
 */
export function mysqlTransactions(dataSource: DataSource, opts: { compound: boolean; sessionSetup: string }) {
  const prepared = new WeakSet<object>();
  return async <T>(fn: TransactionBody<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    const tx: { state: 'idle' | 'open' | 'committed' } = { state: 'idle' };
    try {
      const session = (await runner.connect()) as object;
      if (!prepared.has(session)) {
        await runner.query(opts.sessionSetup);
        prepared.add(session);
      }
      const send = runner.query.bind(runner);
      // Every statement of the body passes here: the first starts the transaction.
      guard(runner, async () => {
        if (tx.state === 'committed') throw new Error(COMMITTED);
        if (tx.state === 'idle') {
          tx.state = 'open';
          await send('START TRANSACTION');
        }
      });
      const sendTogether = async (statements: Statement[], commit: boolean): Promise<Row[][]> => {
        if (tx.state === 'committed') throw new Error(COMMITTED);
        if (!opts.compound) {
          const results = await inTurn(runner, statements);
          if (commit) await send('COMMIT');
          return results;
        }
        const sql = [...(tx.state === 'idle' ? ['START TRANSACTION'] : []), ...statements.map((s) => s.sql), ...(commit ? ['COMMIT'] : [])];
        tx.state = 'open';
        return rowsets(
          await send(
            `BEGIN NOT ATOMIC ${sql.join('; ')}; END`,
            statements.flatMap((s) => s.params),
          ),
        );
      };
      // TypeORM's save() starts a transaction of its own when it sees none active.
      (runner as { isTransactionActive: boolean }).isTransactionActive = true;
      const steps: TransactionSteps = {
        // Only the first read is worth a compound statement: the one that carries the start.
        read: async <R extends Row>(sql: string, params: unknown[]) =>
          (tx.state !== 'idle' || !opts.compound ? await runner.query(sql, params) : ((await sendTogether([{ sql, params }], false))[0] ?? [])) as R[],
        together: (statements) => sendTogether(statements, false),
        commitWith: async (statements) => {
          const results = await sendTogether(statements, true);
          tx.state = 'committed';
          return results;
        },
      };
      try {
        const result = await fn(runner.manager, steps);
        if (tx.state === 'open') await send('COMMIT');
        tx.state = 'committed';
        return result;
      } catch (e) {
        if (tx.state === 'open') await send('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      (runner as { isTransactionActive: boolean }).isTransactionActive = false;
      await runner.release();
    }
  };
}

/**
 * SQLite: the steps run their statements in turn, and commitWith commits there, as on MariaDB.
 * Its one query runner serves every request (the callers serialise writes), so it is not wrapped:
 * the steps refuse to follow a commit, plain statements cannot be stopped here.
 */
export async function sqliteTransaction<T>(dataSource: DataSource, fn: TransactionBody<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  let committed = false;
  const steps: TransactionSteps = {
    read: async <R extends Row>(sql: string, params: unknown[]) => {
      if (committed) throw new Error(COMMITTED);
      return (await runner.query(sql, params)) as R[];
    },
    together: async (statements) => {
      if (committed) throw new Error(COMMITTED);
      return inTurn(runner, statements);
    },
    commitWith: async (statements) => {
      if (committed) throw new Error(COMMITTED);
      const results = await inTurn(runner, statements);
      await runner.commitTransaction();
      committed = true;
      return results;
    },
  };
  await runner.startTransaction();
  try {
    const result = await fn(runner.manager, steps);
    if (!committed) await runner.commitTransaction();
    return result;
  } catch (e) {
    if (!committed) await runner.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}

/** Runs `before` ahead of every statement the runner sends for the body. */
function guard(runner: QueryRunner, before: () => Promise<void>) {
  const send = runner.query.bind(runner) as (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;
  runner.query = (async (sql: string, params?: unknown[], structured?: boolean) => {
    await before();
    return send(sql, params, structured);
  }) as QueryRunner['query'];
}

/** The statements one after another; the rows of those that return rows. */
export async function inTurn(runner: QueryRunner, statements: Statement[]): Promise<Row[][]> {
  const results: Row[][] = [];
  for (const s of statements) {
    const raw: unknown = await runner.query(s.sql, s.params);
    if (Array.isArray(raw)) results.push(raw as Row[]);
  }
  return results;
}

/** The result sets of a compound statement (the driver gives them before the final OK packet). */
export function rowsets(raw: unknown): Row[][] {
  return Array.isArray(raw) ? (raw.filter(Array.isArray) as Row[][]) : [];
}
