import { errorText, useI18n } from './i18n';
import { CHANNELS, MESSAGE_STATUSES, type Channel } from '../../../server/contracts/names';

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <span>{errorText(t, error)}</span>
      {onRetry && (
        <button type="button" class="link" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" role="status">
      {t('loading')}
    </p>
  );
}

export function ChannelBadge({ channel }: { channel: string }) {
  const { t } = useI18n();
  const known = (CHANNELS as readonly string[]).includes(channel);
  return <span class={`badge ch-${known ? channel : 'other'}`}>{known ? t(`ch_${channel as Channel}`) : channel}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const { t } = useI18n();
  if (!status) return null;
  const key = `ms_${status}` as const;
  const label = (MESSAGE_STATUSES as readonly string[]).includes(status) ? t(key as never) : status;
  return <span class={`badge ms-${status}`}>{label}</span>;
}
