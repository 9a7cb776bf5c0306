import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, longText, str } from './helpers';

/** The journal: which messages are journaled, where they go, the number series and the entries. */
export class CreateJournal1732100000004 implements MigrationInterface {
  name = 'CreateJournal1732100000004';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, { name: 'journal_rules', columns: [idColumn(), str('kind', 16), str('value', 191, true)] });
    await createTableOnce(q, { name: 'journal_settings', columns: [{ ...str('setting_key', 64), isPrimary: true }, longText(q, 'value')] });
    await createTableOnce(q, { name: 'journal_counters', columns: [{ ...str('counter_key', 64), isPrimary: true }, int('last_value')] });
    await createTableOnce(q, {
      name: 'journal_entries',
      columns: [
        idColumn(),
        str('system_id', 36),
        int('message_id'),
        str('channel', 16),
        str('direction', 1),
        int('journal_year'),
        int('journal_seq'),
        int('post_number'),
        datetime('journal_date'),
        datetime('document_date'),
        int('case_id', true),
        str('case_number', 64, true),
        str('case_title', 255, true),
        int('inquiry_id'),
        str('department', 191),
        str('party_name', 191),
        str('party_address', 191, true),
        str('title', 255),
        longText(q, 'body'),
        str('checksum', 64),
        int('size'),
        str('idempotency_key', 64),
        str('delivery_state', 16),
        int('attempts'),
        longText(q, 'last_error', true),
        datetime('delivered_at', true),
        datetime('created_at'),
      ],
      // One post per message however often its event fires; one number per year and sequence.
      indices: [
        index('uq_journal_entries_message', ['message_id'], true),
        index('uq_journal_entries_number', ['journal_year', 'journal_seq'], true),
        index('ix_journal_entries_date', ['journal_date', 'id']),
        index('ix_journal_entries_delivery', ['delivery_state', 'id']),
      ],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['journal_entries', 'journal_counters', 'journal_settings', 'journal_rules']) await dropTableIfExists(q, t);
  }
}
