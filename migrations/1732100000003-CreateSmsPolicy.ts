import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/** What admins decide about SMS traffic: allowed link hosts, paused sender numbers, operator prefixes. */
export class CreateSmsPolicy1732100000003 implements MigrationInterface {
  name = 'CreateSmsPolicy1732100000003';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_url_allowlist',
      columns: [idColumn(), str('host', 191), int('created_by', true), datetime('created_at')],
      indices: [index('uq_sms_url_allowlist_host', ['host'], true)],
    });
    await createTableOnce(q, {
      name: 'sms_sender_holds',
      columns: [idColumn(), str('sender', 32), str('reason', 500, true), int('created_by', true), datetime('created_at')],
      indices: [index('uq_sms_sender_holds_sender', ['sender'], true)],
    });
    await createTableOnce(q, {
      name: 'sms_operator_prefixes',
      columns: [idColumn(), str('prefix', 20), str('operator', 64)],
      indices: [index('uq_sms_operator_prefixes_prefix', ['prefix'], true)],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sms_operator_prefixes', 'sms_sender_holds', 'sms_url_allowlist']) await dropTableIfExists(q, t);
  }
}
