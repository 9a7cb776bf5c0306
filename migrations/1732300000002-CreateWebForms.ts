import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/** Public web forms, defined as data by an administrator: fields, texts and receiving department. */
export class CreateWebForms1732300000002 implements MigrationInterface {
  name = 'CreateWebForms1732300000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'web_forms',
      columns: [
        idColumn(),
        str('slug', 64),
        int('department_id'),
        longText(q, 'definition'),
        bool('active', true),
        int('created_by', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [index('uq_web_forms_slug', ['slug'], true)],
      foreignKeys: [fk('department_id', 'departments'), fk('created_by', 'users', 'SET NULL')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'web_forms');
  }
}
