import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, longText, str } from './helpers';

/**
 * Resident alerts' reminder modules: waste collection schedules, planned power cuts, overdue
 * payments (number, kind, due day only), the once-only key of every reminder sent, and the
 * municipality's time zone and evening hour.
 */
export class CreateReminders1732490000001 implements MigrationInterface {
  name = 'CreateReminders1732490000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'reminder_waste_collections',
      columns: [
        idColumn(),
        int('locality_id'),
        int('street_id', true),
        str('area_key', 32),
        str('fraction', 64),
        str('fraction_key', 64),
        str('collect_on', 10),
        int('created_by', true),
        datetime('created_at'),
      ],
      indices: [index('ux_reminder_waste', ['area_key', 'fraction_key', 'collect_on'], true), index('ix_reminder_waste_day', ['collect_on'])],
    });
    await createTableOnce(q, {
      name: 'reminder_power_cuts',
      columns: [
        idColumn(),
        longText(q, 'area'),
        datetime('starts_at'),
        datetime('ends_at'),
        str('note', 300, true),
        str('state', 16),
        int('created_by', true),
        datetime('created_at'),
        datetime('cancelled_at', true),
      ],
      indices: [index('ix_reminder_power_cuts', ['state', 'starts_at'])],
    });
    await createTableOnce(q, {
      name: 'reminder_overdue_payments',
      columns: [idColumn(), str('phone', 32), str('kind', 64), str('due_on', 10), int('created_by', true), datetime('created_at')],
      indices: [index('ux_reminder_overdue', ['phone', 'kind', 'due_on'], true)],
    });
    await createTableOnce(q, {
      name: 'reminder_dispatches',
      columns: [
        idColumn(),
        str('reminder_key', 191),
        str('state', 16),
        str('send_ids', 191, true),
        str('detail', 191, true),
        datetime('created_at'),
        datetime('updated_at'),
      ],
      indices: [index('ux_reminder_dispatches', ['reminder_key'], true)],
    });
    await createTableOnce(q, {
      name: 'reminder_settings',
      columns: [idColumn(), str('time_zone', 64), str('evening_at', 5), datetime('updated_at')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['reminder_settings', 'reminder_dispatches', 'reminder_overdue_payments', 'reminder_power_cuts', 'reminder_waste_collections'])
      await dropTableIfExists(q, t);
  }
}
