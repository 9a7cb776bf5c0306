import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, isMysql } from './helpers';

/*
 * The audit trail cannot be altered through the application: the database itself refuses every
 * UPDATE of audit_events, and every DELETE except of rows older than a purge permit. Only the
 * retention purge writes a permit (inside the transaction that deletes the rows past their time and
 * removes the permit again), so a bug or an injected statement elsewhere cannot erase who read what.
 */
const MESSAGE = 'audit_events is append-only';

export class ProtectAuditTrail1732540000001 implements MigrationInterface {
  name = 'ProtectAuditTrail1732540000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, { name: 'audit_purge_permits', columns: [idColumn(), datetime('purge_before')] });
    // The audit viewer and the purge read the trail by period.
    const audit = await q.getTable('audit_events');
    if (!audit?.indices.some((i) => i.name === 'ix_audit_at'))
      await q.createIndex('audit_events', new TableIndex({ name: 'ix_audit_at', columnNames: ['at', 'id'] }));
    if (isMysql(q)) {
      await q.query(
        `CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${MESSAGE}'`,
      );
      await q.query(
        `CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW
         BEGIN
           IF NOT EXISTS (SELECT 1 FROM audit_purge_permits p WHERE OLD.at < p.purge_before) THEN
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '${MESSAGE}';
           END IF;
         END`,
      );
    } else {
      await q.query(`CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`);
      await q.query(
        `CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
         WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permits p WHERE OLD.at < p.purge_before)
         BEGIN SELECT RAISE(ABORT, '${MESSAGE}'); END`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS audit_events_no_update');
    await q.query('DROP TRIGGER IF EXISTS audit_events_no_delete');
    await dropTableIfExists(q, 'audit_purge_permits');
    const audit = await q.getTable('audit_events');
    if (audit?.indices.some((i) => i.name === 'ix_audit_at')) await q.dropIndex('audit_events', 'ix_audit_at');
  }
}
