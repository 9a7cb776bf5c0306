import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * Rosters (issue 15). `roster_people`: the people a unit's administrative system pushes, by its own
 * id; `removed_at` keeps a removed person's number known, so a queued message to it is stopped at
 * sending rather than mistaken for a number named by hand. `roster_groups`, `roster_guardians`: a
 * person's classes and teams, and who answers for a pupil. `roster_units`: a unit's welcome texts
 * and its password-reset hook. `roster_account_messages`: the log of welcome and reset messages
 * (never the password; a reset is unique by the inbound SMS that asked, so a provider's retry
 * resets nothing twice). `roster_emergencies` and their answers: who answered a send asking for a reply.
 */
export class CreateRosters1732530000001 implements MigrationInterface {
  name = 'CreateRosters1732530000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'roster_people',
      columns: [
        idColumn(),
        int('department_id'),
        str('external_id', 128),
        str('name', 200),
        str('phone', 32),
        str('kind', 16),
        str('language', 8, true),
        str('start_date', 10, true),
        str('end_date', 10, true),
        str('fingerprint', 64),
        datetime('removed_at', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [
        index('uq_roster_people_external', ['external_id'], true),
        index('ix_roster_people_unit', ['department_id', 'kind']),
        index('ix_roster_people_phone', ['phone']),
      ],
      foreignKeys: [fk('department_id', 'departments', 'RESTRICT')],
    });
    await createTableOnce(q, {
      name: 'roster_groups',
      columns: [idColumn(), int('person_id'), str('name', 100)],
      indices: [index('uq_roster_groups_person', ['person_id', 'name'], true), index('ix_roster_groups_name', ['name'])],
      foreignKeys: [fk('person_id', 'roster_people', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'roster_guardians',
      columns: [idColumn(), int('person_id'), str('name', 200), str('phone', 32)],
      indices: [index('ix_roster_guardians_person', ['person_id']), index('ix_roster_guardians_phone', ['phone'])],
      foreignKeys: [fk('person_id', 'roster_people', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'roster_units',
      columns: [
        idColumn(),
        int('department_id'),
        str('reset_url', 500, true),
        str('reset_token', 500, true),
        { name: 'reset_keywords', type: 'text', isNullable: true },
        { name: 'welcome_texts', type: 'text', isNullable: true },
        int('updated_by', true),
        datetime('updated_at'),
      ],
      indices: [index('uq_roster_units_department', ['department_id'], true)],
      foreignKeys: [fk('department_id', 'departments', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'roster_account_messages',
      columns: [
        idColumn(),
        str('kind', 16),
        int('department_id'),
        str('external_id', 128, true),
        str('phone', 32),
        int('inbound_message_id', true),
        int('message_id', true),
        str('state', 16),
        int('attempts'),
        str('error', 300, true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [
        index('uq_roster_account_inbound', ['inbound_message_id'], true),
        index('ix_roster_account_unit', ['department_id', 'created_at']),
        index('ix_roster_account_state', ['state']),
      ],
      foreignKeys: [fk('department_id', 'departments', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'roster_emergencies',
      columns: [idColumn(), int('send_id'), int('department_id', true), bool('ask_reply', false), int('created_by', true), datetime('created_at')],
      indices: [index('uq_roster_emergencies_send', ['send_id'], true)],
      foreignKeys: [fk('send_id', 'sms_sends', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'roster_emergency_answers',
      columns: [idColumn(), int('send_id'), str('phone', 32), int('message_id', true), datetime('at')],
      indices: [index('uq_roster_answers_send_phone', ['send_id', 'phone'], true)],
      foreignKeys: [fk('send_id', 'sms_sends', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'roster_emergency_answers',
      'roster_emergencies',
      'roster_account_messages',
      'roster_units',
      'roster_guardians',
      'roster_groups',
      'roster_people',
    ])
      await dropTableIfExists(q, t);
  }
}
