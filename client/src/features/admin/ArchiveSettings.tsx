import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, useI18n } from '../../shared/i18n';
import { NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';

interface Archive {
  pushUrl: string | null;
  /** "set" when a token is stored; the token itself is never shown. */
  token: 'set' | null;
}

/** Where journal posts are pushed (the archive's Noark 5 endpoint) and its token; the host must be on the outbound allow-list. */
export function ArchiveSettings() {
  const { t } = useI18n();
  const loaded = useLoad(() => api<Archive>('GET', '/api/journal/archive'), []);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const pushUrl = String(f.get('pushUrl') ?? '').trim() || null;
    const token = String(f.get('token') ?? '');
    setMessage(null);
    try {
      // An empty token field keeps the stored token; a new one replaces it.
      await api('PUT', '/api/journal/archive', { pushUrl, ...(token ? { token } : {}) });
      setMessage({ ok: true, text: t('adminSaved') });
      loaded.reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(t, err) });
    }
  };
  if (!loaded.data) return <NotLoaded loaded={loaded} />;
  return (
    <form class="admin-form" onSubmit={save} aria-labelledby="admin-archive">
      <h3 id="admin-archive">{t('adminArchive')}</h3>
      <label>
        <span>{t('adminArchiveUrl')}</span>
        <input name="pushUrl" type="url" defaultValue={loaded.data.pushUrl ?? ''} maxLength={500} size={50} />
      </label>
      <label>
        <span>{loaded.data.token ? t('adminArchiveTokenSet') : t('adminArchiveToken')}</span>
        <input name="token" type="password" minLength={8} maxLength={500} autocomplete="off" />
      </label>
      <button type="submit">{t('adminSave')}</button>
      {message && (
        <p class={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
