import type { DataSource } from 'typeorm';

/**
 * Records every SQL statement the data source runs until `stop`, through its logger (so the
 * driver's own statements are counted as they are sent); tests use it to bound a path's statements.
 */
export function countStatements(ds: DataSource): { statements: string[]; stop(): void } {
  const original = ds.logger;
  const statements: string[] = [];
  ds.logger = new Proxy(original, {
    get: (target, prop, receiver) => (prop === 'logQuery' ? (query: string) => void statements.push(query) : (Reflect.get(target, prop, receiver) as unknown)),
  });
  return { statements, stop: () => void (ds.logger = original) };
}
