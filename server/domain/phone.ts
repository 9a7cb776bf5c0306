import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * A number in any common notation ("+47 912 34 567", "0047 91234567", "912 34 567") as E.164,
 * or null when it is not a valid number. Every stored and compared number goes through here.
 */
export function toE164(raw: string, defaultCountry: CountryCode): string | null {
  const trimmed = raw.trim();
  if (!trimmed || trimmed.length > 40 || !/^[+\d()\-.\s/]+$/.test(trimmed)) return null;
  const international = trimmed.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(international, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** ISO country of an E.164 number, for delivery-status views. */
export function countryOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
