import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';

/**
 * After a duplicate-key error on MariaDB the row that won is committed but may be invisible to our
 * snapshot; a locking read sees it. SQLite has one writer at a time, so a plain read is current.
 */
export function currentRead<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  const type = qb.connection.options.type;
  return type === 'mysql' || type === 'mariadb' ? qb.setLock('pessimistic_read') : qb;
}
