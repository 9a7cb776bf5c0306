import { api } from '../../shared/api';
import { ErrorMessage, StatusBadge } from '../../shared/components';
import { useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import type { AccountMessage } from './types';

/** The log of welcome and reset messages; the text comes from the register, the password masked there. */
export function AccountLog() {
  const { t } = useI18n();
  const log = useLoad(() => api<{ items: AccountMessage[] }>('GET', '/api/roster/account-messages?limit=100'), []);
  return (
    <section aria-labelledby="roster-log-title" class="roster-log">
      <h2 id="roster-log-title">
        {t('rosterLog')}{' '}
        <button type="button" class="link" onClick={log.reload}>
          {t('retry')}
        </button>
      </h2>
      {log.error ? <ErrorMessage error={log.error} onRetry={log.reload} /> : null}
      {log.data && !log.data.items.length ? <p>{t('rosterLogEmpty')}</p> : null}
      {log.data?.items.length ? (
        <table>
          <thead>
            <tr>
              <th>{t('rosterLogWhen')}</th>
              <th>{t('rosterLogKind')}</th>
              <th>{t('rosterName')}</th>
              <th>{t('rosterLogState')}</th>
              <th>{t('rosterLogText')}</th>
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((m) => (
              <tr key={m.id} data-account-message={m.id}>
                <td>{new Date(m.createdAt).toLocaleString()}</td>
                <td>{m.kind}</td>
                <td>{m.externalId ?? m.phone}</td>
                <td>
                  {m.state} {m.status ? <StatusBadge status={m.status} /> : null} {m.error ? <small>{m.error}</small> : null}
                </td>
                <td>{m.body ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
