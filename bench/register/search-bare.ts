/*
 * The floor for bench/register/search.ts: express + mysql2 answering GET /api/search?q= with the
 * fewest indexed SELECTs that find the same contacts and their cases — no log-in check, no scope,
 * no audit, no view building. Forked over IPC: sends {url}, takes {databaseUrl}, answers {ready}.
 */
import express from 'express';
import mysql from 'mysql2/promise';
import { fold } from '../../server/core/search-fold';

const app = express();
let pool: mysql.Pool;

app.get('/api/search', async (req, res) => {
  const q = String(req.query.q ?? '').trim();
  const ids: number[] = [];
  let cases: unknown[] = [];
  const digits = q.replace(/[^\d]/g, '');
  if (/^\+?[\d\s().-]{5,30}$/.test(q) && digits.length >= 8) {
    const [rows] = (await pool.query('SELECT contact_id AS id FROM contact_phones WHERE e164 = ?', [`+47${digits.slice(-8)}`])) as unknown as [
      { id: number }[],
    ];
    ids.push(...rows.map((r) => r.id));
  }
  if (/\d/.test(q)) {
    const [rows] = await pool.query('SELECT case_number, title, status, department_id FROM cases WHERE case_number = ?', [q]);
    cases = rows as unknown[];
  }
  const key = fold(q);
  if (/\p{L}/u.test(key)) {
    for (const column of ['name_key', 'name_key_second', 'name_key_last']) {
      const [rows] = (await pool.query(`SELECT id FROM contacts WHERE ${column} LIKE ? ORDER BY ${column}, id LIMIT 20`, [`${key}%`])) as unknown as [
        { id: number }[],
      ];
      ids.push(...rows.map((r) => r.id));
    }
  }
  const unique = [...new Set(ids)].slice(0, 20);
  if (!unique.length) return void res.json({ contacts: [], cases });
  const [contacts] = await pool.query('SELECT id, name FROM contacts WHERE id IN (?)', [unique]);
  const [theirCases] = await pool.query(
    'SELECT cc.contact_id, k.case_number, k.title, k.status FROM case_contacts cc JOIN cases k ON k.id = cc.case_id WHERE cc.contact_id IN (?)',
    [unique],
  );
  res.json({ contacts, cases: [...cases, ...(theirCases as unknown[])] });
});

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send!({ url: `http://127.0.0.1:${port}` });
});
process.on('message', (m: { databaseUrl: string }) => {
  pool = mysql.createPool({ uri: m.databaseUrl, connectionLimit: 4 });
  process.send!({ ready: true });
});
