import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/** Case files pushed by the authority's case system, and the contacts party to each. */
export class CreateCases1732000000003 implements MigrationInterface {
  name = 'CreateCases1732000000003';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'cases',
      columns: [
        idColumn(),
        str('case_number', 64),
        str('title', 255),
        str('status', 64),
        longText(q, 'status_spoken', true),
        bool('is_open', true),
        int('department_id'),
        int('caseworker_id', true),
        str('category', 64, true),
        int('created_by', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [
        index('uq_cases_case_number', ['case_number'], true),
        index('ix_cases_department', ['department_id']),
        index('ix_cases_created_by', ['created_by']),
      ],
      foreignKeys: [fk('department_id', 'departments'), fk('caseworker_id', 'users', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'case_contacts',
      columns: [{ ...int('case_id'), isPrimary: true }, { ...int('contact_id'), isPrimary: true }, str('role', 64, true)],
      // The screen pop walks contact → cases, so the reverse key is the hot one.
      indices: [index('ix_case_contacts_contact', ['contact_id', 'case_id'])],
      foreignKeys: [fk('case_id', 'cases', 'CASCADE'), fk('contact_id', 'contacts', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['case_contacts', 'cases']) await dropTableIfExists(q, t);
  }
}
