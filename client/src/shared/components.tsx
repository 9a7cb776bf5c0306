import type { ComponentChildren } from 'preact';
import { errorText, formatTime, useI18n } from './i18n';
import { href } from './router';
import { CHANNELS, MESSAGE_STATUSES, type Channel } from '../../../server/contracts/names';
import type { InquiryView, Json } from '../../../server/contracts/views';

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

/** What a view shows while its data is not there: loading, or why it failed with a retry. */
export function NotLoaded({ loaded }: { loaded: { loading: boolean; error: unknown; reload: () => void } }) {
  return loaded.loading ? <Loading /> : <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
}

/** One inquiry in a list: its channel and summary opening its timeline, then `children` (a state badge), then when it came. */
export function InquiryLine({
  inquiry,
  children,
}: {
  inquiry: { id: number; channel: string; summary: string; createdAt: string };
  children?: ComponentChildren;
}) {
  const { locale } = useI18n();
  return (
    <li>
      <a href={href.inquiry(inquiry.id)}>
        <ChannelBadge channel={inquiry.channel} /> {inquiry.summary}
      </a>{' '}
      {children}
      {children ? ' ' : null}
      <time class="muted" dateTime={inquiry.createdAt}>
        {formatTime(locale, inquiry.createdAt)}
      </time>
    </li>
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

/**
 * What an agent must notice before answering: the message named another inquiry (its tag, a
 * Message-ID) but did not come from that inquiry's citizen, or named a case its sender is no
 * party on. Badges with the sentence as their text, so they read the same in the inbox row, on
 * the inquiry and to a screen reader.
 */
export function InquiryFlags({ inquiry }: { inquiry: Pick<Json<InquiryView>, 'refersToInquiryId' | 'mentionedCaseNumber'> }) {
  const { t } = useI18n();
  const refers = inquiry.refersToInquiryId ?? null;
  const mentioned = inquiry.mentionedCaseNumber ?? null;
  return (
    <>
      {refers !== null && (
        <span class="badge flag" data-flag="refers-to" title={t('refersToHint')}>
          ⚠ {t('refersTo', { id: refers })}
        </span>
      )}
      {mentioned !== null && (
        <span class="badge flag mention" data-flag="case-mentioned" title={t('caseMentionedHint', { caseNumber: mentioned })}>
          {t('caseMentioned', { caseNumber: mentioned })}
        </span>
      )}
    </>
  );
}
