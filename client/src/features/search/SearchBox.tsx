import { useI18n } from '../../shared/i18n';
import { href, navigate } from '../../shared/router';

/** The front desk's one box in the header: a number, an e-mail, a name, a case or inquiry number; Enter searches. */
export function SearchBox({ current }: { current: string }) {
  const { t } = useI18n();
  return (
    <form
      role="search"
      class="search-box"
      onSubmit={(e) => {
        e.preventDefault();
        const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
        if (q) navigate(href.search(q.slice(0, 200)));
      }}
    >
      <label>
        <span class="visually-hidden">{t('searchLabel')}</span>
        <input type="search" name="q" maxLength={200} placeholder={t('searchPlaceholder')} defaultValue={current} key={current} autocomplete="off" />
      </label>
    </form>
  );
}
