import { z } from 'zod';

/** The languages residents read the alert pages, codes and consent texts in. */
export const ALERT_LANGS = ['pl', 'nb', 'en'] as const;
export type AlertLang = (typeof ALERT_LANGS)[number];
export const isAlertLang = (v: unknown): v is AlertLang => typeof v === 'string' && (ALERT_LANGS as readonly string[]).includes(v);

/** The language of a municipality's own country, for residents who did not choose one. */
export const langOfCountry = (country: string): AlertLang => (country === 'PL' ? 'pl' : country === 'NO' ? 'nb' : 'en');

// Bounded before anything else reads them: the phone goes through libphonenumber, the code is compared.
const phone = z.string().max(40);
/** Any string up to 32 characters: a code of the wrong shape is simply a wrong code (invalid_code). */
const code = z.string().max(32);
const idString = z.union([z.string().max(20), z.number().int().nonnegative()]).transform(String);

export const codeRequest = z.object({ phone, language: z.enum(ALERT_LANGS).optional() }).strict();
export const subscriptionBody = z
  .object({
    phone,
    code,
    locality: idString,
    streets: z.array(idString).max(500).optional(),
    categories: z.array(z.string().max(32)).max(50).optional(),
    language: z.enum(ALERT_LANGS).optional(),
  })
  .strict();
export const proofBody = z.object({ phone, code, language: z.enum(ALERT_LANGS).optional() }).strict();
export const staffExportQuery = z.object({ phone }).strict();

export type SubscriptionBody = z.infer<typeof subscriptionBody>;
