import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, fk, idColumn, index, int, longText, str } from './helpers';

/**
 * Resident alerts: one-time codes residents prove their number with (only a salted hash of each
 * code is kept; wrong tries are counted on the shared rate-limit store), and the consent record,
 * one row per subscribe, change, unsubscribe or STOP, kept after the resident leaves.
 */
export class CreateAlertCodesAndConsents1732470000001 implements MigrationInterface {
  name = 'CreateAlertCodesAndConsents1732470000001';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'alert_codes',
      columns: [
        idColumn(),
        str('phone', 32),
        str('code_hash', 64),
        str('salt', 32),
        str('state', 16),
        str('client', 64, true),
        datetime('created_at'),
        datetime('expires_at'),
        datetime('used_at', true),
      ],
      indices: [index('ix_alert_codes_phone', ['phone', 'state'])],
    });
    await createTableOnce(q, {
      name: 'alert_consents',
      columns: [
        idColumn(),
        int('subscriber_id', true),
        str('phone', 32),
        str('action', 16),
        longText(q, 'text'),
        str('language', 8),
        longText(q, 'choice', true),
        str('via', 16),
        str('client', 64, true),
        str('our_number', 32, true),
        datetime('created_at'),
      ],
      indices: [index('ix_alert_consents_phone', ['phone', 'id'])],
      foreignKeys: [fk('subscriber_id', 'alert_subscribers', 'SET NULL')],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'alert_consents');
    await dropTableIfExists(q, 'alert_codes');
  }
}
