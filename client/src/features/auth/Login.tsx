import { useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../shared/api';
import { errorText, useI18n, type Locale } from '../../shared/i18n';
import type { SessionView } from '../../../../server/contracts/views';
import { LocaleSwitch } from '../../shared/LocaleSwitch';

/**
 * A real form, so Enter submits and password managers recognise it. The code field is always
 * there (optional) so an agent with two-step log-in can give everything at once; when the API
 * answers totp_required it is marked required and focused.
 */
export function Login({ onLoggedIn, setLocale }: { onLoggedIn: (s: SessionView) => void; setLocale: (l: Locale) => void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [needCode, setNeedCode] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    const totp = String(form.get('totp') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError(null);
    try {
      const r = await api<SessionView>('POST', '/api/auth/login', { email, password, ...(totp ? { totp } : {}) });
      onLoggedIn({ token: r.token, user: r.user, scope: r.scope });
    } catch (err) {
      if (err instanceof ApiError && (err.code === 'totp_required' || err.code === 'invalid_totp')) {
        setNeedCode(true);
        setTimeout(() => codeRef.current?.focus(), 0);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <div class="login-card">
        <div class="login-head">
          <h1>{t('appName')}</h1>
          <LocaleSwitch setLocale={setLocale} />
        </div>
        <h2>{t('loginTitle')}</h2>
        <form method="post" action="#" onSubmit={submit} aria-busy={busy}>
          <label class="field">
            <span class="field-label">{t('email')}</span>
            <input name="email" type="email" autocomplete="username" required autoFocus />
          </label>
          <label class="field">
            <span class="field-label">{t('password')}</span>
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <label class={`field${needCode ? ' attention' : ''}`}>
            <span class="field-label">{t('totpCode')}</span>
            <input
              ref={codeRef}
              name="totp"
              type="text"
              autocomplete="one-time-code"
              inputmode="numeric"
              pattern="[0-9 ]{6,7}"
              maxLength={7}
              required={needCode}
              aria-describedby="totp-hint"
            />
            <span class="hint" id="totp-hint">
              {needCode ? t('totpNeeded') : t('totpHint')}
            </span>
          </label>
          {error !== null && !(error instanceof ApiError && error.code === 'totp_required') && (
            <p class="error" role="alert">
              {errorText(t, error)}
            </p>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('loggingIn') : t('logIn')}
          </button>
        </form>
      </div>
    </main>
  );
}
