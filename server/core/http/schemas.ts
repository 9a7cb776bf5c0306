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

/** The largest page any list answers; one number for every list, so an integrator learns it once. */
export const PAGE_LIMIT_MAX = 500;
export const pageLimit = z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX);

const DAY_MS = 86_400_000;
const plainDay = /^\d{4}-\d{2}-\d{2}$/;
/** A plain day (2026-12-01) or a date and time with an offset; bounded before any pattern runs. */
const dayOrTime = z
  .string()
  .max(40)
  .refine((v) => (plainDay.test(v) ? z.iso.date().safeParse(v).success : z.iso.datetime({ offset: true }).safeParse(v).success), {
    message: 'a day (2026-12-01) or a date and time with offset (2026-12-01T08:00:00+01:00)',
    // Stops here: the period checks that follow compare dates and must never see the raw text.
    abort: true,
  });

/**
 * Every date filter, on lists, reports and exports alike: `from` is a day's start (UTC) or the
 * moment given; `to` includes the whole of a plain day (its end, exclusive) or is the moment given.
 * So `from=2026-12-01&to=2026-12-01` is that one day.
 */
export const fromDate = dayOrTime.transform((v) => new Date(plainDay.test(v) ? `${v}T00:00:00Z` : v));
export const toDate = dayOrTime.transform((v) => (plainDay.test(v) ? new Date(Date.parse(`${v}T00:00:00Z`) + DAY_MS) : new Date(v)));
