import type { MigrationInterface, QueryRunner } from 'typeorm';
import { index } from './helpers';

/**
 * The case-status line's limits moved to the shared rate-limit store (per number, per keyed case,
 * anonymous callers, the whole line), so phone_verifications is only ever read by call (call_sid,
 * newest id first: ix_phone_verifications_call) and by its primary key. The indexes that served
 * counting by number, case, keyed case and time cost every insert and serve no query.
 */
const UNUSED = [
  index('ix_phone_verifications_from', ['from_e164', 'created_at']),
  index('ix_phone_verifications_case', ['case_id', 'created_at']),
  index('ix_phone_verifications_key', ['case_key', 'created_at']),
  index('ix_phone_verifications_created', ['created_at']),
];

export class DropUnusedVerificationIndexes1732450000003 implements MigrationInterface {
  name = 'DropUnusedVerificationIndexes1732450000003';

  async up(q: QueryRunner): Promise<void> {
    const table = await q.getTable('phone_verifications');
    for (const ix of UNUSED) if (table?.indices.some((i) => i.name === ix.name)) await q.dropIndex('phone_verifications', ix.name!);
  }

  async down(q: QueryRunner): Promise<void> {
    const table = await q.getTable('phone_verifications');
    for (const ix of UNUSED) if (table && !table.indices.some((i) => i.name === ix.name)) await q.createIndex('phone_verifications', ix);
  }
}
