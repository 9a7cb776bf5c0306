import { openDatabase } from '../../server/core/db/database';
import { migrations } from '../../migrations';
import { engines } from '../support/engines';
import { schema } from '../../ormconfig';

describe.each(engines())('migrations on $name', (engine) => {
  it('run up, down to nothing and up again, and a re-run is a no-op', async () => {
    const database = await engine.create();
    const db = await openDatabase(database.url, schema);
    try {
      const tables = async () =>
        (await db.dataSource.createQueryRunner().getTables(['contacts', 'inquiries', 'messages', 'audit_events'])).map((t) => t.name.split('.').pop());
      expect(await tables()).toEqual(expect.arrayContaining(['contacts', 'inquiries', 'messages', 'audit_events']));
      expect(await db.dataSource.runMigrations()).toHaveLength(0);
      for (let i = 0; i < migrations.length; i++) await db.dataSource.undoLastMigration();
      const runner = db.dataSource.createQueryRunner();
      expect(await runner.hasTable('contacts')).toBe(false);
      expect(await runner.hasTable('departments')).toBe(false);
      await runner.release();
      expect(await db.dataSource.runMigrations()).toHaveLength(migrations.length);
      expect(await tables()).toHaveLength(4);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 120_000);
});
