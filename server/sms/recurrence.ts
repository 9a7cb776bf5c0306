import { Frequency, RRule, type Options } from 'rrule';
import { badRequest } from '../core/errors';
import { instantOf, utcAsWall, wallAsUtc, wallTime } from '../core/local-time';

/*
 * Recurrence rules (RFC 5545 RRULE, parsed by `rrule`) read in the municipality's time zone. The
 * rule is expanded on wall-clock time (as if the zone were UTC, where no hour is skipped or
 * repeated) and each occurrence turned into an instant in the zone afterwards: "every Monday
 * 07:00" is 07:00 local in winter and in summer.
 */

export const MAX_RRULE_LENGTH = 500;
/** No series fires more often than this. */
const MIN_GAP_MS = 3600_000;
/** How far ahead a rule is checked when it is made: it must occur in it, and its first occurrences are spaced. */
const CHECK_YEARS = 5;
const CHECK_OCCURRENCES = 50;
const ALLOWED: Frequency[] = [Frequency.YEARLY, Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY, Frequency.HOURLY];

const invalid = (message: string) => badRequest(`rrule: ${message}`, [{ path: ['rrule'], message }]);

/** The rule's options, or a 400 naming what is wrong (nothing is written before this). */
export function parseRule(text: string): Partial<Options> {
  const rule = text.trim().replace(/^RRULE:/i, '');
  if (rule.length > MAX_RRULE_LENGTH) throw invalid(`at most ${MAX_RRULE_LENGTH} characters`);
  // One RRULE line only: DTSTART and TZID come from sendAt and the municipality's zone.
  if (!/^[A-Za-z0-9=;,+-]+$/.test(rule)) throw invalid('one RRULE such as FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=0 (no DTSTART or TZID)');
  let options: Partial<Options>;
  try {
    options = RRule.parseString(rule.toUpperCase());
  } catch (e) {
    throw invalid((e as Error).message.slice(0, 200));
  }
  if (options.freq === undefined || options.freq === null) throw invalid('FREQ is required');
  if (!ALLOWED.includes(options.freq)) throw invalid('a series may recur at most hourly (FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)');
  if (options.dtstart || options.tzid) throw invalid('DTSTART and TZID are not taken: the first occurrence is sendAt, the zone the municipality’s');
  return options;
}

function ruleFrom(options: Partial<Options>, first: Date, timeZone: string, until?: Date): RRule {
  const start = wallAsUtc({ ...wallTime(first, timeZone) });
  const capped = until && (!options.until || options.until > until) ? until : (options.until ?? null);
  return new RRule({ ...options, dtstart: start, until: capped });
}

/**
 * Checks a rule before a series is made: it must occur again within five years, and its first
 * fifty occurrences must be at least an hour apart (BYMINUTE lists inside an hourly rule would not be).
 */
export function checkRule(options: Partial<Options>, first: Date, timeZone: string): void {
  const horizon = new Date(wallAsUtc(wallTime(first, timeZone)).getTime() + CHECK_YEARS * 366 * 24 * 3600_000);
  const dates = ruleFrom(options, first, timeZone, horizon).all((_, i) => i < CHECK_OCCURRENCES);
  const after = dates.filter((d) => d.getTime() > wallAsUtc(wallTime(first, timeZone)).getTime());
  if (!after.length) throw invalid(`the rule never occurs after the first send within ${CHECK_YEARS} years`);
  for (let i = 1; i < dates.length; i++)
    if (dates[i].getTime() - dates[i - 1].getTime() < MIN_GAP_MS) throw invalid('occurrences must be at least an hour apart');
}

/** The first occurrence after `after` (an instant), or null when the rule has run out. */
export function nextOccurrence(options: Partial<Options>, first: Date, timeZone: string, after: Date): Date | null {
  const rule = ruleFrom(options, first, timeZone);
  let wall = wallAsUtc(wallTime(after, timeZone));
  // A wall time repeated by the autumn change maps back to an instant not after `after`: look on.
  for (let tries = 0; tries < 3; tries++) {
    const next = rule.after(wall, false);
    if (!next) return null;
    const at = instantOf(utcAsWall(next), timeZone);
    if (at.getTime() > after.getTime()) return at;
    wall = next;
  }
  return null;
}
