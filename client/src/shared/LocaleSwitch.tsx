import { LOCALES, useI18n, type Locale } from './i18n';

const names: Record<Locale, string> = { nb: 'Norsk', en: 'English' };

export function LocaleSwitch({ setLocale }: { setLocale: (l: Locale) => void }) {
  const { locale, t } = useI18n();
  return (
    <label class="locale-switch">
      <span class="visually-hidden">{t('language')}</span>
      <select value={locale} onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
        {LOCALES.map((l) => (
          <option value={l} lang={l} key={l}>
            {names[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
