import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, isMysql, str } from './helpers';

/*
 * Retention (issue 16): rules per kind of content, channel and department; legal holds on a
 * contact or a case; the purge's runs with counts per rule (never content); and the mark an
 * inquiry gets when its content has been removed. The default rules are the README's.
 */
const DEFAULTS: [kind: string, days: number][] = [
  ['inquiry_messages', 730],
  ['attachments', 730],
  ['call_recordings', 90],
  ['alert_subscriptions', 1095],
  ['audit_events', 1825],
  ['delivery_events', 180],
];

export class CreateRetention1732540000002 implements MigrationInterface {
  name = 'CreateRetention1732540000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'retention_rules',
      columns: [
        idColumn(),
        str('kind', 32),
        // '*' for every channel; 0 for every department (a NULL would not take part in the unique key).
        str('channel', 16, false, '*'),
        int('department_id'),
        // 0 generic, 1 one channel, 2 one department, 3 both: the most specific rule for a row wins.
        int('specificity'),
        int('keep_days'),
        int('updated_by', true),
        datetime('updated_at'),
      ],
      indices: [index('ux_retention_scope', ['kind', 'channel', 'department_id'], true)],
    });
    await createTableOnce(q, {
      name: 'legal_holds',
      columns: [
        idColumn(),
        int('contact_id', true),
        int('case_id', true),
        str('reason', 255),
        int('created_by', true),
        datetime('created_at'),
        int('released_by', true),
        datetime('released_at', true),
      ],
      indices: [index('ix_legal_holds_contact', ['contact_id']), index('ix_legal_holds_case', ['case_id'])],
    });
    await createTableOnce(q, {
      name: 'purge_runs',
      columns: [idColumn(), datetime('started_at'), datetime('finished_at', true), str('state', 16), { name: 'counts', type: 'text', isNullable: true }],
      indices: [index('ix_purge_runs_started', ['started_at'])],
    });
    // On SQLite a plain ALTER TABLE: the schema builder would rebuild `inquiries`, and dropping the
    // old table would cascade to every message (see InquiryReferencesAndCaseMentions).
    if (!(await q.hasColumn('inquiries', 'content_purged_at'))) {
      if (isMysql(q)) await q.addColumn('inquiries', new TableColumn({ name: 'content_purged_at', type: 'datetime', precision: 3, isNullable: true }));
      else await q.query('ALTER TABLE "inquiries" ADD COLUMN "content_purged_at" datetime(3)');
    }
    const now = isMysql(q) ? new Date() : new Date().toISOString().replace('T', ' ').replace('Z', '');
    for (const [kind, days] of DEFAULTS) {
      const rows = (await q.query(`SELECT COUNT(*) AS n FROM retention_rules WHERE kind = ? AND channel = '*' AND department_id = 0`, [kind])) as {
        n: unknown;
      }[];
      if (Number(rows[0].n) === 0)
        await q.query(`INSERT INTO retention_rules (kind, channel, department_id, specificity, keep_days, updated_at) VALUES (?, '*', 0, 0, ?, ?)`, [
          kind,
          days,
          now,
        ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn('inquiries', 'content_purged_at')) {
      if (isMysql(q)) await q.dropColumn('inquiries', 'content_purged_at');
      else await q.query('ALTER TABLE "inquiries" DROP COLUMN "content_purged_at"');
    }
    await dropTableIfExists(q, 'purge_runs');
    await dropTableIfExists(q, 'legal_holds');
    await dropTableIfExists(q, 'retention_rules');
  }
}
