import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/** Departments, staff users, their department memberships, bearer tokens and failed log-in records. */
export class CreateStaff1732000000001 implements MigrationInterface {
  name = 'CreateStaff1732000000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'departments',
      columns: [
        idColumn(),
        str('code', 64),
        str('name', 191),
        int('menu_digit', true),
        str('email', 191, true),
        longText(q, 'opening_hours', true),
        datetime('created_at'),
      ],
      indices: [index('uq_departments_code', ['code'], true), index('uq_departments_menu_digit', ['menu_digit'], true)],
    });
    await createTableOnce(q, {
      name: 'department_addresses',
      // The numbers and mailboxes a department owns: inbound to one of them goes to that department,
      // and its replies go out from it.
      columns: [idColumn(), int('department_id'), str('channel', 16), str('address', 191), bool('is_default', false)],
      indices: [index('uq_department_addresses', ['channel', 'address'], true), index('ix_department_addresses_department', ['department_id'])],
      foreignKeys: [fk('department_id', 'departments', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'users',
      columns: [
        idColumn(),
        str('email', 191),
        str('name', 191),
        str('password_hash', 255),
        str('role', 32),
        str('totp_secret', 64, true),
        bool('totp_enabled', false),
        int('totp_last_step', true),
        str('phone', 32, true),
        str('sip', 191, true),
        str('locale', 8, false, 'nb'),
        bool('active', true),
        datetime('created_at'),
      ],
      indices: [index('uq_users_email', ['email'], true)],
    });
    await createTableOnce(q, {
      name: 'user_departments',
      columns: [
        { ...int('user_id'), isPrimary: true },
        { ...int('department_id'), isPrimary: true },
      ],
      indices: [index('ix_user_departments_department', ['department_id'])],
      foreignKeys: [fk('user_id', 'users', 'CASCADE'), fk('department_id', 'departments', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'auth_tokens',
      columns: [
        { ...str('id', 64), isPrimary: true },
        int('user_id'),
        str('scope', 16),
        datetime('created_at'),
        datetime('expires_at'),
        datetime('revoked_at', true),
      ],
      indices: [index('ix_auth_tokens_user', ['user_id'])],
      foreignKeys: [fk('user_id', 'users', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'auth_failures',
      columns: [idColumn(), str('failure_key', 191), datetime('at')],
      indices: [index('ix_auth_failures_key_at', ['failure_key', 'at'])],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['auth_failures', 'auth_tokens', 'user_departments', 'users', 'department_addresses', 'departments']) await dropTableIfExists(q, t);
  }
}
