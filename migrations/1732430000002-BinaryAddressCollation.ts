import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysql } from './helpers';

/**
 * Addresses compare byte for byte. Every MariaDB table is utf8mb4_unicode_ci, under which
 * `ola@gmäil.com` equals `ola@gmail.com` (and `Ola` equals `ola`): a look-alike address would find
 * the real citizen's contact, continue their inquiries and match their Message-IDs. The columns
 * that identify a citizen, a mail or a failure counter get utf8mb4_bin instead, so their unique
 * keys and indexes stay and simply stop folding accents and case. We store e-mail addresses in
 * lower case already, so nothing that matched before stops matching; and rows unique under the
 * folding collation are unique under the binary one too, so the change cannot fail on data.
 *
 * SQLite compares text with BINARY unless told otherwise: nothing to do there.
 */
const COLUMNS: Record<string, string[]> = {
  contact_emails: ['address'],
  contact_phones: ['e164'],
  inquiries: ['citizen_address', 'channel_address'],
  messages: ['external_id', 'from_address', 'to_address'],
  department_addresses: ['address'],
  auth_failures: ['failure_key'],
  rate_limits: ['rl_key'],
};

async function collate(q: QueryRunner, collation: string): Promise<void> {
  if (!isMysql(q)) return;
  for (const [table, columns] of Object.entries(COLUMNS)) {
    if (!(await q.hasTable(table))) continue;
    // The type and nullability as they are, so this keeps whatever length a later change gave a column.
    const rows = (await q.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLLATION_NAME AS collation FROM information_schema.COLUMNS ' +
        `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME IN (${columns.map(() => '?').join(', ')})`,
      [table, ...columns],
    )) as { name: string; type: string; nullable: string; collation: string | null }[];
    const changes = rows
      .filter((r) => r.collation !== collation)
      .map((r) => `MODIFY \`${r.name}\` ${r.type} CHARACTER SET utf8mb4 COLLATE ${collation} ${r.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`);
    // One statement per table: MariaDB rebuilds a table once for all of its columns.
    if (changes.length) await q.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}

export class BinaryAddressCollation1732430000002 implements MigrationInterface {
  name = 'BinaryAddressCollation1732430000002';

  async up(q: QueryRunner): Promise<void> {
    await collate(q, 'utf8mb4_bin');
  }

  /** Back to folding: fails on a unique key if look-alike addresses were stored meanwhile, which is the point of up(). */
  async down(q: QueryRunner): Promise<void> {
    await collate(q, 'utf8mb4_unicode_ci');
  }
}
