import { loadConfigFromEnvironment } from '../core/config';
import { openDatabase } from '../core/db/database';
import { schema } from '../../ormconfig';

/** `npm run migrate`: applies pending migrations to DATABASE_URL and exits. */
async function run() {
  const config = loadConfigFromEnvironment();
  const db = await openDatabase(config.databaseUrl, schema, { migrate: false });
  const applied = await db.dataSource.runMigrations({ transaction: db.dialect === 'sqlite' ? 'each' : 'none' });
  console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date');
  await db.close();
}

run().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
