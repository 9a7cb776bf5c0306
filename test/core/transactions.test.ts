import { DepartmentEntity, type Department } from '../../server/register/departments.entities';
import { isUniqueViolation } from '../../server/core/db/database';
import { insertStatements } from '../../server/core/db/entity-sql';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * The transaction runner on both engines: a first read that carries the start, writes that
 * travel with the commit (one compound statement on MariaDB), and the rules that keep that
 * atomic — a failing statement commits nothing, a body that throws commits nothing, TypeORM's
 * own saves stay inside, and nothing runs after the commit.
 */

describe.each(engines())('transactions on $name', (engine) => {
  let s: TestServer;
  let n = 0;
  const department = (code: string): Omit<Department, 'id'> => ({
    code,
    name: `Avdeling ${code}`,
    menuDigit: null,
    email: null,
    openingHours: { timezone: 'Europe/Oslo', weekly: {}, holidays: [] },
    createdAt: new Date(),
  });
  const codes = async (prefix: string) => {
    const rows: { code: string }[] = await s.app.db.dataSource.query('SELECT code FROM departments WHERE code LIKE ? ORDER BY code', [`${prefix}%`]);
    return rows.map((r) => r.code);
  };

  beforeAll(async () => {
    s = await startServer(engine);
  });
  afterAll(() => s.close());

  it('reads first, then commits the writes it sends with the commit, and gives back their ids', async () => {
    const p = `t${++n}-`;
    const ids = await s.app.db.transaction(async (m, steps) => {
      const none = await steps.read('SELECT id FROM departments WHERE code = ?', [`${p}a`]);
      expect(none).toEqual([]);
      const results = await steps.commitWith([
        ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}a`)),
        ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}b`)),
      ]);
      return results.map((rows) => Number(rows[0].id));
    });
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBeGreaterThan(ids[0]);
    const stored = await s.app.db.dataSource.query('SELECT id, code, opening_hours AS oh FROM departments WHERE id IN (?, ?) ORDER BY id', ids);
    expect(stored.map((r: { code: string }) => r.code)).toEqual([`${p}a`, `${p}b`]);
    expect(JSON.parse(stored[0].oh)).toEqual({ timezone: 'Europe/Oslo', weekly: {}, holidays: [] });
  });

  it('commits nothing when a statement sent with the commit fails, and says which failure it was', async () => {
    const p = `t${++n}-`;
    await s.app.db.transaction((m, steps) => steps.commitWith(insertStatements(s.app.db, m, DepartmentEntity, department(`${p}taken`))));
    const attempt = s.app.db.transaction(async (m, steps) => {
      await steps.read('SELECT id FROM departments WHERE code = ?', [`${p}taken`]);
      await m.query('INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)', [`${p}before`, 'x', s.app.db.param(new Date())]);
      // The second insert breaks the unique code: the first, and the one before, must go too.
      return steps.commitWith([
        ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}fresh`)),
        ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}taken`)),
      ]);
    });
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(await codes(p)).toEqual([`${p}taken`]);
  });

  it('commits nothing when the body throws after its writes, TypeORM saves included', async () => {
    const p = `t${++n}-`;
    await expect(
      s.app.db.transaction(async (m) => {
        await m.getRepository(DepartmentEntity).save(department(`${p}saved`));
        await m.query('INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)', [`${p}raw`, 'x', s.app.db.param(new Date())]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await codes(p)).toEqual([]);
    // Without steps the body is an ordinary transaction that commits at the end.
    await s.app.db.transaction(async (m) => {
      await m.getRepository(DepartmentEntity).save(department(`${p}kept`));
    });
    expect(await codes(p)).toEqual([`${p}kept`]);
  });

  it('sends statements together mid-transaction, and a savepoint undoes a batch that failed part-way', async () => {
    const p = `t${++n}-`;
    await s.app.db.transaction((m, steps) => steps.commitWith(insertStatements(s.app.db, m, DepartmentEntity, department(`${p}taken`))));
    const kept = await s.app.db.transaction(async (m, steps) => {
      const [[first]] = await steps.together([
        { sql: 'SAVEPOINT probe', params: [] },
        ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}one`)),
      ]);
      const failed = await steps
        .together([
          { sql: 'SAVEPOINT batch', params: [] },
          ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}two`)),
          ...insertStatements(s.app.db, m, DepartmentEntity, department(`${p}taken`)),
        ])
        .catch((e: unknown) => e);
      expect(isUniqueViolation(failed)).toBe(true);
      await m.query('ROLLBACK TO SAVEPOINT batch');
      await steps.commitWith([]);
      return Number(first.id);
    });
    expect(await codes(p)).toEqual([`${p}one`, `${p}taken`]);
    const [row] = await s.app.db.dataSource.query('SELECT code FROM departments WHERE id = ?', [kept]);
    expect(row.code).toBe(`${p}one`);
  });

  it('refuses anything after the commit, so no statement can run outside the transaction', async () => {
    const p = `t${++n}-`;
    await expect(
      s.app.db.transaction(async (m, steps) => {
        await steps.commitWith(insertStatements(s.app.db, m, DepartmentEntity, department(`${p}a`)));
        await steps.read('SELECT 1 AS one', []);
      }),
    ).rejects.toThrow(/nothing may follow commitWith/);
    if (engine.name === 'mariadb') {
      // MariaDB's runner also refuses plain statements, which would otherwise autocommit on their own.
      await expect(
        s.app.db.transaction(async (m, steps) => {
          await steps.commitWith(insertStatements(s.app.db, m, DepartmentEntity, department(`${p}b`)));
          await m.query('INSERT INTO departments (code, name, created_at) VALUES (?, ?, ?)', [`${p}c`, 'x', s.app.db.param(new Date())]);
        }),
      ).rejects.toThrow(/nothing may follow commitWith/);
    }
    expect(await codes(p)).toEqual(engine.name === 'mariadb' ? [`${p}a`, `${p}b`] : [`${p}a`]);
  });

  it('holds a lock taken by the first read until the commit', async () => {
    const p = `t${++n}-`;
    const [{ id }] = await s.app.db
      .transaction(async (m, steps) => steps.commitWith(insertStatements(s.app.db, m, DepartmentEntity, department(`${p}row`))))
      .then((r) => r[0]);
    const waited: Record<string, number> = {};
    const lockSql = `SELECT id FROM departments WHERE id = ?${engine.name === 'mariadb' ? ' FOR UPDATE' : ''}`;
    const writer = (name: string, hold: number) => {
      const started = Date.now();
      return s.app.db.transaction(async (m, steps) => {
        await steps.read(lockSql, [id]);
        waited[name] = Date.now() - started;
        await new Promise((r) => setTimeout(r, hold));
        const [row] = await m.query('SELECT name FROM departments WHERE id = ?', [id]);
        await steps.commitWith([{ sql: 'UPDATE departments SET name = ? WHERE id = ?', params: [`${row.name}+${name}`, id] }]);
      });
    };
    await Promise.all([writer('a', 200), new Promise((r) => setTimeout(r, 30)).then(() => writer('b', 0))]);
    // b waited for a's commit (a held the row ~200 ms from about when b started) and read what a wrote.
    expect(waited.a).toBeLessThan(100);
    expect(waited.b).toBeGreaterThanOrEqual(120);
    const [row] = await s.app.db.dataSource.query('SELECT name FROM departments WHERE id = ?', [id]);
    expect(row.name).toBe(`Avdeling ${p}row+a+b`);
  });
});
