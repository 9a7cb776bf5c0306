import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText, useI18n } from './i18n';
import type { Channel } from './types';

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (fn: (old: T | null) => T | null) => void;
}

/** Loads data for a view; a slower earlier request never overwrites a newer one. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const run = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    fn().then(
      (d) => {
        if (mine !== seq.current) return;
        setDataState(d);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (mine !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(run, [run]);
  return { data, error, loading, reload: run, setData: (f) => setDataState((old) => f(old)) };
}

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
  const known = ['sms', 'phone', 'email', 'web'].includes(channel);
  return <span class={`badge ch-${known ? channel : 'other'}`}>{known ? t(`ch_${channel as Channel}`) : channel}</span>;
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const { t } = useI18n();
  if (!status) return null;
  const key = `ms_${status}` as const;
  const label = ['scheduled', 'awaiting_approval', 'paused', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'stopped', 'unknown'].includes(status) ? t(key as never) : status;
  return <span class={`badge ms-${status}`}>{label}</span>;
}
