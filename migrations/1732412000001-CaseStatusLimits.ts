import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { index } from './helpers';

/**
 * The case-status line's limits count by what the caller keyed (the digits of the case number),
 * not by the case found, so being limited says nothing about whether a case exists; and a limit
 * over the whole line needs the creation time indexed on its own.
 */
export class CaseStatusLimits1732412000001 implements MigrationInterface {
  name = 'CaseStatusLimits1732412000001';

  async up(q: QueryRunner): Promise<void> {
    if (!(await q.hasColumn('phone_verifications', 'case_key')))
      await q.addColumn('phone_verifications', new TableColumn({ name: 'case_key', type: 'varchar', length: '20', isNullable: true }));
    const table = await q.getTable('phone_verifications');
    if (!table?.indices.some((i) => i.name === 'ix_phone_verifications_key'))
      await q.createIndex('phone_verifications', index('ix_phone_verifications_key', ['case_key', 'created_at']));
    if (!table?.indices.some((i) => i.name === 'ix_phone_verifications_created'))
      await q.createIndex('phone_verifications', index('ix_phone_verifications_created', ['created_at']));
  }

  async down(q: QueryRunner): Promise<void> {
    const table = await q.getTable('phone_verifications');
    if (table?.indices.some((i) => i.name === 'ix_phone_verifications_created')) await q.dropIndex('phone_verifications', 'ix_phone_verifications_created');
    if (table?.indices.some((i) => i.name === 'ix_phone_verifications_key')) await q.dropIndex('phone_verifications', 'ix_phone_verifications_key');
    if (await q.hasColumn('phone_verifications', 'case_key')) await q.dropColumn('phone_verifications', 'case_key');
  }
}
