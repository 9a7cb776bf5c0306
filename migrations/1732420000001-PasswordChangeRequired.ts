import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bool } from './helpers';

/**
 * A password an administrator reset is a temporary one: until the user sets their own, a log-in
 * yields a token that may only change the password.
 */
export class PasswordChangeRequired1732420000001 implements MigrationInterface {
  name = 'PasswordChangeRequired1732420000001';

  async up(q: QueryRunner): Promise<void> {
    if (!(await q.hasColumn('users', 'must_change_password'))) await q.addColumn('users', new TableColumn(bool('must_change_password', false)));
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn('users', 'must_change_password')) await q.dropColumn('users', 'must_change_password');
  }
}
