import type { TestServer } from '../support/server';

/*
 * Residents for audience tests, written straight into the alerts tables (the subscription pages
 * are another room's; these tests are about who a send reaches and how it goes out).
 */

type Db = TestServer['app']['db'];

async function insertId(db: Db, sql: string, params: unknown[]): Promise<number> {
  await db.dataSource.query(sql, params);
  const [row] = (await db.dataSource.query(db.dialect === 'sqlite' ? 'SELECT last_insert_rowid() AS id' : 'SELECT LAST_INSERT_ID() AS id')) as { id: number }[];
  return Number(row.id);
}

export async function locality(db: Db, name: string): Promise<number> {
  return db.transaction(async () =>
    insertId(db, "INSERT INTO address_localities (code, name, name_key, area, source, updated_at) VALUES (?, ?, ?, NULL, 'teryt', ?)", [
      name,
      name,
      name.toLowerCase(),
      db.param(new Date()),
    ]),
  );
}

export async function street(db: Db, localityId: number, name: string): Promise<number> {
  return db.transaction(async () =>
    insertId(db, 'INSERT INTO address_streets (locality_id, code, name, name_key, updated_at) VALUES (?, ?, ?, ?, ?)', [
      localityId,
      name,
      name,
      name.toLowerCase(),
      db.param(new Date()),
    ]),
  );
}

export async function category(db: Db, code: string): Promise<void> {
  await db.transaction(async () =>
    db.dataSource.query('INSERT INTO alert_categories (code, name, updated_at) VALUES (?, ?, ?)', [code, code, db.param(new Date())]),
  );
}

export async function subscriber(
  db: Db,
  s: { phone: string; locality: number; streets?: number[]; categories?: string[]; state?: 'active' | 'left' },
): Promise<number> {
  const now = db.param(new Date());
  return db.transaction(async () => {
    const id = await insertId(
      db,
      "INSERT INTO alert_subscribers (phone, locality_id, whole_locality, language, state, created_at, updated_at, left_at) VALUES (?, ?, ?, 'pl', ?, ?, ?, NULL)",
      [s.phone, s.locality, s.streets?.length ? 0 : 1, s.state ?? 'active', now, now],
    );
    for (const st of s.streets ?? []) await db.dataSource.query('INSERT INTO alert_subscriber_streets (subscriber_id, street_id) VALUES (?, ?)', [id, st]);
    for (const c of s.categories ?? [])
      await db.dataSource.query('INSERT INTO alert_subscriber_categories (subscriber_id, category_code) VALUES (?, ?)', [id, c]);
    return id;
  });
}

/** Many subscribers of one locality, spread over its streets, in multi-row statements. */
export async function manySubscribers(db: Db, localityId: number, streetIds: number[], n: number, prefix: string): Promise<string[]> {
  const now = db.param(new Date());
  const phones = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
  await db.transaction(async () => {
    for (let i = 0; i < n; i += 500) {
      const part = phones.slice(i, i + 500);
      await db.dataSource.query(
        `INSERT INTO alert_subscribers (phone, locality_id, whole_locality, language, state, created_at, updated_at) VALUES ${part.map(() => "(?, ?, 0, 'pl', 'active', ?, ?)").join(', ')}`,
        part.flatMap((p) => [p, localityId, now, now]),
      );
    }
    const rows = (await db.dataSource.query('SELECT id, phone FROM alert_subscribers WHERE locality_id = ? ORDER BY id', [localityId])) as {
      id: number;
      phone: string;
    }[];
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      await db.dataSource.query(
        `INSERT INTO alert_subscriber_streets (subscriber_id, street_id) VALUES ${part.map(() => '(?, ?)').join(', ')}`,
        part.flatMap((r, j) => [r.id, streetIds[(i + j) % streetIds.length]]),
      );
    }
  });
  return phones;
}
