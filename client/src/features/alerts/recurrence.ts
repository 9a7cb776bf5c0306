/*
 * The officer's simple recurrence: daily, or weekly on chosen days, at a time of day, optionally
 * until a last day. It becomes an RFC 5545 RRULE for `rrule`, with BYHOUR/BYMINUTE written out so
 * the server keeps the wall-clock time across the change to summer time, and its first occurrence
 * becomes `sendAt` (MISSION: "the first occurrence at sendAt").
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Recurrence {
  freq: 'daily' | 'weekly';
  /** Weekly only; at least one. */
  days: Weekday[];
  /** HH:MM, local time. */
  time: string;
  /** YYYY-MM-DD, the last local day it may run; empty for no end. */
  until?: string;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Date.getDay() counts from Sunday. */
const weekdayOf = (d: Date): Weekday => WEEKDAYS[(d.getDay() + 6) % 7];

const utcStamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The end of the last day (local), as RFC 5545 wants UNTIL: a UTC date-time. */
function untilOf(day: string): Date | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return Number.isNaN(d.getTime()) || d.getDate() !== Number(m[3]) ? null : d;
}

/** The RRULE, or null while the choice is incomplete (no time, no day of a weekly rule, a bad last day). */
export function toRrule(r: Recurrence): string | null {
  const t = TIME.exec(r.time);
  if (!t) return null;
  const parts = [`FREQ=${r.freq === 'daily' ? 'DAILY' : 'WEEKLY'}`];
  if (r.freq === 'weekly') {
    if (r.days.length === 0) return null;
    parts.push(`BYDAY=${WEEKDAYS.filter((d) => r.days.includes(d)).join(',')}`);
  }
  parts.push(`BYHOUR=${Number(t[1])}`, `BYMINUTE=${Number(t[2])}`, 'BYSECOND=0');
  if (r.until) {
    const until = untilOf(r.until);
    if (!until) return null;
    parts.push(`UNTIL=${utcStamp(until)}`);
  }
  return parts.join(';');
}

/** The first time the rule fires after `now` (local time), or null if it never will before its end. */
export function firstOccurrence(r: Recurrence, now: Date): Date | null {
  const t = TIME.exec(r.time);
  if (!t || (r.freq === 'weekly' && r.days.length === 0)) return null;
  const until = r.until ? untilOf(r.until) : null;
  if (r.until && !until) return null;
  // Within eight days every weekday comes round, and today's time may already have passed.
  for (let i = 0; i <= 7; i++) {
    const c = new Date(now.getFullYear(), now.getMonth(), now.getDate() + i, Number(t[1]), Number(t[2]), 0, 0);
    if (c <= now) continue;
    if (r.freq === 'weekly' && !r.days.includes(weekdayOf(c))) continue;
    return until && c > until ? null : c;
  }
  return null;
}
