import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/** Numbers that have sent STOP to one of our sender numbers: nothing goes from that sender to them. */
export class CreateSmsStopList1732000000006 implements MigrationInterface {
  name = 'CreateSmsStopList1732000000006';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_stop_list',
      columns: [idColumn(), str('sender', 32), str('phone', 32), datetime('created_at'), int('message_id', true)],
      // One row per sender and number, so a repeated STOP is a no-op and the check before a send is one key lookup.
      indices: [index('uq_sms_stop_list', ['sender', 'phone'], true)],
      foreignKeys: [fk('message_id', 'messages', 'SET NULL')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'sms_stop_list');
  }
}
