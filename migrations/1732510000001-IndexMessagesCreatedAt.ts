import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * SMS reports for a period (issue 14) read messages by id between the first and last id created in
 * the period; `ix_messages_created` finds those two ids without scanning the table from its start.
 */
export class IndexMessagesCreatedAt1732510000001 implements MigrationInterface {
  name = 'IndexMessagesCreatedAt1732510000001';

  async up(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    if (!messages?.indices.some((i) => i.name === 'ix_messages_created'))
      await q.createIndex('messages', new TableIndex({ name: 'ix_messages_created', columnNames: ['created_at', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    const messages = await q.getTable('messages');
    if (messages?.indices.some((i) => i.name === 'ix_messages_created')) await q.dropIndex('messages', 'ix_messages_created');
  }
}
