import { openDatabase } from '../../server/core/db/database';
import { migrations } from '../../migrations';
import { engines } from '../support/engines';
import { schema } from '../../ormconfig';

describe.each(engines())('migrations on $name', (engine) => {
  it('run up, down to nothing and up again, and a re-run is a no-op', async () => {
    const database = await engine.create();
    const db = await openDatabase(database.url, schema);
    try {
      const tables = async () =>
        (await db.dataSource.createQueryRunner().getTables(['contacts', 'inquiries', 'messages', 'audit_events'])).map((t) => t.name.split('.').pop());
      expect(await tables()).toEqual(expect.arrayContaining(['contacts', 'inquiries', 'messages', 'audit_events']));
      expect(await db.dataSource.runMigrations()).toHaveLength(0);
      for (let i = 0; i < migrations.length; i++) await db.dataSource.undoLastMigration();
      const runner = db.dataSource.createQueryRunner();
      expect(await runner.hasTable('contacts')).toBe(false);
      expect(await runner.hasTable('departments')).toBe(false);
      await runner.release();
      expect(await db.dataSource.runMigrations()).toHaveLength(migrations.length);
      expect(await tables()).toHaveLength(4);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 120_000);

  it('adds the inquiry reference and case-mention columns to a register with data, keeping every message and marking links that were never verified', async () => {
    const database = await engine.create();
    const db = await openDatabase(database.url, schema);
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    try {
      // Back to the schema before the migrations of issue 12 (and any after them), with a register in it.
      const applied = async () => ((await q('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name);
      while ((await applied()).includes('InquiryReferencesAndCaseMentions1732430000001')) await db.dataSource.undoLastMigration();
      const now = db.param(new Date());
      await q("INSERT INTO departments (code, name, created_at) VALUES ('d', 'D', ?)", [now]);
      const [{ id: dep }] = await q("SELECT id FROM departments WHERE code = 'd'");
      for (const name of ['party', 'stranger'])
        await q("INSERT INTO contacts (name, kind, created_at, updated_at) VALUES (?, 'person', ?, ?)", [name, now, now]);
      const [{ id: party }] = await q("SELECT id FROM contacts WHERE name = 'party'");
      const [{ id: stranger }] = await q("SELECT id FROM contacts WHERE name = 'stranger'");
      await q("INSERT INTO cases (case_number, title, status, is_open, department_id, created_at, updated_at) VALUES ('2026/1', 'T', 'S', 1, ?, ?, ?)", [
        dep,
        now,
        now,
      ]);
      const [{ id: kase }] = await q("SELECT id FROM cases WHERE case_number = '2026/1'");
      await q('INSERT INTO case_contacts (case_id, contact_id) VALUES (?, ?)', [kase, party]);
      for (const contact of [party, stranger])
        await q(
          "INSERT INTO inquiries (channel, direction, state, department_id, contact_id, case_id, summary, created_at, last_activity_at) VALUES ('sms', 'in', 'open', ?, ?, ?, 'x', ?, ?)",
          [dep, contact, kase, now, now],
        );
      const inquiries: { id: unknown; contact_id: unknown }[] = await q('SELECT id, contact_id FROM inquiries ORDER BY id');
      for (const i of inquiries)
        await q("INSERT INTO messages (inquiry_id, channel, direction, kind, body, created_at, updated_at) VALUES (?, 'sms', 'in', 'message', 'Hei', ?, ?)", [
          i.id,
          now,
          now,
        ]);

      expect((await db.dataSource.runMigrations()).map((x) => x.name)).toEqual(
        expect.arrayContaining(['InquiryReferencesAndCaseMentions1732430000001', 'BinaryAddressCollation1732430000002']),
      );
      expect(Number((await q('SELECT COUNT(*) AS n FROM messages'))[0].n)).toBe(2);
      const rows: { contact: unknown; mentioned: unknown; refers: unknown }[] = await q(
        'SELECT contact_id AS contact, case_mentioned AS mentioned, refers_to_inquiry_id AS refers FROM inquiries ORDER BY id',
      );
      expect(rows.map((r) => [Number(r.contact), Number(r.mentioned), r.refers])).toEqual([
        [Number(party), 0, null],
        [Number(stranger), 1, null],
      ]);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 120_000);

  it('lower-cases stored log-in addresses and makes them compare byte for byte', async () => {
    const database = await engine.create();
    const db = await openDatabase(database.url, schema);
    const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
    try {
      const applied = async () => ((await q('SELECT name FROM migrations')) as { name: string }[]).map((r) => r.name);
      while ((await applied()).includes('BinaryUserEmails1732450000001')) await db.dataSource.undoLastMigration();
      const now = db.param(new Date());
      for (const email of ['Admin@Kommune.NO', 'post@kommune.no'])
        await q("INSERT INTO users (email, name, password_hash, role, created_at) VALUES (?, 'N', 'x', 'admin', ?)", [email, now]);
      await db.dataSource.runMigrations();
      expect((await q('SELECT email FROM users ORDER BY email')).map((r: { email: string }) => r.email)).toEqual(['admin@kommune.no', 'post@kommune.no']);
      expect(await q('SELECT id FROM users WHERE email = ?', ['admin@kommunë.no'])).toHaveLength(0);
      expect(await q('SELECT id FROM users WHERE email = ?', ['ADMIN@kommune.no'])).toHaveLength(0);
      expect(await q('SELECT id FROM users WHERE email = ?', ['admin@kommune.no'])).toHaveLength(1);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 120_000);
});
