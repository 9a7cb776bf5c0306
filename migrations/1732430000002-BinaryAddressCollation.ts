import type { MigrationInterface, QueryRunner } from 'typeorm';
import { collateColumns } from './helpers';

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

export class BinaryAddressCollation1732430000002 implements MigrationInterface {
  name = 'BinaryAddressCollation1732430000002';

  async up(q: QueryRunner): Promise<void> {
    await collateColumns(q, COLUMNS, 'utf8mb4_bin');
  }

  /** Back to folding: fails on a unique key if look-alike addresses were stored meanwhile, which is the point of up(). */
  async down(q: QueryRunner): Promise<void> {
    await collateColumns(q, COLUMNS, 'utf8mb4_unicode_ci');
  }
}
