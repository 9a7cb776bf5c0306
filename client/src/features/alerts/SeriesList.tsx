import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../../shared/api';
import { ErrorMessage, Loading } from '../../shared/components';
import { formatTime, useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import type { Json, Page, SmsSeriesView } from '../../../../server/contracts/views';

type Series = Json<SmsSeriesView>;

/**
 * The recurring sends still running (GET /api/sms/series?state=scheduled), each with its rule,
 * its next occurrence and a cancel button (POST /api/sms/series/:id/cancel). Each occurrence
 * appears in the list of sends when it is made. A series made on the compose screen goes to the
 * top at once.
 */
export function SeriesList({ added }: { added: Series[] }) {
  const { t, locale } = useI18n();
  const list = useLoad(() => api<Page<SmsSeriesView>>('GET', `/api/sms/series${query({ state: 'scheduled', limit: 50 })}`), []);
  const [error, setError] = useState<unknown>(null);
  const [announce, setAnnounce] = useState('');

  useEffect(() => {
    if (!added.length) return;
    list.setData((old) => (old ? { ...old, items: [...added.filter((a) => !old.items.some((o) => o.id === a.id)), ...old.items] } : old));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [added]);

  const cancel = async (s: Series) => {
    setError(null);
    try {
      const done = await api<SmsSeriesView>('POST', `/api/sms/series/${s.id}/cancel`);
      // A cancelled series leaves the list of running ones.
      list.setData((old) => (old ? { ...old, items: old.items.filter((o) => o.id !== done.id) } : old));
      setAnnounce(t('alertsSeriesCancelled', { id: s.id }));
    } catch (e) {
      setError(e);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <section class="series" aria-labelledby="series-title">
      <h2 id="series-title">{t('alertsSeries')}</h2>
      <p class="visually-hidden" role="status">
        {announce}
      </p>
      {list.loading && !list.data && <Loading />}
      <ErrorMessage error={list.error ?? error} onRetry={list.error ? list.reload : undefined} />
      {list.data && items.length === 0 && <p class="empty">{t('alertsNoSeries')}</p>}
      {items.length > 0 && (
        <ul class="send-list">
          {items.map((s) => (
            <li key={s.id} class="send" data-series-id={s.id} data-state={s.state}>
              <div class="send-head">
                <span>{t('alertsSeriesNo', { id: s.id })}</span>
                <span class={`badge ss-${s.state}`}>{t(`ss_${s.state}`)}</span>
                {s.skipHolidays && <span class="badge">{t('alertsSkipsHolidays')}</span>}
                {s.nextAt && <span class="muted">{t('alertsNextAt', { time: formatTime(locale, s.nextAt) })}</span>}
                <button type="button" class="link" onClick={() => cancel(s)} aria-label={t('alertsCancelSeries', { id: s.id })}>
                  {t('cancel')}
                </button>
              </div>
              <p class="send-body">{s.body}</p>
              <p class="hint">
                <code>{s.rrule}</code> · {s.timeZone}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
