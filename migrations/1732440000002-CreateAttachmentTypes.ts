import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, int, str } from './helpers';

/**
 * The attachment types an administrator added to the defaults (PDF, images, text, CSV, office
 * documents, which live in code and cannot be removed).
 */
export class CreateAttachmentTypes1732440000002 implements MigrationInterface {
  name = 'CreateAttachmentTypes1732440000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'attachment_types',
      columns: [{ ...str('type', 16), isPrimary: true }, int('added_by', true), datetime('added_at')],
      foreignKeys: [fk('added_by', 'users', 'SET NULL')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'attachment_types');
  }
}
