import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { errorText, formatTime, useI18n } from '../../shared/i18n';
import { href, navigate } from '../../shared/router';
import type { InquiryView, Json, SessionView } from '../../../../server/contracts/views';
import { ChannelBadge, InquiryFlags } from '../../shared/components';

const WORKERS = ['admin', 'agent', 'caseworker'];

/** One inquiry in the inbox: click or Enter opens it; the assign button works without opening. */
export function InboxRow({
  inquiry: r,
  departmentName,
  fresh,
  session,
  onChange,
}: {
  inquiry: Json<InquiryView>;
  departmentName: string;
  fresh: boolean;
  session: SessionView;
  onChange: (i: Json<InquiryView>) => void;
}) {
  const { t, locale } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const open = () => navigate(href.inquiry(r.id));

  const assign = async (e: Event) => {
    e.stopPropagation();
    setError(null);
    try {
      onChange(await api<InquiryView>('PATCH', `/api/inquiries/${r.id}`, { assigneeId: session.user.id, ifAssigneeId: r.assignee?.id ?? null }));
    } catch (err) {
      setError(errorText(t, err));
    }
  };

  const who = r.contact?.name ?? r.citizenAddress ?? t('unknownContact');
  return (
    <li
      class={`row state-${r.state}${fresh ? ' fresh' : ''}`}
      data-inquiry-id={r.id}
      tabIndex={0}
      aria-label={`${t(`ch_${r.channel}`)}, ${who}: ${r.summary}`}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && e.target === e.currentTarget) open();
      }}
    >
      <div class="row-main">
        <ChannelBadge channel={r.channel} />
        <strong class="row-who">{who}</strong>
        <span class="row-summary">{r.summary}</span>
      </div>
      <div class="row-meta">
        <span class="badge" title={r.department}>
          {departmentName}
        </span>
        <span class={`badge st-${r.state}`}>{t(`st_${r.state}`)}</span>
        {r.caseNumber && (
          <span class="badge case" title={t('caseVerified')}>
            {r.caseNumber}
          </span>
        )}
        <InquiryFlags inquiry={r} />
        <time dateTime={r.createdAt}>{formatTime(locale, r.createdAt)}</time>
        {r.assignee ? (
          <span class="assignee">{t('assignedTo', { name: r.assignee.name })}</span>
        ) : (
          WORKERS.includes(session.user.role) && (
            <button type="button" class="small" onClick={assign} onKeyDown={(e) => e.stopPropagation()}>
              {t('assignToMe')}
            </button>
          )
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
