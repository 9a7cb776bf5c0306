import { useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { endpoints } from '../../shared/config';
import { errorText, formatTime, useI18n } from '../../shared/i18n';
import type { Json, MessageDetailView, TimelineItemView } from '../../../../server/contracts/views';
import { ChannelBadge, StatusBadge } from '../../shared/components';
import { MessageHistory } from '../../shared/MessageHistory';

/*
 * Message bodies are citizen input: they are rendered as text nodes only. A sanitised HTML body of
 * an e-mail is shown on request in an iframe whose sandbox allows nothing (no scripts, no forms,
 * no same-origin access); the page's CSP, which srcdoc frames inherit, blocks remote images too.
 * A timeline item carries the start of a long body and no large HTML: the whole message is
 * fetched (GET /api/messages/:id) when asked for.
 */
function Entry({ item }: { item: Json<TimelineItemView> }) {
  const { t, locale } = useI18n();
  const [formatted, setFormatted] = useState(false);
  const [history, setHistory] = useState(false);
  const [whole, setWhole] = useState<{ body: string; bodyHtml: string | null } | null>(null);
  const [fetching, setFetching] = useState(false);
  const [fetchError, setFetchError] = useState<string | null>(null);
  const isNote = item.direction === 'internal';
  const label = isNote ? t('note') : item.direction === 'in' ? t('dirIn') : t('dirOut');
  const body = whole?.body ?? item.body;
  const html = whole?.bodyHtml ?? item.bodyHtml;
  const fetchWhole = async () => {
    setFetching(true);
    setFetchError(null);
    try {
      const m = await api<MessageDetailView>('GET', endpoints.message(item.id));
      setWhole({ body: m.body, bodyHtml: m.bodyHtml });
      return true;
    } catch (e) {
      setFetchError(errorText(t, e));
      return false;
    } finally {
      setFetching(false);
    }
  };
  const toggleFormatted = async () => {
    if (!formatted && !html && !(await fetchWhole())) return;
    setFormatted(!formatted);
  };
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
      {formatted && html ? (
        <iframe class="mail-frame" sandbox="" referrerpolicy="no-referrer" title={t('formattedFrameTitle')} srcdoc={html} />
      ) : (
        <div class="body">{body}</div>
      )}
      {item.bodyTruncated && !whole && !formatted && (
        <p class="muted">
          {t('bodyCut')}{' '}
          <button type="button" class="link" disabled={fetching} onClick={() => void fetchWhole()}>
            {t('showWhole')}
          </button>
        </p>
      )}
      {item.hasHtml && (
        <button type="button" class="link" disabled={fetching} onClick={() => void toggleFormatted()}>
          {formatted ? t('showText') : t('showFormatted')}
        </button>
      )}
      {fetchError && (
        <p class="error" role="alert">
          {fetchError}
        </p>
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
