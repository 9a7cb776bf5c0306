import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey } from './i18n-en';
import { nb } from './i18n-nb';
import { ApiError } from './api';

export type Locale = 'nb' | 'en';
export const LOCALES: Locale[] = ['nb', 'en'];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { nb, en };

/** The user's locale from /api/auth/me; Danish and Polish users get English until there is text for them. */
export function localeOf(userLocale: string | undefined): Locale {
  return userLocale === 'nb' || userLocale === 'nn' || userLocale === 'no' ? 'nb' : 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const dict = dictionaries[locale];
  return (key, vars) => {
    const s = dict[key] ?? en[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : s;
  };
}

export const I18n = createContext<{ locale: Locale; t: Translate }>({ locale: 'nb', t: translator('nb') });
export const useI18n = () => useContext(I18n);

/** A sentence for an API error, in the user's language, for codes the console knows. */
export function errorText(t: Translate, e: unknown): string {
  if (e instanceof ApiError) {
    const known = `err_${e.code}` as MessageKey;
    if (e.code === 'too_many_attempts') {
      const seconds = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
      return t('err_too_many_attempts', { seconds });
    }
    if (known in en) return t(known);
    if (e.status === 403) return t('err_forbidden');
    if (e.status === 404) return t('err_not_found');
    return t('err_generic', { message: e.message });
  }
  return t('err_generic', { message: e instanceof Error ? e.message : String(e) });
}

export function formatTime(locale: Locale, iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}
