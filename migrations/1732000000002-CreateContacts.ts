import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/** Citizens and organisations with their phone numbers (E.164, one owner each) and e-mail addresses. */
export class CreateContacts1732000000002 implements MigrationInterface {
  name = 'CreateContacts1732000000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'contacts',
      columns: [
        idColumn(),
        str('name', 191, true),
        str('kind', 16, false, 'person'),
        str('address', 255, true),
        str('postal_code', 16, true),
        str('city', 128, true),
        str('language', 8, true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
    });
    await createTableOnce(q, {
      name: 'contact_phones',
      columns: [idColumn(), int('contact_id'), str('e164', 20)],
      // Unique: caller ID and inbound SMS must land on one contact, also when two messages race.
      indices: [index('uq_contact_phones_e164', ['e164'], true), index('ix_contact_phones_contact', ['contact_id'])],
      foreignKeys: [fk('contact_id', 'contacts', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'contact_emails',
      columns: [idColumn(), int('contact_id'), str('address', 191)],
      indices: [index('uq_contact_emails_address', ['address'], true), index('ix_contact_emails_contact', ['contact_id'])],
      foreignKeys: [fk('contact_id', 'contacts', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['contact_emails', 'contact_phones', 'contacts']) await dropTableIfExists(q, t);
  }
}
