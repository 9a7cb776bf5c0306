import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import type { ApiKeyView } from '../../../../server/contracts/views';
import { ErrorMessage, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { useAction } from './use-action';

/** The case system's API keys: made here, shown once, revoked here. */
export function ApiKeysAdmin() {
  const { t, locale } = useI18n();
  const keys = useLoad(() => api<ApiKeyView[]>('GET', '/api/api-keys'), []);
  const [fresh, setFresh] = useState<string | null>(null);
  const { error, run } = useAction(keys.reload);
  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    setFresh(null);
    void run(async () => {
      const made = await api<{ id: number; key: string }>('POST', '/api/api-keys', { name });
      setFresh(made.key);
      form.reset();
    });
  };
  return (
    <section aria-labelledby="admin-api-keys">
      <h2 id="admin-api-keys">{t('adminApiKeys')}</h2>
      <ErrorMessage error={error} />
      {fresh && (
        <p class="ok" role="status">
          {t('adminApiKeyShownOnce')} <code data-testid="new-api-key">{fresh}</code>
        </p>
      )}
      {!keys.data ? (
        <NotLoaded loaded={keys} />
      ) : (
        <ul class="plain">
          {keys.data.map((k) => (
            <li key={k.id} data-api-key={k.id}>
              <strong>{k.name}</strong> <span class="muted">{k.userEmail}</span> · <time dateTime={k.createdAt}>{formatTime(locale, k.createdAt)}</time>{' '}
              {k.revokedAt ? (
                <span class="badge">{t('adminRevoked')}</span>
              ) : (
                <button type="button" onClick={() => run(() => api('DELETE', `/api/api-keys/${k.id}`))}>
                  {t('adminRevoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="admin-form" onSubmit={create}>
        <label>
          <span>{t('adminApiKeyName')}</span>
          <input name="name" required maxLength={191} />
        </label>
        <button type="submit">{t('adminCreateApiKey')}</button>
      </form>
    </section>
  );
}
