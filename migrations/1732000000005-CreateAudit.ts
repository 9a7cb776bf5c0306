import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/** Append-only record of who read or changed which contact, case or inquiry, when and by which route. */
export class CreateAudit1732000000005 implements MigrationInterface {
  name = 'CreateAudit1732000000005';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'audit_events',
      columns: [
        idColumn(),
        datetime('at'),
        int('user_id', true),
        str('action', 32),
        str('entity_type', 32),
        str('entity_id', 64),
        str('route', 191),
        str('ip', 64, true),
      ],
      // No foreign key to users: the record must outlive the account it names.
      indices: [index('ix_audit_entity', ['entity_type', 'entity_id', 'id']), index('ix_audit_user', ['user_id', 'id'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'audit_events');
  }
}
