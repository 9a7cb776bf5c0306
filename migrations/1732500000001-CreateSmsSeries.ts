import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * Recurring sends, quiet hours and emergencies (issue 14). `sms_series`: a recurring send to an
 * audience (its RRULE, stated in the municipality's time zone). `sms_series_occurrences`: one row
 * per occurrence that came due, unique by series and time, so an occurrence becomes a send once
 * however many processes or restarts try. `sms_holidays`: days an admin keeps on which series that
 * ask to skip holidays send nothing. `sms_broadcasts.quiet_hours`: false when the officer chose to
 * send within quiet hours; `series_id`: the series an occurrence's send belongs to (sms_broadcasts
 * is referenced by nothing, so its rebuild on SQLite cascades nowhere).
 */
export class CreateSmsSeries1732500000001 implements MigrationInterface {
  name = 'CreateSmsSeries1732500000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'sms_series',
      columns: [
        idColumn(),
        int('department_id'),
        str('sender', 32),
        { name: 'body', type: 'text', isNullable: false },
        { name: 'audience', type: 'text', isNullable: false },
        str('rrule', 500),
        str('time_zone', 64),
        bool('skip_holidays', false),
        str('state', 24),
        datetime('first_at'),
        datetime('next_at', true),
        int('created_by', true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [index('ix_sms_series_state', ['state', 'next_at'])],
      foreignKeys: [fk('department_id', 'departments', 'RESTRICT')],
    });
    await createTableOnce(q, {
      name: 'sms_series_occurrences',
      columns: [idColumn(), int('series_id'), datetime('occurs_at'), int('send_id', true), str('skipped', 24, true), datetime('created_at')],
      indices: [index('uq_sms_series_occurrence', ['series_id', 'occurs_at'], true)],
      foreignKeys: [fk('series_id', 'sms_series', 'CASCADE'), fk('send_id', 'sms_sends', 'SET NULL')],
    });
    await createTableOnce(q, {
      name: 'sms_holidays',
      columns: [idColumn(), str('day', 10), str('name', 100, true), int('updated_by', true), datetime('updated_at')],
      indices: [index('uq_sms_holidays_day', ['day'], true)],
    });
    if (!(await q.hasColumn('sms_broadcasts', 'quiet_hours')))
      await q.addColumns('sms_broadcasts', [new TableColumn(bool('quiet_hours', true)), new TableColumn(int('series_id', true))]);
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn('sms_broadcasts', 'quiet_hours')) await q.dropColumns('sms_broadcasts', ['quiet_hours', 'series_id']);
    for (const t of ['sms_holidays', 'sms_series_occurrences', 'sms_series']) await dropTableIfExists(q, t);
  }
}
