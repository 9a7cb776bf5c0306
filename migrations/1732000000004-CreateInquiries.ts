import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/** Inquiries (one per matter a citizen raises), their timeline items, and each item's status history. */
export class CreateInquiries1732000000004 implements MigrationInterface {
  name = 'CreateInquiries1732000000004';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'inquiries',
      columns: [
        idColumn(),
        str('channel', 16),
        str('direction', 8, false, 'in'),
        str('state', 16),
        int('department_id'),
        int('assignee_id', true),
        int('contact_id', true),
        int('case_id', true),
        str('subject', 255, true),
        str('summary', 255),
        str('channel_address', 191, true),
        str('citizen_address', 191, true),
        datetime('created_at'),
        datetime('last_activity_at'),
        datetime('closed_at', true),
      ],
      indices: [
        index('ix_inquiries_contact', ['contact_id', 'id']),
        index('ix_inquiries_department', ['department_id', 'id']),
        index('ix_inquiries_case', ['case_id', 'id']),
        index('ix_inquiries_assignee', ['assignee_id', 'id']),
        index('ix_inquiries_citizen', ['citizen_address', 'channel', 'state']),
      ],
      foreignKeys: [
        fk('department_id', 'departments'),
        fk('assignee_id', 'users', 'SET NULL'),
        fk('contact_id', 'contacts', 'SET NULL'),
        fk('case_id', 'cases', 'SET NULL'),
      ],
    });
    await createTableOnce(q, {
      name: 'messages',
      columns: [
        idColumn(),
        int('inquiry_id'),
        str('channel', 16),
        str('direction', 8),
        str('kind', 16),
        longText(q, 'body'),
        longText(q, 'body_html', true),
        str('subject', 255, true),
        str('from_address', 191, true),
        str('to_address', 191, true),
        str('external_id', 191, true),
        str('status', 32, true),
        longText(q, 'meta', true),
        int('author_id', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      // A provider's retry carries the same id: the unique key turns it into a no-op, never a second row.
      indices: [
        index('uq_messages_channel_external', ['channel', 'external_id'], true),
        index('ix_messages_inquiry', ['inquiry_id', 'id']),
        index('ix_messages_status', ['status', 'id']),
      ],
      foreignKeys: [fk('inquiry_id', 'inquiries', 'CASCADE'), fk('author_id', 'users', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'message_events',
      columns: [idColumn(), int('message_id'), str('status', 32), str('provider_status', 64, true), datetime('at'), longText(q, 'detail', true)],
      indices: [index('ix_message_events_message', ['message_id', 'id'])],
      foreignKeys: [fk('message_id', 'messages', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['message_events', 'messages', 'inquiries']) await dropTableIfExists(q, t);
  }
}
