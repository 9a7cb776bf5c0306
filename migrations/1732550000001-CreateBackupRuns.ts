import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/**
 * Encrypted backups (issue 16): one row per backup or verification run. Unique by kind and slot (the
 * schedule's period), so however many workers wake up, one of them makes a period's backup; /health
 * and the admin's console read the latest rows. Names, counts and reasons only, never content.
 */
export class CreateBackupRuns1732550000001 implements MigrationInterface {
  name = 'CreateBackupRuns1732550000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'backup_runs',
      columns: [
        idColumn(),
        str('kind', 16),
        str('slot', 64),
        str('state', 16),
        str('backup_id', 100, true),
        int('tables_count', true),
        int('rows_count', true),
        { name: 'detail', type: 'varchar', length: '1000', isNullable: true },
        datetime('started_at'),
        datetime('finished_at', true),
      ],
      indices: [index('uq_backup_runs_slot', ['kind', 'slot'], true), index('ix_backup_runs_kind', ['kind', 'started_at'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'backup_runs');
  }
}
