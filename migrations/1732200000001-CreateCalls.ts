import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * One row per phone call, written at the first webhook. Its state column is what makes an
 * agent's accept atomic across server processes: only the UPDATE that finds the call still
 * 'queued' takes it.
 */
export class CreateCalls1732200000001 implements MigrationInterface {
  name = 'CreateCalls1732200000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'calls',
      columns: [
        idColumn(),
        str('call_sid', 64),
        str('from_e164', 32, true),
        str('to_number', 32, true),
        str('state', 16),
        str('lang', 8),
        int('department_id', true),
        int('inquiry_id', true),
        int('message_id', true),
        int('agent_id', true),
        int('transfer_from_id', true),
        str('transfer_note', 500, true),
        str('outcome', 16, true),
        int('duration', true),
        datetime('queued_at', true),
        datetime('notified_at', true),
        datetime('answered_at', true),
        datetime('ended_at', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [
        index('uq_calls_sid', ['call_sid'], true),
        index('ix_calls_state_department', ['state', 'department_id']),
        index('ix_calls_inquiry', ['inquiry_id']),
      ],
      foreignKeys: [
        fk('department_id', 'departments', 'SET NULL'),
        fk('inquiry_id', 'inquiries', 'SET NULL'),
        fk('agent_id', 'users', 'SET NULL'),
        fk('transfer_from_id', 'users', 'SET NULL'),
      ],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'calls');
  }
}
