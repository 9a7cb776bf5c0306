import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTableOnce, datetime, dropTableIfExists, idColumn, index, int, str } from './helpers';

/** The hosts an admin allows outbound hooks (the archive push, identity systems) to reach. */
export class CreateOutboundHosts1732400000010 implements MigrationInterface {
  name = 'CreateOutboundHosts1732400000010';

  async up(q: QueryRunner): Promise<void> {
    await createTableOnce(q, {
      name: 'outbound_hosts',
      columns: [idColumn(), str('host', 191), int('added_by', true), datetime('added_at')],
      indices: [index('uq_outbound_hosts_host', ['host'], true)],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTableIfExists(q, 'outbound_hosts');
  }
}
