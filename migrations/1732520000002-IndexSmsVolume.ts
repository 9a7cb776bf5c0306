import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The volume check of every send counts a sender's outbound SMS of the last 30 days
 * (SmsSendRepository.volumeSince). Without an index that count read every message of the register;
 * `ix_messages_sender_volume` answers it from the index alone: equality on the sender, channel and
 * direction, then a range on created_at.
 */
export class IndexSmsVolume1732520000002 implements MigrationInterface {
  name = 'IndexSmsVolume1732520000002';

  async up(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    if (!messages?.indices.some((i) => i.name === 'ix_messages_sender_volume'))
      await q.createIndex(
        'messages',
        new TableIndex({ name: 'ix_messages_sender_volume', columnNames: ['from_address', 'channel', 'direction', 'created_at'] }),
      );
  }

  async down(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    if (messages?.indices.some((i) => i.name === 'ix_messages_sender_volume')) await q.dropIndex('messages', 'ix_messages_sender_volume');
  }
}
