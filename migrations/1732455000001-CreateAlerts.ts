import type { MigrationInterface, QueryRunner } from 'typeorm';
import { bool, createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, str } from './helpers';

/**
 * Resident alerts: the address register (localities, streets, address points), interest
 * categories, and subscribers with their streets and categories. Folded names (`name_key`) carry
 * the search indexes; the subscriber indexes serve audience resolution (by locality, street, category).
 */
export class CreateAlerts1732455000001 implements MigrationInterface {
  name = 'CreateAlerts1732455000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'address_localities',
      columns: [idColumn(), str('code', 64), str('name', 128), str('name_key', 128), str('area', 128, true), str('source', 16), datetime('updated_at')],
      indices: [index('uq_address_localities_code', ['source', 'code'], true), index('ix_address_localities_name_key', ['name_key'])],
    });
    await createTableOnce(q, {
      name: 'address_streets',
      columns: [idColumn(), int('locality_id'), str('code', 64), str('name', 191), str('name_key', 191), datetime('updated_at')],
      indices: [
        index('uq_address_streets_code', ['locality_id', 'code'], true),
        index('ix_address_streets_name_key', ['locality_id', 'name_key']),
        index('ix_address_streets_key_only', ['name_key']),
      ],
      foreignKeys: [fk('locality_id', 'address_localities', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'address_points',
      columns: [idColumn(), int('locality_id'), int('street_id', true), str('number', 32), str('postcode', 16, true), datetime('updated_at')],
      indices: [index('ix_address_points_street', ['street_id', 'number']), index('ix_address_points_locality', ['locality_id', 'number'])],
      foreignKeys: [fk('locality_id', 'address_localities', 'CASCADE'), fk('street_id', 'address_streets', 'CASCADE')],
    });
    await createTableOnce(q, {
      name: 'alert_categories',
      columns: [idColumn(), str('code', 32), str('name', 128), datetime('updated_at')],
      indices: [index('uq_alert_categories_code', ['code'], true)],
    });
    await createTableOnce(q, {
      name: 'alert_subscribers',
      columns: [
        idColumn(),
        str('phone', 32),
        int('locality_id'),
        bool('whole_locality', true),
        str('language', 8),
        str('state', 16),
        datetime('created_at'),
        datetime('updated_at'),
        datetime('left_at', true),
      ],
      indices: [index('uq_alert_subscribers_phone', ['phone'], true), index('ix_alert_subscribers_locality', ['locality_id', 'state'])],
      // A locality is never deleted while residents chose it: re-imports keep ids and never drop a chosen place.
      foreignKeys: [fk('locality_id', 'address_localities')],
    });
    await createTableOnce(q, {
      name: 'alert_subscriber_streets',
      columns: [idColumn(), int('subscriber_id'), int('street_id')],
      indices: [
        index('uq_alert_subscriber_streets', ['subscriber_id', 'street_id'], true),
        index('ix_alert_subscriber_streets_street', ['street_id', 'subscriber_id']),
      ],
      foreignKeys: [fk('subscriber_id', 'alert_subscribers', 'CASCADE'), fk('street_id', 'address_streets')],
    });
    await createTableOnce(q, {
      name: 'alert_subscriber_categories',
      columns: [idColumn(), int('subscriber_id'), str('category_code', 32)],
      indices: [
        index('uq_alert_subscriber_categories', ['subscriber_id', 'category_code'], true),
        index('ix_alert_subscriber_categories_code', ['category_code', 'subscriber_id']),
      ],
      foreignKeys: [fk('subscriber_id', 'alert_subscribers', 'CASCADE')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'alert_subscriber_categories',
      'alert_subscriber_streets',
      'alert_subscribers',
      'alert_categories',
      'address_points',
      'address_streets',
      'address_localities',
    ])
      await dropTableIfExists(q, t);
  }
}
