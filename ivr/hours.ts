import { z } from 'zod';

/*
 * Opening hours of a department: {timezone, weekly {"1".."7": ["08:00-15:30"]}, holidays}.
 * No hours at all means open around the clock; a weekday missing from `weekly` is closed.
 */

const span = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a span is "HH:MM-HH:MM"');
export const openingHoursSchema = z
  .object({
    timezone: z.string().refine(isTimeZone, 'unknown time zone'),
    weekly: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(span).max(6)),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
      .max(400)
      .default([]),
  })
  .strict();
export type Hours = z.infer<typeof openingHoursSchema>;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(now: Date, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(now).map((x) => [x.type, x.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday) + 1;
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: String(weekday), minutes: Number(p.hour) * 60 + Number(p.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a department with these hours is open at `now`. Hours that do not parse count as open: a typo must not lock callers out. */
export function isOpen(hours: unknown, now: Date): boolean {
  if (hours === null || hours === undefined) return true;
  const parsed = openingHoursSchema.safeParse(hours);
  if (!parsed.success) return true;
  const h = parsed.data;
  const local = localParts(now, h.timezone);
  if (h.holidays.includes(local.date)) return false;
  const spans = h.weekly[local.weekday as keyof typeof h.weekly] ?? [];
  return spans.some((s) => {
    const [from, to] = s.split('-');
    return local.minutes >= toMinutes(from) && local.minutes < toMinutes(to);
  });
}
