import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { api } from '../../shared/api';
import { ErrorMessage, Loading } from '../../shared/components';
import { formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { SmsSendView } from '../../../../server/contracts/views';
import { ProgressBar } from './ProgressBar';
import { liveness } from './progress';

/** While a send goes out its bar is re-read this often; the server's report below is read on request. */
const POLL_MS = 2000;

/**
 * One send: what was sent to whom and its live progress, then the server's report of it
 * (`report`, given the send's state so it is read again when the send has gone out: GET
 * /api/sms/sends/:id/report, statuses, segments and cost, time to delivery, failures by operator
 * reason, with the server's CSV).
 */
export function SendReport({ id, report }: { id: number; report?: (state: string) => ComponentChildren }) {
  const { t, locale } = useI18n();
  const send = useLoad(() => api<SmsSendView>('GET', `/api/sms/sends/${id}`), [id]);
  const s = send.data;
  const audience = (s?.audience as { subscribers?: { all?: boolean; localities?: unknown[]; streets?: unknown[]; categories?: string[] } } | undefined)
    ?.subscribers;
  const running = s ? liveness(s, new Date()) === 'running' : false;

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(send.reload, POLL_MS);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running]);

  return (
    <section class="send-report" aria-labelledby="report-title">
      <p>
        <a href={href.alerts()}>{t('alertsBack')}</a>
      </p>
      <h1 id="report-title">{t('alertsSendNo', { id })}</h1>
      {send.loading && !s && <Loading />}
      <ErrorMessage error={send.error} onRetry={send.reload} />
      {s && (
        <>
          <ProgressBar recipients={s.recipients} statuses={s.statuses} dispatched={s.dispatched} />
          <dl class="report-facts">
            <dt>{t('state')}</dt>
            <dd>{t(`ss_${s.state}`)}</dd>
            <dt>{t('alertsCreated')}</dt>
            <dd>{formatTime(locale, s.createdAt)}</dd>
            {s.sendAt && (
              <>
                <dt>{t('alertsSendAt')}</dt>
                <dd>{formatTime(locale, s.sendAt)}</dd>
              </>
            )}
            {s.seriesId ? (
              <>
                <dt>{t('alertsRecurring')}</dt>
                <dd>{t('alertsSeriesNo', { id: s.seriesId })}</dd>
              </>
            ) : null}
            <dt>{t('alertsAudience')}</dt>
            <dd>
              {!audience
                ? t('alertsNumbers')
                : audience.all
                  ? t('alertsAllSubscribers')
                  : t('alertsAreaSummary', { localities: audience.localities?.length ?? 0, streets: audience.streets?.length ?? 0 })}
              {audience?.categories?.length ? ` · ${audience.categories.join(', ')}` : ''}
              {s.emergency ? ` · ${t('alertsEmergency')}` : ''}
            </dd>
            <dt>{t('alertsRecipients')}</dt>
            <dd data-testid="report-recipients">{s.recipients}</dd>
            <dt>{t('alertsText')}</dt>
            <dd class="send-body">{s.body}</dd>
          </dl>
          {report?.(s.state)}
        </>
      )}
    </section>
  );
}
