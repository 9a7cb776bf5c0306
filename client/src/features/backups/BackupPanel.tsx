import { useEffect } from 'preact/hooks';
import type { BackupStatusView } from '../../../../server/contracts/backups';
import { api } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';

/** How often the panel asks again: a verification that fails overnight shows without a reload. */
const REFRESH_MS = 60_000;

/**
 * The admin's line about backups: good, failing or late, when the last one was made and verified,
 * and what went wrong. Small on purpose; it grows loud only when something needs doing.
 */
export function BackupPanel() {
  const { t, locale } = useI18n();
  const status = useLoad(() => api<BackupStatusView>('GET', '/api/backups'), []);
  const { reload } = status;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const s = status.data;
  if (!s) return null;
  const bad = s.status === 'failed' || s.status === 'overdue';
  return (
    <section class={`backup-panel ${s.status}`} aria-label={t('backupsTitle')} data-backup-status={s.status} role={bad ? 'alert' : undefined}>
      <strong>{t('backupsTitle')}: </strong>
      <span class="backup-state">{t(`backups_${s.status}`)}</span>
      {s.lastGoodBackup && <span> · {t('backupsLastGood', { at: formatTime(locale, s.lastGoodBackup.startedAt) })}</span>}
      {s.lastGoodVerification && <span> · {t('backupsLastVerified', { at: formatTime(locale, s.lastGoodVerification.startedAt) })}</span>}
      {bad && (
        <ul class="backup-problems">
          {s.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
