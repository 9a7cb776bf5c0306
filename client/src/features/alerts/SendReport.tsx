import { api } from '../../shared/api';
import { ErrorMessage, Loading, StatusBadge } from '../../shared/components';
import { formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { SmsSendView } from '../../../../server/contracts/views';
import { ProgressBar } from './ProgressBar';
import { download, reportCsv, reportRow } from './report';

/** One send's report: what was sent to whom, and its messages counted by status, with a CSV. */
export function SendReport({ id }: { id: number }) {
  const { t, locale } = useI18n();
  const send = useLoad(() => api<SmsSendView>('GET', `/api/sms/sends/${id}`), [id]);
  const s = send.data;
  const row = s ? reportRow(s) : null;
  const audience = (s?.audience as { subscribers?: { all?: boolean; localities?: unknown[]; streets?: unknown[]; categories?: string[] } } | undefined)
    ?.subscribers;
  const statuses = s ? Object.entries(s.statuses).filter(([, n]) => (n ?? 0) > 0) : [];

  return (
    <section class="send-report" aria-labelledby="report-title">
      <p>
        <a href={href.alerts()}>{t('alertsBack')}</a>
      </p>
      <h1 id="report-title">{t('alertsSendNo', { id })}</h1>
      {send.loading && !s && <Loading />}
      <ErrorMessage error={send.error} onRetry={send.reload} />
      {s && row && (
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
            {s.rrule && (
              <>
                <dt>{t('alertsRrule')}</dt>
                <dd>
                  <code>{s.rrule}</code>
                </dd>
              </>
            )}
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
            <dt>{t('alertsSegmentsPerMessage')}</dt>
            <dd>{row.segmentsPerMessage}</dd>
            <dt>{t('alertsText')}</dt>
            <dd class="send-body">{s.body}</dd>
          </dl>
          <table class="report-statuses">
            <caption>{t('alertsByStatus')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('alertsMessages')}</th>
              </tr>
            </thead>
            <tbody>
              {statuses.map(([status, n]) => (
                <tr key={status}>
                  <td>
                    <StatusBadge status={status} />
                  </td>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="button" onClick={send.reload}>
              {t('alertsRefresh')}
            </button>{' '}
            <button type="button" onClick={() => download(`send-${id}.csv`, reportCsv([row]))}>
              {t('exportCsv')}
            </button>
          </p>
        </>
      )}
    </section>
  );
}
