import fs from 'node:fs';
import path from 'node:path';
import type { DataSourceOptions, EntitySchema, MigrationInterface } from 'typeorm';

/** What the database holds: every feature's table mappings and the one set of migrations. */
export interface Schema {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's own type for a list of mappings
  entities: EntitySchema<any>[];
  migrations: (new () => MigrationInterface)[];
}

export type Dialect = 'sqlite' | 'mysql';

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql';
}

/**
 * The one set of DataSource options, used by the server and by the TypeORM CLI
 * (`npx typeorm -d ormconfig.ts ...`, through ormconfig.ts), so both always see the same schema.
 */
export function dataSourceOptions(databaseUrl: string, schema: Schema): DataSourceOptions {
  const common = { entities: schema.entities, migrations: schema.migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (dialectOf(databaseUrl) === 'sqlite') {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: file !== ':memory:',
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: databaseUrl.replace(/^mariadb:/, 'mysql:'),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    dateStrings: false,
    extra: { connectionLimit: 25, enableKeepAlive: true },
  };
}
