import { api } from './api';
import { endpoints } from './config';
import { formatTime, useI18n } from './i18n';
import type { MessageDetailView, SmsMessageHistoryView } from '../../../server/contracts/views';
import { ErrorMessage, Loading, StatusBadge } from './components';
import { useLoad } from './use-load';

const SHOWN = new Set(['status', 'at']);

/**
 * Every status event of one message, oldest first, with the provider's details. The inquiry page
 * reads GET /api/messages/:id (register roles); the delivery view passes `sms` to read
 * GET /api/sms/messages/:id, which is the one officers may see.
 */
export function MessageHistory({ id, source = 'inquiry' }: { id: number; source?: 'inquiry' | 'sms' }) {
  const { t, locale } = useI18n();
  const loaded = useLoad(
    () => api<MessageDetailView | SmsMessageHistoryView>('GET', source === 'sms' ? endpoints.smsMessage(id) : endpoints.message(id)),
    [id, source],
  );
  if (loaded.loading) return <Loading />;
  if (!loaded.data) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  const m = loaded.data;
  return (
    <div class="history">
      <h3>
        {t('statusHistory')} · #{m.id} {m.to && `→ ${m.to}`}
      </h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('time')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('detail')}</th>
          </tr>
        </thead>
        <tbody>
          {m.events.map((e, i) => (
            <tr key={i}>
              <td>
                <time dateTime={e.at}>{formatTime(locale, e.at)}</time>
              </td>
              <td>
                <StatusBadge status={e.status} />
              </td>
              <td>
                {Object.entries(e)
                  .filter(([k, v]) => !SHOWN.has(k) && v !== null && v !== undefined && v !== '')
                  .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                  .join(' · ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
