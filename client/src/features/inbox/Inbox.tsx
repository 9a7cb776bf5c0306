import { useContext, useEffect, useState } from 'preact/hooks';
import type { InquiryNew } from '../../../../server/contracts/socket-events';
import { api, query } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { LiveSocket, useSocketEvent } from '../../shared/socket';
import { CHANNELS, INQUIRY_STATES, type Channel, type InquiryState } from '../../../../server/contracts/names';
import type { DepartmentView, InquiryView, Json, Page, SessionView } from '../../../../server/contracts/views';
import { ErrorMessage, Loading } from '../../shared/components';
import { useLoad } from '../../shared/use-load';
import { InboxRow } from './InboxRow';

interface Filters {
  channel: Channel | '';
  state: InquiryState | '';
  department: string;
  assignee: '' | 'me' | 'none';
}

const FILTER_KEY = 'servicetorg.inbox.filters';

/** A pushed inquiry as a list row, until the next load brings the full one. */
function rowFromPush(p: InquiryNew): Json<InquiryView> {
  return {
    id: p.id,
    channel: p.channel as Channel,
    direction: 'in',
    state: 'open',
    status: 'open',
    department: p.department,
    assignee: null,
    contactId: p.contact?.id ?? null,
    contact: p.contact,
    caseNumber: p.caseNumber,
    mentionedCaseNumber: p.mentionedCaseNumber ?? null,
    refersToInquiryId: p.refersToInquiryId ?? null,
    subject: null,
    summary: p.summary,
    citizenAddress: null,
    createdAt: p.createdAt,
    lastActivityAt: p.createdAt,
    closedAt: null,
  };
}

function matches(f: Filters, p: Pick<InquiryNew, 'channel' | 'department'>): boolean {
  // A new inquiry is open and unassigned; only filters it can fail are checked.
  return (!f.channel || f.channel === p.channel) && (!f.department || f.department === p.department) && (!f.state || f.state === 'open') && f.assignee !== 'me';
}

export function Inbox({ session, departments }: { session: SessionView; departments: DepartmentView[] }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<Filters>(() => {
    try {
      return { channel: '', state: '', department: '', assignee: '', ...(JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? '{}') as Partial<Filters>) };
    } catch {
      return { channel: '', state: '', department: '', assignee: '' };
    }
  });
  const [rows, setRows] = useState<Json<InquiryView>[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [announce, setAnnounce] = useState('');
  const [moreError, setMoreError] = useState<unknown>(null);

  const list = (c?: string) => api<Page<InquiryView>>('GET', `/api/inquiries${query({ ...filters, cursor: c, limit: 50 })}`);
  const loaded = useLoad(() => list(), [filters.channel, filters.state, filters.department, filters.assignee]);

  useEffect(() => {
    if (!loaded.data) return;
    const items = loaded.data.items;
    const newest = items[0]?.createdAt ?? '';
    // A push that arrived while this list was on its way is newer than the list: keep it in front, or it is lost until a reload.
    const pushedMeanwhile = (r: Json<InquiryView>) =>
      fresh.has(r.id) && r.state === 'open' && !r.assignee && matches(filters, r) && r.createdAt > newest && !items.some((i) => i.id === r.id);
    setRows((old) => [...old.filter(pushedMeanwhile), ...items]);
    setCursor(loaded.data.nextCursor);
    // Only a new list merges; `fresh` and `filters` are read as they are when it arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loaded.data]);

  useEffect(() => sessionStorage.setItem(FILTER_KEY, JSON.stringify(filters)), [filters]);

  // Pushes sent while the connection was down are lost; a reconnect reloads the list instead.
  const socket = useContext(LiveSocket);
  useEffect(() => {
    if (!socket) return;
    const reload = () => loaded.reload();
    socket.io.on('reconnect', reload);
    return () => {
      socket.io.off('reconnect', reload);
    };
    // loaded.reload is the stable callback; `loaded` itself is a new object on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [socket, loaded.reload]);

  useSocketEvent('inquiry:new', (p) => {
    if (!matches(filters, p)) return;
    setRows((old) => (old.some((r) => r.id === p.id) ? old : [rowFromPush(p), ...old]));
    setFresh((old) => new Set(old).add(p.id));
    setAnnounce(t('newInquiryAnnounce', { channel: p.channel, summary: p.summary.slice(0, 80) }));
  });
  useSocketEvent('inquiry:updated', (p) => {
    // A staff change (state, department, assignee present) is not new activity from the citizen.
    const staffChange = p.state !== undefined;
    setRows((old) =>
      old.map((r) =>
        r.id !== p.id
          ? r
          : staffChange
            ? { ...r, state: p.state!, status: p.state!, department: p.department ?? r.department, assignee: p.assignee ?? null }
            : { ...r, summary: p.summary, lastActivityAt: new Date().toISOString() },
      ),
    );
    if (staffChange) return;
    setFresh((old) => new Set(old).add(p.id));
  });

  const more = async () => {
    if (!cursor) return;
    setMoreError(null);
    try {
      const page = await list(cursor);
      setRows((old) => [...old, ...page.items.filter((i) => !old.some((o) => o.id === i.id))]);
      setCursor(page.nextCursor);
    } catch (e) {
      setMoreError(e);
    }
  };

  const set = (k: keyof Filters) => (e: Event) => setFilters({ ...filters, [k]: (e.currentTarget as HTMLSelectElement).value });

  return (
    <section class="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inboxTitle')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>{t('filterChannel')}</span>
          <select name="channel" value={filters.channel} onChange={set('channel')}>
            <option value="">{t('all')}</option>
            {CHANNELS.map((c) => (
              <option value={c} key={c}>
                {t(`ch_${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('filterState')}</span>
          <select name="state" value={filters.state} onChange={set('state')}>
            <option value="">{t('all')}</option>
            {INQUIRY_STATES.map((s) => (
              <option value={s} key={s}>
                {t(`st_${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('filterDepartment')}</span>
          <select name="department" value={filters.department} onChange={set('department')}>
            <option value="">{t('all')}</option>
            {departments.map((d) => (
              <option value={d.code} key={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('filterAssignee')}</span>
          <select name="assignee" value={filters.assignee} onChange={set('assignee')}>
            <option value="">{t('all')}</option>
            <option value="me">{t('assigneeMe')}</option>
            <option value="none">{t('assigneeNone')}</option>
          </select>
        </label>
      </form>
      <p class="visually-hidden" aria-live="polite">
        {announce}
      </p>
      <ErrorMessage error={loaded.error} onRetry={loaded.reload} />
      {loaded.loading && rows.length === 0 && <Loading />}
      {!loaded.loading && !loaded.error && rows.length === 0 && <p class="empty">{t('inboxEmpty')}</p>}
      <ul class="rows" aria-labelledby="inbox-title">
        {rows.map((r) => (
          <InboxRow
            key={r.id}
            inquiry={r}
            departmentName={departments.find((d) => d.code === r.department)?.name ?? r.department}
            fresh={fresh.has(r.id)}
            session={session}
            onChange={(u) => setRows((old) => old.map((x) => (x.id === u.id ? u : x)))}
          />
        ))}
      </ul>
      <ErrorMessage error={moreError} />
      {cursor && (
        <button type="button" onClick={more}>
          {t('loadMore')}
        </button>
      )}
    </section>
  );
}
