import { z } from 'zod';

/*
 * Field shapes every feature's request schemas share. Each feature keeps its own bodies and
 * queries beside its routes; objects there are strict: an unknown field is a mistake the caller
 * should hear about, not something we silently drop.
 */

export const text = (max: number) => z.string().trim().min(1).max(max);
export const optionalText = (max: number) => z.string().trim().max(max).optional();
export const email = z.string().trim().max(191).pipe(z.email());
export const idParam = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
