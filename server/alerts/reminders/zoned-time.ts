/*
 * Wall-clock time in the municipality's time zone without a date library: Intl gives the zone's
 * offset at an instant, and a local date and time is turned into the instant that shows it there.
 * "The evening before at 18:00" then stays 18:00 on the day summer time starts or ends.
 */

import { isTimeZone, wallAsUtc, wallTime } from '../../core/local-time';

/** A calendar day as written in schedules: YYYY-MM-DD. */
export type Day = string;

// The zone's clock is read with the kernel's one Intl helper (server/core/local-time.ts), which
// recurring sends and quiet hours use too; this file adds the calendar days schedules speak in.
export { isTimeZone };

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date and time an instant shows in the zone. */
export function localParts(at: Date, timeZone: string): { day: Day; hh: number; mm: number } {
  const w = wallTime(at, timeZone);
  return { day: `${w.year}-${pad(w.month)}-${pad(w.day)}`, hh: w.hour, mm: w.minute };
}

/** The zone's offset from UTC at an instant, in milliseconds (Oslo in winter: +3,600,000). */
function offsetAt(at: Date, timeZone: string): number {
  return wallAsUtc(wallTime(at, timeZone)).getTime() - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant the zone's clocks show `day` at `hhmm`. A time the clocks skip (02:30 on the night
 * summer time starts) is taken as the same time after the jump; a time shown twice, as the first.
 */
export function zonedInstant(day: Day, hhmm: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = hhmm.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // The zone's offset a day before and a day after: at most one change lies between them.
  const before = wall - offsetAt(new Date(wall - 86_400_000), timeZone);
  const after = wall - offsetAt(new Date(wall + 86_400_000), timeZone);
  const reads = (t: number) => {
    const p = localParts(new Date(t), timeZone);
    return p.day === day && p.hh === hh && p.mm === mm;
  };
  const shown = [before, after].filter(reads).sort((a, b) => a - b);
  // In the gap (02:30 when 02:00 jumps to 03:00) neither reads back; the old offset gives 03:30.
  return new Date(shown.length ? shown[0] : before);
}

/** The day before (or `n` days after) a calendar day. */
export function addDays(day: Day, n: number): Day {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** A real calendar day in YYYY-MM-DD (2026-02-30 is not). */
export function isDay(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A date as schedules write it: 2026-03-10, 10.03.2026 or 10/03/2026 (day first, as in Poland and Norway). */
export function parseDay(v: string): Day | null {
  const s = v.trim();
  if (s.length > 10) return null;
  if (isDay(s)) return s;
  const m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
  if (!m) return null;
  const day = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isDay(day) ? day : null;
}
