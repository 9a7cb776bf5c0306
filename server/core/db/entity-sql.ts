import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { Database } from './database';
import type { Statement } from './transactions';

/*
 * INSERT and UPDATE of one row as plain SQL, with the column names and value conversions taken
 * from the entity's own metadata. For the write paths that run on every inbound message: the
 * query builder's statement assembly cost more CPU than the statements themselves
 * (bench/sms-inbound), and these helpers keep the mapping in one place instead of hand-written
 * column lists.
 */

interface Columns {
  table: string;
  /** Every column but the generated id: what an INSERT names. */
  columns: ColumnMetadata[];
  all: ColumnMetadata[];
  byProperty: Map<string, ColumnMetadata>;
  selects: Map<string, string>;
}

const metadataOf = new WeakMap<object, Columns>();

function columnsOf(m: EntityManager, target: EntitySchema<ObjectLiteral>): Columns {
  let hit = metadataOf.get(target);
  if (!hit) {
    const meta = m.connection.getMetadata(target);
    const columns = meta.columns.filter((c) => !c.isGenerated);
    hit = { table: meta.tableName, columns, all: meta.columns, byProperty: new Map(columns.map((c) => [c.propertyName, c])), selects: new Map() };
    metadataOf.set(target, hit);
  }
  return hit;
}

/** A value as both drivers bind it: dates in the engine's format, JSON as text, booleans as 0/1. */
function bindable(db: Database, column: ColumnMetadata, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (column.type === 'simple-json') return JSON.stringify(value);
  if (value instanceof Date) return db.param(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const literalDefault = (c: ColumnMetadata) => (typeof c.default === 'function' ? null : c.default);

/** "i.id AS id, i.department_id AS departmentId, …": every column of the entity, named by property. */
export function selectList(m: EntityManager, target: EntitySchema<ObjectLiteral>, alias: string, prefix = ''): string {
  const { all, selects } = columnsOf(m, target);
  const key = `${alias} ${prefix}`;
  let list = selects.get(key);
  if (!list) {
    list = all.map((c) => `${alias}.${c.databaseName} AS ${prefix}${c.propertyName}`).join(', ');
    selects.set(key, list);
  }
  return list;
}

/** A raw row selected with selectList as the entity: numbers, dates and JSON as the query builder gives them. */
export function fromRow<T>(m: EntityManager, target: EntitySchema<T>, raw: ObjectLiteral, prefix = ''): T {
  const out: ObjectLiteral = {};
  for (const c of columnsOf(m, target as EntitySchema<ObjectLiteral>).all) {
    const v: unknown = raw[prefix + c.propertyName];
    if (v === null || v === undefined) out[c.propertyName] = null;
    else if (c.type === 'datetime') out[c.propertyName] = toDate(v as Date | string);
    else if (c.type === 'simple-json') out[c.propertyName] = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
    else if (c.type === Number) out[c.propertyName] = Number(v);
    else if (c.type === Boolean) out[c.propertyName] = Boolean(Number(v));
    else out[c.propertyName] = v;
  }
  return out as T;
}

/** Raw selects give dates as Date on MariaDB and as UTC text on SQLite. */
export function toDate(v: Date | string): Date {
  if (v instanceof Date) return v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
}

/** SQL for the id the session's last INSERT generated, to link a row to one inserted just before it in the same batch. */
export const lastInsertId = (db: Database) => (db.dialect === 'sqlite' ? 'last_insert_rowid()' : 'LAST_INSERT_ID()');

/** SQL for how many rows the session's last INSERT, UPDATE or DELETE changed, read in the same batch. */
export const rowCount = (db: Database) => (db.dialect === 'sqlite' ? 'changes()' : 'ROW_COUNT()');

/**
 * The statements that insert one row and give back its id as a row `{ id }`: INSERT … RETURNING
 * on SQLite, INSERT then LAST_INSERT_ID() on MySQL and MariaDB (MySQL has no RETURNING). For a
 * transaction's together/commitWith, so the insert travels with other statements. `computed`
 * gives SQL (our own, such as lastInsertId) for columns whose value the batch itself produces.
 */
export function insertStatements<T extends ObjectLiteral>(
  db: Database,
  m: EntityManager,
  target: EntitySchema<T>,
  row: Omit<T, 'id'>,
  computed: Partial<Record<keyof T & string, string | Statement>> = {},
): Statement[] {
  const { table, columns } = columnsOf(m, target as EntitySchema<ObjectLiteral>);
  const given: Partial<Record<string, string | Statement>> = computed;
  const values: string[] = [];
  const params: unknown[] = [];
  for (const c of columns) {
    const expression = given[c.propertyName];
    if (typeof expression === 'string') values.push(expression);
    else if (expression) {
      values.push(expression.sql);
      params.push(...expression.params);
    } else {
      values.push('?');
      params.push(bindable(db, c, (row as ObjectLiteral)[c.propertyName] ?? literalDefault(c)));
    }
  }
  const insert = `INSERT INTO ${table} (${columns.map((c) => c.databaseName).join(', ')}) VALUES (${values.join(', ')})`;
  if (db.dialect === 'sqlite') return [{ sql: `${insert} RETURNING id`, params }];
  return [
    { sql: insert, params },
    { sql: 'SELECT LAST_INSERT_ID() AS id', params: [] },
  ];
}

/** Inserts one row and returns its generated id. */
export async function insertRow<T extends ObjectLiteral>(db: Database, m: EntityManager, target: EntitySchema<T>, row: Omit<T, 'id'>): Promise<number> {
  const [insert, readId] = insertStatements(db, m, target, row);
  if (!readId) {
    const rows: { id: number }[] = await m.query(insert.sql, insert.params);
    return Number(rows[0].id);
  }
  // The driver's OK packet carries the id: no second statement needed here.
  const ok: { insertId: number } = await m.query(insert.sql, insert.params);
  return Number(ok.insertId);
}

/** "a = ?, b = ?" for the given properties, with their values bound as the drivers take them. */
export function setClause<T extends ObjectLiteral>(db: Database, m: EntityManager, target: EntitySchema<T>, patch: Partial<T>): Statement {
  const { table, byProperty } = columnsOf(m, target as EntitySchema<ObjectLiteral>);
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [property, value] of Object.entries(patch)) {
    const column = byProperty.get(property);
    if (!column) throw new Error(`${table} has no column for ${property}`);
    sets.push(`${column.databaseName} = ?`);
    params.push(bindable(db, column, value));
  }
  return { sql: sets.join(', '), params };
}

/** The table an entity is stored in. */
export const tableOf = (m: EntityManager, target: EntitySchema<ObjectLiteral>) => columnsOf(m, target).table;

/** The statement that sets the given properties on the row with this id. */
export function updateStatement<T extends ObjectLiteral>(
  db: Database,
  m: EntityManager,
  target: EntitySchema<T>,
  id: number,
  patch: Partial<T>,
): Statement | null {
  const set = setClause(db, m, target, patch);
  return set.sql ? { sql: `UPDATE ${tableOf(m, target as EntitySchema<ObjectLiteral>)} SET ${set.sql} WHERE id = ?`, params: [...set.params, id] } : null;
}

/** Runs one INSERT, UPDATE or DELETE and gives the number of rows it changed, on both engines. */
export async function rowsChanged(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const own = m.queryRunner ? null : m.connection.createQueryRunner();
  try {
    return (await (m.queryRunner ?? own!).query(sql, params, true)).affected ?? 0;
  } finally {
    await own?.release();
  }
}

/** Sets the given properties on the row with this id. */
export async function updateRow<T extends ObjectLiteral>(
  db: Database,
  m: EntityManager,
  target: EntitySchema<T>,
  id: number,
  patch: Partial<T>,
): Promise<void> {
  const update = updateStatement(db, m, target, id, patch);
  if (update) await m.query(update.sql, update.params);
}
