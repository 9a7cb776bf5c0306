import { openDatabase } from '../../server/core/db/database';
import { AuditRepository } from '../../server/core/audit.repository';
import { schema } from '../../ormconfig';
import { engines } from '../support/engines';

/* The database itself keeps the audit trail append-only: the application has no way to alter it. */
describe.each(engines())('the audit trail cannot be altered, on $name', (engine) => {
  let database: Awaited<ReturnType<typeof engine.create>>;
  let db: Awaited<ReturnType<typeof openDatabase>>;
  let audit: AuditRepository;
  const old = new Date('2020-01-01T00:00:00Z');
  const recent = new Date();

  beforeAll(async () => {
    database = await engine.create();
    db = await openDatabase(database.url, schema);
    let now = old;
    audit = new AuditRepository({ db, clock: () => now });
    await audit.record([{ userId: 1, action: 'read', entityType: 'inquiry', entityId: 1, route: 'GET /api/inquiries/:id', ip: '127.0.0.1' }]);
    now = recent;
    await audit.record([{ userId: 1, action: 'read', entityType: 'inquiry', entityId: 2, route: 'GET /api/inquiries/:id', ip: '127.0.0.1' }]);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const rows = async () => (await db.dataSource.query('SELECT entity_id FROM audit_events ORDER BY id')).map((r: { entity_id: string }) => r.entity_id);

  it('refuses an UPDATE of any event', async () => {
    await expect(db.dataSource.query("UPDATE audit_events SET user_id = 99 WHERE entity_id = '1'")).rejects.toThrow(/append-only/);
    await expect(db.transaction((m) => m.query("UPDATE audit_events SET route = 'x'"))).rejects.toThrow(/append-only/);
    expect((await db.dataSource.query('SELECT DISTINCT user_id FROM audit_events')).map((r: { user_id: unknown }) => Number(r.user_id))).toEqual([1]);
  });

  it('refuses a DELETE, even of an old event, without the purge’s permit', async () => {
    await expect(db.dataSource.query("DELETE FROM audit_events WHERE entity_id = '2'")).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query("DELETE FROM audit_events WHERE entity_id = '1'")).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(['1', '2']);
  });

  it('lets the retention purge delete only events older than its permit, and leaves no permit behind', async () => {
    expect(await audit.purgeOlderThan(new Date('2021-01-01T00:00:00Z'), 100)).toBe(1);
    expect(await rows()).toEqual(['2']);
    expect(await db.dataSource.query('SELECT * FROM audit_purge_permits')).toEqual([]);
    await expect(db.dataSource.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    expect(await rows()).toEqual(['2']);
  });
});
