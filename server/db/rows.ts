import type { EntityManager, EntitySchema, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { Database } from './database';

/*
 * INSERT and UPDATE of one row as plain SQL, with the column names and value conversions taken
 * from the entity's own metadata. For the write paths that run on every inbound message: the
 * query builder's statement assembly cost more CPU than the statements themselves
 * (bench/sms-inbound), and these helpers keep the mapping in one place instead of hand-written
 * column lists.
 */

interface Columns {
  table: string;
  columns: ColumnMetadata[];
  byProperty: Map<string, ColumnMetadata>;
}

const metadataOf = new WeakMap<object, Columns>();

function columnsOf(m: EntityManager, target: EntitySchema<ObjectLiteral>): Columns {
  let hit = metadataOf.get(target);
  if (!hit) {
    const meta = m.connection.getMetadata(target);
    const columns = meta.columns.filter((c) => !c.isGenerated);
    hit = { table: meta.tableName, columns, byProperty: new Map(columns.map((c) => [c.propertyName, c])) };
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
  const meta = m.connection.getMetadata(target);
  return meta.columns.map((c) => `${alias}.${c.databaseName} AS ${prefix}${c.propertyName}`).join(', ');
}

/** A raw row selected with selectList as the entity: numbers, dates and JSON as the query builder gives them. */
export function fromRow<T>(m: EntityManager, target: EntitySchema<T>, raw: ObjectLiteral, prefix = ''): T {
  const meta = m.connection.getMetadata(target);
  const out: ObjectLiteral = {};
  for (const c of meta.columns) {
    const v = raw[prefix + c.propertyName];
    if (v === null || v === undefined) out[c.propertyName] = null;
    else if (c.type === 'datetime') out[c.propertyName] = toDate(v as Date | string);
    else if (c.type === 'simple-json') out[c.propertyName] = typeof v === 'string' ? JSON.parse(v) : v;
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

/** Inserts one row and returns its generated id. */
export async function insertRow<T extends ObjectLiteral>(db: Database, m: EntityManager, target: EntitySchema<T>, row: Omit<T, 'id'>): Promise<number> {
  const { table, columns } = columnsOf(m, target as EntitySchema<ObjectLiteral>);
  const values = columns.map((c) => bindable(db, c, (row as ObjectLiteral)[c.propertyName] ?? literalDefault(c)));
  const names = columns.map((c) => c.databaseName).join(', ');
  const marks = columns.map(() => '?').join(', ');
  if (db.dialect === 'sqlite') {
    const rows: { id: number }[] = await m.query(`INSERT INTO ${table} (${names}) VALUES (${marks}) RETURNING id`, values);
    return Number(rows[0].id);
  }
  // MySQL has no INSERT … RETURNING; the driver's OK packet carries the id on both servers.
  const ok: { insertId: number } = await m.query(`INSERT INTO ${table} (${names}) VALUES (${marks})`, values);
  return Number(ok.insertId);
}

/** Sets the given properties on the row with this id. */
export async function updateRow<T extends ObjectLiteral>(db: Database, m: EntityManager, target: EntitySchema<T>, id: number, patch: Partial<T>): Promise<void> {
  const { table, byProperty } = columnsOf(m, target as EntitySchema<ObjectLiteral>);
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [property, value] of Object.entries(patch)) {
    const column = byProperty.get(property);
    if (!column) throw new Error(`${table} has no column for ${property}`);
    sets.push(`${column.databaseName} = ?`);
    values.push(bindable(db, column, value));
  }
  if (!sets.length) return;
  await m.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE id = ?`, [...values, id]);
}
