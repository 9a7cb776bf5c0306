import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, isMysql, str } from './helpers';

/**
 * E-mail state: where the IMAP watcher has got to in each mailbox (UIDVALIDITY and last UID, so a
 * restart neither loses nor repeats mail), and the attachments of messages, each with its size,
 * type and checksum, or a record of why it was refused.
 */
export class CreateMailState1732300000001 implements MigrationInterface {
  name = 'CreateMailState1732300000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'mail_cursors',
      columns: [
        idColumn(),
        str('mailbox', 191),
        str('uid_validity', 20),
        { name: 'last_uid', type: 'bigint', isNullable: false, default: 0 },
        datetime('updated_at'),
      ],
      indices: [index('uq_mail_cursors_mailbox', ['mailbox'], true)],
    });
    await createTableOnce(q, {
      name: 'attachments',
      columns: [
        idColumn(),
        int('message_id'),
        int('ordinal'),
        str('filename', 255),
        str('content_type', 127),
        int('size'),
        str('sha256', 64, true),
        str('status', 16),
        str('reason', 255, true),
        // Kept in the database so an attachment commits with its message; the size limit keeps rows small.
        { name: 'content', type: isMysql(q) ? 'longblob' : 'blob', isNullable: true },
        datetime('created_at'),
      ],
      indices: [index('uq_attachments_message_ordinal', ['message_id', 'ordinal'], true)],
      foreignKeys: [fk('message_id', 'messages', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['attachments', 'mail_cursors']) await dropTableIfExists(q, t);
  }
}
