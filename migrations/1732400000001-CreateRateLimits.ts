import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, dropTableIfExists, index, int, str } from './helpers';

/**
 * The rate limiters' counters when there is no Redis (server/core/rate-limits.ts): one row per
 * limiter and key, so every process on the database shares one count. `expire` is epoch
 * milliseconds (null: never), compared with the clock in one statement, whatever the engine.
 */
export class CreateRateLimits1732400000001 implements MigrationInterface {
  name = 'CreateRateLimits1732400000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'rate_limits',
      columns: [{ ...str('rl_key', 191), isPrimary: true }, int('points'), { name: 'expire', type: 'bigint', isNullable: true }],
      indices: [index('ix_rate_limits_expire', ['expire'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'rate_limits');
  }
}
