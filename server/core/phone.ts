import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * A number in any common notation ("+47 912 34 567", "0047 91234567", "912 34 567") as E.164,
 * or null when it is not a valid number. Every stored and compared number goes through here.
 */
export function toE164(raw: string, defaultCountry: CountryCode): string | null {
  const key = `${defaultCountry} ${raw}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const e164 = parse(raw, defaultCountry);
  // Bounded: cleared when full rather than tracking use, as the same few numbers recur in bursts.
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, e164);
  return e164;
}

/**
 * Parsing with full metadata costs tens of microseconds, and one inbound message normalises
 * the same two numbers several times (adapter, keyword handling, register): a pure function, memoised.
 */
const recent = new Map<string, string | null>();
const RECENT_MAX = 10_000;

function parse(raw: string, defaultCountry: CountryCode): string | null {
  const trimmed = raw.trim();
  if (!trimmed || trimmed.length > 40 || !/^[+\d()\-.\s/]+$/.test(trimmed)) return null;
  const international = trimmed.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(international, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}
