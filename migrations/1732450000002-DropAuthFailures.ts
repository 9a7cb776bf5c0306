import type { MigrationInterface, QueryRunner } from 'typeorm';
import { collateColumns, createTableOnce, datetime, dropTableIfExists, idColumn, index, str } from './helpers';

/**
 * Failed log-ins are counted in the shared rate-limit store (rate_limits, or Redis) since issue
 * 12; auth_failures has been neither written nor read since. Dropped so that nobody reads an
 * empty table as "no failed log-ins". down() makes it again as it was (binary key, as 1732430000002 left it).
 */
export class DropAuthFailures1732450000002 implements MigrationInterface {
  name = 'DropAuthFailures1732450000002';

  async up(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'auth_failures');
  }

  async down(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'auth_failures',
      columns: [idColumn(), str('failure_key', 191), datetime('at')],
      indices: [index('ix_auth_failures_key_at', ['failure_key', 'at'])],
    });
    await collateColumns(q, { auth_failures: ['failure_key'] }, 'utf8mb4_bin');
  }
}
