/*
 * Wall-clock time in the municipality's time zone, with nothing but Intl: what a recurring rule
 * and quiet hours are stated in, so "07:00" stays 07:00 local across the change to summer time.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (an IANA name such as Europe/Oslo). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

export function wallTime(at: Date, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
}

/** The wall time as if it were UTC: how recurrence rules are expanded (no zone, no jumps). */
export const wallAsUtc = (w: WallTime): Date => new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
export const utcAsWall = (d: Date): WallTime => ({
  year: d.getUTCFullYear(),
  month: d.getUTCMonth() + 1,
  day: d.getUTCDate(),
  hour: d.getUTCHours(),
  minute: d.getUTCMinutes(),
  second: d.getUTCSeconds(),
});

/**
 * The instant the zone's clocks show `w`. A wall time skipped by the spring change (02:30 on the
 * last Sunday of March in Oslo) is taken as the same time after the change (03:30); one that
 * happens twice in autumn is the first.
 */
export function instantOf(w: WallTime, timeZone: string): Date {
  const target = wallAsUtc(w).getTime();
  const offsetAt = (t: number) => wallAsUtc(wallTime(new Date(t), timeZone)).getTime() - t;
  // Two rounds settle the offset on both sides of a change.
  let guess = target - offsetAt(target);
  guess = target - offsetAt(guess);
  const early = target - offsetAt(guess - 3600_000);
  if (early < guess && wallAsUtc(wallTime(new Date(early), timeZone)).getTime() === target) return new Date(early);
  return new Date(guess);
}

/** A local date as YYYY-MM-DD. */
export const localDate = (at: Date, timeZone: string): string => {
  const w = wallTime(at, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
};

/** Quiet hours as minutes after local midnight; `start` > `end` spans midnight (21:00–08:00). */
export interface QuietHours {
  start: number;
  end: number;
}

export function parseQuietHours(v: string): QuietHours | null | undefined {
  if (v === 'off') return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) return undefined;
  const start = +m[1] * 60 + +m[2];
  const end = +m[3] * 60 + +m[4];
  return start === end ? undefined : { start, end };
}

/** When quiet hours that hold `at` end, or null when `at` is outside them. */
export function quietUntil(at: Date, quiet: QuietHours | null, timeZone: string): Date | null {
  if (!quiet) return null;
  const w = wallTime(at, timeZone);
  const minute = w.hour * 60 + w.minute;
  const inside = quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end;
  if (!inside) return null;
  // The end is today when it is still ahead on the clock, else tomorrow.
  const day = wallAsUtc({ ...w, hour: 0, minute: 0, second: 0 });
  if (minute >= quiet.end) day.setUTCDate(day.getUTCDate() + 1);
  return instantOf({ ...utcAsWall(day), hour: Math.floor(quiet.end / 60), minute: quiet.end % 60, second: 0 }, timeZone);
}
