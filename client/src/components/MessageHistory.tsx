import { api } from '../lib/api';
import { endpoints } from '../lib/config';
import { formatTime, useI18n } from '../lib/i18n';
import type { MessageDetail } from '../lib/types';
import { ErrorMessage, Loading, StatusBadge, useLoad } from './common';

const SHOWN = new Set(['status', 'at']);

/** Every status event of one message (GET /api/messages/:id), oldest first, with the provider's details. */
export function MessageHistory({ id }: { id: number }) {
  const { t, locale } = useI18n();
  const loaded = useLoad(() => api<MessageDetail>('GET', endpoints.message(id)), [id]);
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
