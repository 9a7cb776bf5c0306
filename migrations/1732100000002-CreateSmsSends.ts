import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/** Officers' sends (scheduled, held, paused) and each outbound SMS's send, country and operator. */
export class CreateSmsSends1732100000002 implements MigrationInterface {
  name = 'CreateSmsSends1732100000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_sends',
      columns: [
        idColumn(),
        int('department_id'),
        str('sender', 32),
        longText(q, 'body'),
        datetime('send_at', true),
        str('state', 24),
        longText(q, 'hold_reason', true),
        str('paused_by', 16, true),
        int('recipients'),
        int('created_by', true),
        int('approved_by', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [
        index('ix_sms_sends_state', ['state', 'send_at']),
        index('ix_sms_sends_department', ['department_id', 'id']),
        index('ix_sms_sends_sender', ['sender', 'state']),
      ],
      foreignKeys: [fk('department_id', 'departments'), fk('created_by', 'users', 'SET NULL'), fk('approved_by', 'users', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'sms_outbound',
      columns: [idColumn(), int('message_id'), int('send_id', true), str('country', 2, true), str('operator', 64, true)],
      indices: [
        index('uq_sms_outbound_message', ['message_id'], true),
        index('ix_sms_outbound_send', ['send_id', 'message_id']),
        index('ix_sms_outbound_country', ['country']),
        index('ix_sms_outbound_operator', ['operator']),
      ],
      foreignKeys: [fk('message_id', 'messages', 'CASCADE'), fk('send_id', 'sms_sends', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sms_outbound', 'sms_sends']) await dropTableIfExists(q, t);
  }
}
