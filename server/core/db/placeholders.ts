import type { Statement } from './transactions';

/*
 * Small helpers for the few reads written as plain SQL (the screen pop's hot path), which run
 * unchanged on SQLite and MariaDB: `?` placeholders, unquoted lower-case identifiers.
 */

/** "?, ?, ?" for an IN list of these values. */
export const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** A value as the right side of a comparison (`?`), or SQL that gives it (a subquery) as it is. */
export const operand = (v: string | number | Statement): Statement => (typeof v === 'object' ? v : { sql: '?', params: [v] });

/** A LIMIT written into the SQL text: a positive integer, whatever the caller passed. */
export const limitOf = (n: number) => Math.max(1, Math.floor(Number(n) || 1));
