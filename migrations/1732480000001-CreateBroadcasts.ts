import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * Audience sends (issue 14). `sms_broadcasts`: what a send to an audience adds to its `sms_sends`
 * row (the audience asked for, emergency, the one register inquiry it is filed under, how many
 * messages were handed to the provider). A table of its own rather than columns on `sms_sends`:
 * on SQLite adding a column rebuilds the table, and dropping the old `sms_sends` would cascade to
 * every `sms_outbound` row. `sms_sender_rates`: messages per second an admin allows a sender number.
 * `sms_outbound.claim`: the batch token a dispatcher wrote when it took the message, so two
 * dispatchers never hand over the same message (sms_outbound is referenced by nothing, so its
 * rebuild on SQLite cascades nowhere). `ix_messages_inquiry_status`: a send's progress by status is
 * one index-only grouped count over its inquiry's messages, cheap to poll at 100,000 recipients.
 */
export class CreateBroadcasts1732480000001 implements MigrationInterface {
  name = 'CreateBroadcasts1732480000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_broadcasts',
      columns: [
        idColumn(),
        int('send_id'),
        int('inquiry_id'),
        int('document_id'),
        { name: 'audience', type: 'text', isNullable: false },
        bool('emergency', false),
        { name: 'dispatched', type: 'integer', isNullable: false, default: 0 },
        datetime('created_at'),
      ],
      indices: [index('uq_sms_broadcasts_send', ['send_id'], true)],
      foreignKeys: [fk('send_id', 'sms_sends', 'CASCADE'), fk('inquiry_id', 'inquiries', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'sms_sender_rates',
      columns: [idColumn(), str('sender', 32), int('per_second'), int('updated_by', true), datetime('updated_at')],
      indices: [index('uq_sms_sender_rates_sender', ['sender'], true)],
    });
    if (!(await q.hasColumn('sms_outbound', 'claim'))) {
      await q.addColumns('sms_outbound', [new TableColumn(str('claim', 36, true)), new TableColumn(datetime('claimed_at', true))]);
      await q.createIndex('sms_outbound', new TableIndex({ name: 'ix_sms_outbound_claim', columnNames: ['send_id', 'claim', 'message_id'] }));
    }
    const messages = await q.getTable('messages');
    if (!messages?.indices.some((i) => i.name === 'ix_messages_inquiry_status'))
      await q.createIndex('messages', new TableIndex({ name: 'ix_messages_inquiry_status', columnNames: ['inquiry_id', 'status'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    if (messages?.indices.some((i) => i.name === 'ix_messages_inquiry_status')) await q.dropIndex('messages', 'ix_messages_inquiry_status');
    if (await q.hasColumn('sms_outbound', 'claim')) {
      await q.dropIndex('sms_outbound', 'ix_sms_outbound_claim');
      await q.dropColumns('sms_outbound', ['claim', 'claimed_at']);
    }
    for (const t of ['sms_sender_rates', 'sms_broadcasts']) await dropTableIfExists(q, t);
  }
}
