import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * API keys for the machine account (integration), stored only as their SHA-256; and the roles an
 * administrator added to those that must enrol TOTP (the defaults live in code and cannot be removed).
 */
export class CreateApiKeysAndTotpRoles1732400000002 implements MigrationInterface {
  name = 'CreateApiKeysAndTotpRoles1732400000002';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'api_keys',
      columns: [
        idColumn(),
        str('name', 191),
        int('user_id'),
        str('key_hash', 64),
        int('created_by', true),
        datetime('created_at'),
        datetime('revoked_at', true),
      ],
      indices: [index('uq_api_keys_hash', ['key_hash'], true)],
      foreignKeys: [fk('user_id', 'users', 'CASCADE'), fk('created_by', 'users', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'totp_roles',
      columns: [{ ...str('role', 32), isPrimary: true }, int('added_by', true), datetime('added_at')],
      foreignKeys: [fk('added_by', 'users', 'SET NULL')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['totp_roles', 'api_keys']) await dropTableIfExists(q, t);
  }
}
