import type { EntitySchema } from 'typeorm';

/** Column definitions every table mapping shares, so each entity file states only what is its own. */
export const id = { type: Number, primary: true, generated: 'increment' } as const;
export const createdAt = { type: 'datetime', name: 'created_at', precision: 3 } as const;
/** A millisecond datetime column under its own name. */
export const at = (name: string, nullable = false) => ({ type: 'datetime', name, precision: 3, nullable }) as const;

/*
 * String lengths from the mappings themselves. A value longer than its VARCHAR makes MariaDB (in
 * strict mode) refuse the whole INSERT, so an inbound item with one over-long header failed every
 * retry and was finally skipped. The inbound paths bound each outside value with these before it
 * is written: free text is cut, an identity (an address, a provider's id) is refused or replaced
 * with a recorded reason. The lengths come from the entity, so a migration that widens a column
 * and its mapping is the only change needed.
 */

const lengthCache = new WeakMap<object, ReadonlyMap<string, number>>();

/** Property → the most characters its string column takes, for every column mapped with a length. */
export function maxLengths<T>(schema: EntitySchema<T>): ReadonlyMap<string, number> {
  let hit = lengthCache.get(schema);
  if (!hit) {
    const lengths = new Map<string, number>();
    for (const [property, column] of Object.entries(schema.options.columns ?? {})) {
      const length = Number((column as { length?: string | number } | undefined)?.length);
      if (Number.isInteger(length) && length > 0) lengths.set(property, length);
    }
    hit = lengths;
    lengthCache.set(schema, hit);
  }
  return hit;
}

/** The column's length; a property mapped without one is a programming error, not a runtime case. */
export function maxLengthOf<T>(schema: EntitySchema<T>, property: keyof T & string): number {
  const n = maxLengths(schema).get(property);
  if (n === undefined) throw new Error(`${schema.options.name}.${property} has no length in its mapping`);
  return n;
}

/**
 * At most `max` UTF-16 units, never ending inside a surrogate pair. MariaDB counts characters
 * (code points), of which a string has at most as many as UTF-16 units, so a cut value always fits.
 */
export function cutTo(value: string, max: number): string {
  if (value.length <= max) return value;
  const end = max > 0 && /[\uD800-\uDBFF]/.test(value[max - 1]) ? max - 1 : max;
  return value.slice(0, end);
}

/** Whether the value fits the property's column as mapped (null and absent always do). */
export function fitsColumn<T>(schema: EntitySchema<T>, property: keyof T & string, value: string | null | undefined): boolean {
  return value === null || value === undefined || value.length <= maxLengthOf(schema, property);
}

/**
 * The row with each string longer than its column cut to fit, and the properties that were cut.
 * For free text (names, subjects, file names); identities need a decision of their own first.
 */
export function fitColumns<T, R extends Partial<T>>(schema: EntitySchema<T>, row: R & Partial<T>): { row: R; cut: string[] } {
  const lengths = maxLengths(schema);
  const cut: string[] = [];
  let out = row;
  for (const [property, value] of Object.entries(row as Record<string, unknown>)) {
    const max = lengths.get(property);
    if (typeof value !== 'string' || max === undefined || value.length <= max) continue;
    if (out === row) out = { ...row };
    (out as Record<string, unknown>)[property] = cutTo(value, max);
    cut.push(property);
  }
  return { row: out, cut };
}
