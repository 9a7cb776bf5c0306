import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../shared/api';
import { endpoints } from '../../shared/config';
import { errorText, formatTime, useI18n } from '../../shared/i18n';
import { href } from '../../shared/router';
import { useSocketEvent } from '../../shared/socket';
import type { InquiryDetailView, InquiryView, Json, MessageDetailView, Page, SessionView, TimelineItemView } from '../../../../server/contracts/views';
import { ChannelBadge, InquiryFlags, NotLoaded } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { NoteForm, ReplyForm } from './Composer';
import { Timeline } from './Timeline';
import { keepShown, mergeById, withOlderPage, type Older } from './timeline-pages';

const WORKERS = ['admin', 'agent', 'caseworker'];
/** Statuses a provider's delivery report may still move on. */
const ON_THE_WAY = new Set(['scheduled', 'awaiting_approval', 'paused', 'queued', 'sent']);
const STATUS_POLL_MS = 1500;
const STATUS_POLL_FOR_MS = 10 * 60_000;

export function InquiryPage({ id, session }: { id: number; session: SessionView }) {
  const { t, locale } = useI18n();
  const loaded = useLoad(() => api<InquiryDetailView>('GET', `/api/inquiries/${id}`), [id]);
  const [actionError, setActionError] = useState<string | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  const loadedOnce = Boolean(loaded.data);
  // Opening an inquiry moves focus to its title, so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (loadedOnce) title.current?.focus();
  }, [loadedOnce]);

  // The newest page comes with the inquiry; older pages only when asked for (timeline-pages.ts).
  const [older, setOlder] = useState<Older | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const shownBefore = useRef<{ inquiryId: number; timeline: Json<TimelineItemView>[]; cursor: string | null } | null>(null);
  const newest = loaded.data?.timeline;
  useEffect(() => {
    const data = loaded.data;
    if (!data) return;
    setOlder((o) => keepShown(o, shownBefore.current, { inquiryId: data.id, timeline: data.timeline }));
    shownBefore.current = { inquiryId: data.id, timeline: data.timeline, cursor: data.timelineCursor };
    // Only a new newest page matters here, not every re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [newest]);
  const current = older?.inquiryId === id ? older : null;
  const olderCursor = current ? current.cursor : loaded.data?.id === id ? loaded.data.timelineCursor : null;
  const loadOlder = async () => {
    if (!olderCursor) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await api<Page<TimelineItemView>>('GET', endpoints.olderTimeline(id, olderCursor));
      setOlder((o) => withOlderPage(o, id, page));
    } catch (e) {
      setOlderError(errorText(t, e));
    } finally {
      setLoadingOlder(false);
    }
  };

  // A further message from the citizen arrives on this inquiry: show it without a reload.
  useSocketEvent('inquiry:updated', (p) => {
    if (p.id === id) loaded.reload();
  });

  // Replies still on their way: their status is re-read until the provider's report settles it, so
  // "queued" turns into "delivered" (or "failed") on screen without a reload. No push carries
  // delivery reports to agents, and only this open page needs them.
  const onTheWay = (loaded.data?.timeline ?? [])
    .filter((i) => i.direction === 'out' && i.status && ON_THE_WAY.has(i.status))
    .map((i) => i.id)
    .join(',');
  useEffect(() => {
    if (!onTheWay) return;
    const ids = onTheWay.split(',').map(Number);
    const until = Date.now() + STATUS_POLL_FOR_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      for (const mid of ids) {
        try {
          const m = await api<MessageDetailView>('GET', endpoints.message(mid));
          if (stopped) return;
          if (m.status)
            loaded.setData((old) =>
              old ? { ...old, timeline: old.timeline.map((x) => (x.id === mid && x.status !== m.status ? { ...x, status: m.status } : x)) } : old,
            );
        } catch {
          /* the next round tries again */
        }
      }
      if (!stopped && Date.now() < until) timer = setTimeout(() => void poll(), STATUS_POLL_MS);
    };
    timer = setTimeout(() => void poll(), STATUS_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // Restart polling only when the set of messages on their way changes, not on every re-render of `loaded`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [onTheWay]);

  const patch = async (body: Record<string, unknown>) => {
    setActionError(null);
    try {
      const view = await api<InquiryView>('PATCH', `/api/inquiries/${id}`, body);
      loaded.setData((old) => (old ? { ...old, ...view } : old));
    } catch (e) {
      setActionError(errorText(t, e));
      // Someone else took it first: show who holds it now.
      if (e instanceof ApiError && e.status === 409) loaded.reload();
    }
  };
  const append = (item: Json<TimelineItemView>) => loaded.setData((old) => (old ? { ...old, timeline: [...old.timeline, item] } : old));
  // A reply moves the inquiry on the server (open → waiting for the citizen): show it at once, then read what the server holds.
  const replied = (item: Json<TimelineItemView>) => {
    append(item);
    loaded.reload();
  };

  const q = loaded.data;
  if (!q) {
    return (
      <section>
        <a href={href.inbox()}>← {t('backToInbox')}</a>
        <NotLoaded loaded={loaded} />
      </section>
    );
  }
  const canWork = WORKERS.includes(session.user.role);
  return (
    <section class="inquiry" aria-labelledby="inquiry-title">
      <a href={href.inbox()}>← {t('backToInbox')}</a>
      <header class="inquiry-head">
        <h1 id="inquiry-title" ref={title} tabIndex={-1}>
          <ChannelBadge channel={q.channel} /> {q.subject ?? t('inquiryTitle', { id: q.id })}
        </h1>
        <dl class="facts">
          <div>
            <dt>{t('contact')}</dt>
            <dd>
              {q.contact ? (
                <a href={href.contact(q.contact.id)}>{q.contact.name ?? q.citizenAddress ?? `#${q.contact.id}`}</a>
              ) : (
                (q.citizenAddress ?? t('unknownContact'))
              )}
            </dd>
          </div>
          <div>
            <dt>{t('caseLabel')}</dt>
            <dd>
              {q.caseNumber ? (
                <>
                  <a href={href.case(q.caseNumber)}>{q.caseNumber}</a> <span class="muted">({t('caseVerified')})</span>
                </>
              ) : q.mentionedCaseNumber ? (
                <>
                  <a href={href.case(q.mentionedCaseNumber)}>{q.mentionedCaseNumber}</a>{' '}
                  <InquiryFlags inquiry={{ mentionedCaseNumber: q.mentionedCaseNumber }} />
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          {q.refersToInquiryId != null && (
            <div>
              <dt>{t('refersToLabel')}</dt>
              <dd>
                <a href={href.inquiry(q.refersToInquiryId)}>#{q.refersToInquiryId}</a> <InquiryFlags inquiry={{ refersToInquiryId: q.refersToInquiryId }} />
              </dd>
            </div>
          )}
          <div>
            <dt>{t('department')}</dt>
            <dd>{q.department}</dd>
          </div>
          <div>
            <dt>{t('state')}</dt>
            <dd>
              <span class={`badge st-${q.state}`}>{t(`st_${q.state}`)}</span> <time dateTime={q.createdAt}>{formatTime(locale, q.createdAt)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('filterAssignee')}</dt>
            <dd>{q.assignee ? q.assignee.name : t('unassigned')}</dd>
          </div>
        </dl>
        {canWork && (
          <div class="actions">
            {q.assignee?.id !== session.user.id && (
              <button type="button" onClick={() => patch({ assigneeId: session.user.id, ifAssigneeId: q.assignee?.id ?? null })}>
                {t('assignToMe')}
              </button>
            )}
            {q.state === 'closed' ? (
              <button type="button" onClick={() => patch({ state: 'open' })}>
                {t('reopen')}
              </button>
            ) : (
              <button type="button" onClick={() => patch({ state: 'closed' })}>
                {t('closeInquiry')}
              </button>
            )}
          </div>
        )}
        {actionError && (
          <p class="error" role="alert">
            {actionError}
          </p>
        )}
      </header>
      <h2>{q.channel === 'email' ? t('emailThread') : t('timeline')}</h2>
      {olderCursor && (
        <p>
          <button type="button" class="link" disabled={loadingOlder} onClick={() => void loadOlder()}>
            {loadingOlder ? t('loading') : t('loadOlder')}
          </button>
        </p>
      )}
      {olderError && (
        <p class="error" role="alert">
          {olderError}
        </p>
      )}
      <Timeline items={current ? mergeById(current.items, q.timeline) : q.timeline} />
      {canWork && (
        <div class="composers">
          {q.channel === 'phone' ? <p class="muted">{t('phoneNoReply')}</p> : <ReplyForm inquiry={q} onSent={replied} />}
          <NoteForm inquiryId={q.id} onAdded={append} />
        </div>
      )}
    </section>
  );
}
