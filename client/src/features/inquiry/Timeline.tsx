import { useState } from 'preact/hooks';
import { formatTime, useI18n } from '../../shared/i18n';
import type { Json, TimelineItemView } from '../../../../server/contracts/views';
import { ChannelBadge, StatusBadge } from '../../shared/components';
import { MessageHistory } from '../../shared/MessageHistory';

/*
 * Message bodies are citizen input: they are rendered as text nodes only. A sanitised HTML body of
 * an e-mail is shown on request in an iframe whose sandbox allows nothing (no scripts, no forms,
 * no same-origin access); the page's CSP, which srcdoc frames inherit, blocks remote images too.
 */
function Entry({ item }: { item: Json<TimelineItemView> }) {
  const { t, locale } = useI18n();
  const [formatted, setFormatted] = useState(false);
  const [history, setHistory] = useState(false);
  const isNote = item.direction === 'internal';
  const label = isNote ? t('note') : item.direction === 'in' ? t('dirIn') : t('dirOut');
  return (
    <li class={`entry dir-${item.direction}${isNote ? ' note' : ''}`} data-message-id={item.id}>
      <div class="entry-head">
        <ChannelBadge channel={item.channel} />
        <strong>{label}</strong>
        {item.author && <span>{item.author.name}</span>}
        {!isNote && item.from && (
          <span class="muted">
            {t('from')}: {item.from}
          </span>
        )}
        {!isNote && item.to && (
          <span class="muted">
            {t('to')}: {item.to}
          </span>
        )}
        <time dateTime={item.createdAt}>{formatTime(locale, item.createdAt)}</time>
        {item.status && (
          <button type="button" class="link" aria-expanded={history} onClick={() => setHistory(!history)} title={t('statusHistory')}>
            <StatusBadge status={item.status} />
          </button>
        )}
      </div>
      {item.subject && item.channel === 'email' && (
        <p class="subject">
          {t('subject')}: {item.subject}
        </p>
      )}
      {formatted && item.bodyHtml ? (
        <iframe class="mail-frame" sandbox="" referrerpolicy="no-referrer" title={t('formattedFrameTitle')} srcdoc={item.bodyHtml} />
      ) : (
        <div class="body">{item.body}</div>
      )}
      {item.bodyHtml && (
        <button type="button" class="link" onClick={() => setFormatted(!formatted)}>
          {formatted ? t('showText') : t('showFormatted')}
        </button>
      )}
      {history && <MessageHistory id={item.id} key={item.status ?? ''} />}
    </li>
  );
}

export function Timeline({ items }: { items: Json<TimelineItemView>[] }) {
  return (
    <ol class="timeline">
      {items.map((i) => (
        <Entry item={i} key={i.id} />
      ))}
    </ol>
  );
}
