import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, query } from '../../shared/api';
import { ErrorMessage, Loading } from '../../shared/components';
import { formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import type { Json, Page, SmsSendView } from '../../../../server/contracts/views';
import { ProgressBar } from './ProgressBar';
import { liveness } from './progress';

type Send = Json<SmsSendView>;

/** How often a running send's figures are asked for; delivery reports of a finished send, every fifth time. */
const POLL_MS = 2000;
const REPORTS_EVERY = 5;
/** States in which nothing has left yet, so the send can still be cancelled (POST /api/sms/sends/:id/cancel). */
const CANCELLABLE = ['scheduled', 'awaiting_approval', 'paused'];

/**
 * The officers' sends, newest first, each with a progress bar. Sends still going out are asked
 * for one by one every two seconds (GET /api/sms/sends/:id: counts only, however large the send),
 * and those awaiting delivery reports every ten.
 */
export function SendsList({ added }: { added: Send[] }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<Send[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'unavailable' | 'error'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState('');
  const itemsRef = useRef(items);
  itemsRef.current = items;

  const page = (c?: string) => api<Page<SmsSendView>>('GET', `/api/sms/sends${query({ cursor: c, limit: 20 })}`);
  const load = () => {
    setState('loading');
    page().then(
      (p) => {
        setItems(p.items);
        setCursor(p.nextCursor);
        setState('ready');
      },
      (e) => {
        if (e instanceof ApiError && e.status === 404) return setState('unavailable');
        setError(e);
        setState('error');
      },
    );
  };
  useEffect(load, []);

  // A send made on the compose screen goes to the top at once (it may not be on the page yet).
  useEffect(() => {
    if (!added.length) return;
    setItems((old) => [...added.filter((a) => !old.some((o) => o.id === a.id)), ...old]);
  }, [added]);

  const replace = (s: Send) => setItems((old) => old.map((o) => (o.id === s.id ? { ...o, ...s } : o)));

  useEffect(() => {
    let tick = 0;
    const timer = setInterval(() => {
      const now = new Date();
      const reports = ++tick % REPORTS_EVERY === 0;
      for (const s of itemsRef.current.filter((x) => {
        const live = liveness(x, now);
        return live === 'running' || (live === 'reports' && reports);
      }))
        api<SmsSendView>('GET', `/api/sms/sends/${s.id}`).then(
          (fresh) => {
            replace(fresh);
            if (fresh.state !== s.state) setAnnounce(t('alertsStateChanged', { id: s.id, state: t(`ss_${fresh.state}`) }));
          },
          () => undefined,
        );
    }, POLL_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const cancel = async (s: Send) => {
    setError(null);
    try {
      replace(await api<SmsSendView>('POST', `/api/sms/sends/${s.id}/cancel`));
      setAnnounce(t('alertsCancelled', { id: s.id }));
    } catch (e) {
      setError(e);
    }
  };

  const more = async () => {
    if (!cursor) return;
    try {
      const p = await page(cursor);
      setItems((old) => [...old, ...p.items.filter((x) => !old.some((o) => o.id === x.id))]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="sends" aria-labelledby="sends-title">
      <h2 id="sends-title">{t('alertsSends')}</h2>
      <p class="visually-hidden" role="status">
        {announce}
      </p>
      {state === 'loading' && <Loading />}
      {state === 'unavailable' && <p class="empty">{t('alertsSendsUnavailable')}</p>}
      <ErrorMessage error={error} onRetry={state === 'error' ? load : undefined} />
      {state === 'ready' && items.length === 0 && <p class="empty">{t('alertsNoSends')}</p>}
      {items.length > 0 && (
        <ul class="send-list">
          {items.map((s) => (
            <li key={s.id} class="send" data-send-id={s.id} data-state={s.state}>
              <div class="send-head">
                <a href={href.alertSend(s.id)}>{t('alertsSendNo', { id: s.id })}</a>
                <span class={`badge ss-${s.state}`}>{t(`ss_${s.state}`)}</span>
                {s.emergency && <span class="badge emergency">{t('alertsEmergency')}</span>}
                {s.rrule || s.seriesId ? <span class="badge">{t('alertsRecurring')}</span> : null}
                <span class="muted">{formatTime(locale, s.sendAt ?? s.createdAt)}</span>
                {CANCELLABLE.includes(s.state) && (
                  <button type="button" class="link" onClick={() => cancel(s)} aria-label={t('alertsCancelSend', { id: s.id })}>
                    {t('cancel')}
                  </button>
                )}
              </div>
              <p class="send-body">{s.body}</p>
              <ProgressBar recipients={s.recipients} statuses={s.statuses} dispatched={s.dispatched} />
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={more}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
