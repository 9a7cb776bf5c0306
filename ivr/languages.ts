/**
 * The languages of the voice menu. `*` cycles through them in this order; nb-NO is the default.
 * Each carries the voice Twilio's <Say> uses as the last resort and the espeak-ng voice of the
 * offline engine, so one table decides how a language sounds everywhere.
 */
export const LANGUAGES = ['nb-NO', 'en-GB', 'pl-PL', 'da-DK'] as const;
export type Lang = (typeof LANGUAGES)[number];

export interface LanguageVoices {
  /** Twilio <Say voice> (Amazon Polly voices Twilio offers for the language). */
  say: string;
  /** espeak-ng voice name. */
  espeak: string;
  /** Google Cloud TTS voice name. */
  google: string;
}

export const VOICES: Record<Lang, LanguageVoices> = {
  'nb-NO': { say: 'Polly.Liv', espeak: 'nb', google: 'nb-NO-Standard-A' },
  'en-GB': { say: 'Polly.Amy', espeak: 'en-gb', google: 'en-GB-Standard-A' },
  'pl-PL': { say: 'Polly.Ewa', espeak: 'pl', google: 'pl-PL-Standard-A' },
  'da-DK': { say: 'Polly.Naja', espeak: 'da', google: 'da-DK-Standard-A' },
};

export function nextLanguage(current: Lang, enabled: readonly Lang[]): Lang {
  const i = enabled.indexOf(current);
  return enabled[(i + 1) % enabled.length] ?? enabled[0];
}
