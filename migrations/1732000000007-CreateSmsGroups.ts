import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/** Saved recipient groups officers send to (a street's residents, a team), owned by a department. */
export class CreateSmsGroups1732000000007 implements MigrationInterface {
  name = 'CreateSmsGroups1732000000007';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_groups',
      columns: [idColumn(), str('name', 191), int('department_id'), int('created_by', true), datetime('created_at')],
      indices: [index('uq_sms_groups_department_name', ['department_id', 'name'], true)],
      foreignKeys: [fk('department_id', 'departments', 'CASCADE'), fk('created_by', 'users', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'sms_group_members',
      columns: [idColumn(), int('group_id'), str('phone', 32), str('name', 191, true)],
      indices: [index('uq_sms_group_members', ['group_id', 'phone'], true)],
      foreignKeys: [fk('group_id', 'sms_groups', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['sms_group_members', 'sms_groups']) await dropTableIfExists(q, t);
  }
}
