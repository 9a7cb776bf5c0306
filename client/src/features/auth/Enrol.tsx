import { useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { api } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import type { MeView, SessionView, TotpEnrolmentView, UserView } from '../../../../server/contracts/views';
import { ErrorMessage, Loading } from '../../shared/components';

/**
 * An administrator's first log-in: the token only allows enrolment. The QR code is drawn on a
 * canvas in the browser, so the secret never goes to a QR service and the CSP needs no data: URL.
 */
export function Enrol({ session, onEnrolled, onLogOut }: { session: SessionView; onEnrolled: (u: UserView) => void; onLogOut: () => void }) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<TotpEnrolmentView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);

  const start = () => {
    setError(null);
    api<TotpEnrolmentView>('POST', '/api/auth/totp/enrol').then(setEnrolment, setError);
  };
  useEffect(start, []);

  useEffect(() => {
    if (enrolment && canvas.current) QRCode.toCanvas(canvas.current, enrolment.otpauthUrl, { width: 220, margin: 2 }).catch(setError);
  }, [enrolment]);

  const confirm = async (e: Event) => {
    e.preventDefault();
    const totp = String(new FormData(e.currentTarget as HTMLFormElement).get('totp') ?? '').replace(/\s/g, '');
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/totp/confirm', { totp });
      const me = await api<MeView>('GET', '/api/auth/me');
      onEnrolled(me.user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <div class="login-card">
        <h1>{t('enrolTitle')}</h1>
        <p>{t('enrolIntro')}</p>
        <p class="muted">{session.user.email}</p>
        {!enrolment && !error && <Loading />}
        {enrolment && (
          <>
            <canvas ref={canvas} class="qr" role="img" aria-label={enrolment.otpauthUrl.replace(/secret=[^&]+/, 'secret=…')} />
            <p>
              {t('enrolSecret')} <code class="secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            </p>
            <form onSubmit={confirm}>
              <label class="field">
                <span class="field-label">{t('totpCode')}</span>
                <input name="totp" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 ]{6,7}" maxLength={7} required autoFocus />
              </label>
              <button type="submit" class="primary" disabled={busy}>
                {t('enrolConfirm')}
              </button>
            </form>
          </>
        )}
        <ErrorMessage error={error} onRetry={enrolment ? undefined : start} />
        <button type="button" class="link" onClick={onLogOut}>
          {t('logOut')}
        </button>
      </div>
    </main>
  );
}
