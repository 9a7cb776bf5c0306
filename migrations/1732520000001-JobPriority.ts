import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The embedded queue takes due jobs by `priority` first (lower first, as BullMQ does), then by due
 * time, so an emergency SMS send overtakes a backlog of ordinary ones (issue 14). Existing jobs
 * get the normal priority, 100.
 */
export class JobPriority1732520000001 implements MigrationInterface {
  name = 'JobPriority1732520000001';

  async up(q: QueryRunner): Promise<void> {
    const jobs = await q.getTable('jobs');
    if (jobs && !jobs.findColumnByName('priority'))
      await q.addColumn('jobs', new TableColumn({ name: 'priority', type: 'integer', isNullable: false, default: 100 }));
  }

  async down(q: QueryRunner): Promise<void> {
    const jobs = await q.getTable('jobs');
    if (jobs?.findColumnByName('priority')) await q.dropColumn('jobs', 'priority');
  }
}
