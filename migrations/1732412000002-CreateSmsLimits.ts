import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/**
 * Against SMS pumping: the countries automatic and staff sends may go to (Norway is always
 * allowed and not stored), and a counter per day and cap, one row each, raised by one conditional
 * UPDATE so two servers cannot both take the last unit.
 */
export class CreateSmsLimits1732412000002 implements MigrationInterface {
  name = 'CreateSmsLimits1732412000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_country_allowlist',
      columns: [idColumn(), str('country', 2), int('created_by', true), datetime('created_at')],
      indices: [index('uq_sms_country_allowlist_country', ['country'], true)],
    });
    await createTableOnce(q, {
      name: 'sms_daily_counts',
      columns: [idColumn(), str('day', 10), str('bucket', 64), int('used')],
      indices: [index('uq_sms_daily_counts_day_bucket', ['day', 'bucket'], true)],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sms_daily_counts', 'sms_country_allowlist']) await dropTableIfExists(q, t);
  }
}
