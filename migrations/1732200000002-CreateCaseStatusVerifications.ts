import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/**
 * The case-status line: one row per one-time code sent (or refused) to a caller, and the case
 * categories whose status may only be heard from a number on file for the case.
 */
export class CreateCaseStatusVerifications1732200000002 implements MigrationInterface {
  name = 'CreateCaseStatusVerifications1732200000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'phone_verifications',
      columns: [
        idColumn(),
        str('call_sid', 64),
        int('case_id', true),
        str('from_e164', 32, true),
        str('sent_to', 32, true),
        // A salted hash: a database reader must not be able to hear someone's case with a stored code.
        str('code_hash', 64, true),
        str('salt', 32),
        int('attempts'),
        str('state', 16),
        datetime('expires_at'),
        datetime('created_at'),
      ],
      indices: [
        index('ix_phone_verifications_call', ['call_sid', 'id']),
        index('ix_phone_verifications_from', ['from_e164', 'created_at']),
        index('ix_phone_verifications_case', ['case_id', 'created_at']),
      ],
    });
    await createTableOnce(q, {
      name: 'voice_case_categories',
      columns: [idColumn(), str('category', 64), bool('caller_id_only', false)],
      indices: [index('uq_voice_case_categories', ['category'], true)],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'voice_case_categories');
    await dropTableIfExists(q, 'phone_verifications');
  }
}
