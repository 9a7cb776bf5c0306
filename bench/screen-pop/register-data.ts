/*
 * The screen-pop bench on bench/register's full-size register (database st_bench): callers are
 * drawn from its contacts, and everything the run writes is removed afterwards, because
 * bench/register refills the whole register when its row counts are off. Bare mysql2, like
 * bench/register, so the product's repositories stay the only TypeORM users.
 */
import mysql from 'mysql2/promise';

/** Below this many numbers the database is not a register to draw from: the bench makes its own callers. */
const REGISTER_MIN = 100_000;

async function withConnection<T>(databaseUrl: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  if (url.hostname !== '127.0.0.1') throw new Error(`the bench only talks to 127.0.0.1, not ${url.hostname}`);
  const c = await mysql.createConnection({ uri: url.toString() });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const num = (rows: unknown, col: string) => Number((rows as Record<string, unknown>[])[0]?.[col] ?? 0);

/** `n` numbers of existing contacts, scattered over the register; [] when there is no register. */
export function sampleNumbers(databaseUrl: string, n: number): Promise<string[]> {
  return withConnection(databaseUrl, async (c) => {
    const [max] = await c.query('SELECT COALESCE(MAX(id), 0) AS m FROM contact_phones');
    const top = num(max, 'm');
    if (top < REGISTER_MIN) return [];
    const ids = new Set<number>();
    // Deterministic spread (a fixed odd stride), so runs compare like with like.
    for (let i = 0; ids.size < n && i < n * 4; i++) ids.add(1 + ((i * 7_919_993) % top));
    const [rows] = await c.query('SELECT e164 FROM contact_phones WHERE id IN (?) ORDER BY id', [[...ids]]);
    return (rows as { e164: string }[]).map((r) => r.e164).slice(0, n);
  });
}

export interface BenchMark {
  calls: number;
  messages: number;
  inquiries: number;
  users: number;
  departments: number;
  contacts: number;
}

/** The highest ids before the run: rows above them are the run's own. */
export function markBenchRows(databaseUrl: string): Promise<BenchMark> {
  return withConnection(databaseUrl, async (c) => {
    const mark: Record<string, number> = {};
    for (const t of ['calls', 'messages', 'inquiries', 'users', 'departments', 'contacts']) {
      const [r] = await c.query(`SELECT COALESCE(MAX(id), 0) AS m FROM \`${t}\``);
      mark[t] = num(r, 'm');
    }
    return mark as unknown as BenchMark;
  });
}

/** Deletes what the run wrote, children first. */
export function forgetBenchRows(databaseUrl: string, mark: BenchMark): Promise<void> {
  return withConnection(databaseUrl, async (c) => {
    await c.query('DELETE FROM calls WHERE id > ?', [mark.calls]);
    await c.query('DELETE FROM message_events WHERE message_id > ?', [mark.messages]);
    await c.query('DELETE FROM messages WHERE id > ? OR inquiry_id > ?', [mark.messages, mark.inquiries]);
    await c.query('DELETE FROM inquiries WHERE id > ?', [mark.inquiries]);
    await c.query('DELETE FROM audit_events WHERE user_id > ?', [mark.users]);
    await c.query('DELETE FROM auth_tokens WHERE user_id > ?', [mark.users]);
    await c.query('DELETE FROM user_departments WHERE user_id > ? OR department_id > ?', [mark.users, mark.departments]);
    await c.query('DELETE FROM users WHERE id > ?', [mark.users]);
    await c.query('DELETE FROM departments WHERE id > ?', [mark.departments]);
    await c.query('DELETE FROM contact_phones WHERE contact_id > ?', [mark.contacts]);
    await c.query('DELETE FROM contacts WHERE id > ?', [mark.contacts]);
  });
}
