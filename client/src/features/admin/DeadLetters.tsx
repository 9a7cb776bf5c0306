import { api } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import type { JournalEntryView, Page } from '../../../../server/contracts/views';
import { ErrorMessage, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { ArchiveSettings } from './ArchiveSettings';
import { useAction } from './use-action';

/** Journal entries the archive refused or never took, with the archive's answer; retry sends one again. */
export function DeadLetters() {
  const { t } = useI18n();
  const loaded = useLoad(() => api<Page<JournalEntryView>>('GET', '/api/journal/dead-letters'), []);
  const { error, run } = useAction(loaded.reload);
  const retry = (id: number) => run(() => api('POST', `/api/journal/dead-letters/${id}/retry`));
  return (
    <section aria-labelledby="admin-dead-letters">
      <h2 id="admin-dead-letters">{t('adminDeadLetters')}</h2>
      <ArchiveSettings />
      <ErrorMessage error={error} />
      {loaded.loading || !loaded.data ? (
        <NotLoaded loaded={loaded} />
      ) : loaded.data.items.length === 0 ? (
        <p class="muted">{t('adminNoDeadLetters')}</p>
      ) : (
        <ul class="plain">
          {loaded.data.items.map((x) => (
            <li key={x.id} data-entry-id={x.id}>
              <strong>{x.title}</strong> <span class="muted">{[x.channel, x.caseNumber].filter(Boolean).join(' · ')}</span> ·{' '}
              {t('adminAttempts', { n: x.attempts })}
              {x.lastError && <p class="muted">{x.lastError}</p>}
              <button type="button" onClick={() => retry(x.id)}>
                {t('adminRetry')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
