import { Table, TableForeignKey, TableIndex, type QueryRunner, type TableColumnOptions } from 'typeorm';

/*
 * Portable column helpers for the schema builder, so one migration set runs on SQLite and MariaDB.
 * Indexed strings stay at or below 191 characters so utf8mb4 keys fit InnoDB's limit.
 */

export const isMysql = (q: QueryRunner) => q.connection.options.type === 'mysql' || q.connection.options.type === 'mariadb';

export const idColumn = (): TableColumnOptions => ({
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});

export const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });

export const str = (name: string, length: number, nullable = false, def?: string): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
  ...(def !== undefined ? { default: `'${def}'` } : {}),
});

export const bool = (name: string, def: boolean): TableColumnOptions => ({
  name,
  type: 'boolean',
  isNullable: false,
  default: def ? 1 : 0,
});

export const datetime = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable: nullable,
});

/** Long text: MEDIUMTEXT on MariaDB (e-mail bodies outgrow TEXT's 64 KB), TEXT on SQLite. */
export const longText = (q: QueryRunner, name: string, nullable = false): TableColumnOptions => ({
  name,
  type: isMysql(q) ? 'mediumtext' : 'text',
  isNullable: nullable,
});

export const fk = (column: string, table: string, onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL' = 'RESTRICT') =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete });

export const index = (name: string, columns: string[], unique = false) => new TableIndex({ name, columnNames: columns, isUnique: unique });

/** Creates the table unless it is already there, so a re-run after a half-applied migration is harmless. */
export async function createTableOnce(
  q: QueryRunner,
  spec: { name: string; columns: TableColumnOptions[]; indices?: TableIndex[]; foreignKeys?: TableForeignKey[] },
) {
  if (await q.hasTable(spec.name)) return;
  const mysqlOptions = isMysql(q) ? { engine: 'InnoDB' } : {};
  await q.createTable(new Table({ ...spec, ...mysqlOptions }), false, true, true);
  // A database created with another default charset must not truncate names like "Åse" or emoji.
  if (isMysql(q)) await q.query(`ALTER TABLE \`${spec.name}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
}

export async function dropTableIfExists(q: QueryRunner, name: string) {
  if (await q.hasTable(name)) await q.dropTable(name);
}

/**
 * Gives columns of MariaDB tables another collation (utf8mb4_bin: compared byte for byte),
 * keeping each column's type, length and nullability as they are. Nothing on SQLite, which
 * compares text with BINARY unless told otherwise. Tables or columns not there are passed over.
 */
export async function collateColumns(q: QueryRunner, columnsByTable: Record<string, string[]>, collation: string): Promise<void> {
  if (!isMysql(q)) return;
  for (const [table, columns] of Object.entries(columnsByTable)) {
    if (!(await q.hasTable(table))) continue;
    // The type and nullability as they are, so this keeps whatever length a later change gave a column.
    const rows = (await q.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLLATION_NAME AS collation FROM information_schema.COLUMNS ' +
        `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME IN (${columns.map(() => '?').join(', ')})`,
      [table, ...columns],
    )) as { name: string; type: string; nullable: string; collation: string | null }[];
    const changes = rows
      .filter((r) => r.collation !== collation)
      .map((r) => `MODIFY \`${r.name}\` ${r.type} CHARACTER SET utf8mb4 COLLATE ${collation} ${r.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`);
    // One statement per table: MariaDB rebuilds a table once for all of its columns.
    if (changes.length) await q.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}
