import { api } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import type { Page, SmsSendView } from '../../../../server/contracts/views';
import { ErrorMessage, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { useAction } from './use-action';

/** Sends held for approval (a link to an unknown host, an unusual volume): read, then approve or reject. */
export function ApprovalQueue() {
  const { t, locale } = useI18n();
  const loaded = useLoad(() => api<Page<SmsSendView>>('GET', '/api/sms/sends?state=awaiting_approval'), []);
  const { error, run } = useAction(loaded.reload);
  const decide = (id: number, verb: 'approve' | 'reject') => run(() => api('POST', `/api/sms/sends/${id}/${verb}`));
  return (
    <section aria-labelledby="admin-approvals">
      <h2 id="admin-approvals">{t('adminApprovals')}</h2>
      <ErrorMessage error={error} />
      {loaded.loading || !loaded.data ? (
        <NotLoaded loaded={loaded} />
      ) : loaded.data.items.length === 0 ? (
        <p class="muted">{t('adminNoApprovals')}</p>
      ) : (
        <ul class="plain">
          {loaded.data.items.map((x) => (
            <li key={x.id} data-send-id={x.id}>
              <strong>#{x.id}</strong> {x.sender} → {t('adminRecipients', { n: x.recipients })} ·{' '}
              <time dateTime={x.createdAt}>{formatTime(locale, x.createdAt)}</time>
              <blockquote>{x.body}</blockquote>
              <button type="button" onClick={() => decide(x.id, 'approve')}>
                {t('adminApprove')}
              </button>{' '}
              <button type="button" onClick={() => decide(x.id, 'reject')}>
                {t('adminReject')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
