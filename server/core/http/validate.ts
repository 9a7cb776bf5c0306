import type { z } from 'zod';
import { AppError } from '../errors';

/** Parses untrusted input with a zod schema; anything off is a 400 naming each bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
  const first = details[0];
  throw new AppError(400, 'invalid_input', `Invalid ${what}: ${first.path.join('.') || what} ${first.message}`, details);
}
