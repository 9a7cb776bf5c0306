import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, download, query } from '../../shared/api';
import { endpoints } from '../../shared/config';
import { errorText, formatTime, useI18n } from '../../shared/i18n';
import { href, navigate } from '../../shared/router';
import { MESSAGE_STATUSES } from '../../../../server/contracts/names';
import type { Json, Page, SmsDayCounts, SmsMessageView } from '../../../../server/contracts/views';
import { ErrorMessage, Loading, StatusBadge } from '../../shared/components';
import { MessageHistory } from '../../shared/MessageHistory';
import { StatusChart } from './StatusChart';

type Filters = Record<'status' | 'country' | 'operator' | 'sender' | 'from' | 'to', string>;
const EMPTY: Filters = { status: '', country: '', operator: '', sender: '', from: '', to: '' };

/** The date inputs give local days; the server wants ISO times, and `to` is exclusive, so the day after. */
const startOf = (day: string, plusDays = 0) => {
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};
const toQuery = (f: Filters, cursor?: string) =>
  query({ ...f, sender: f.sender.replace(/\s/g, ''), from: f.from && startOf(f.from), to: f.to && startOf(f.to, 1), cursor });
/** The export and the chart take the list's filters, without paging or sorting. */
const filterQuery = (f: Filters) => toQuery(f);

/** Officers' view of SMS delivery: filters, a chart of statuses per day, CSV, and per-recipient history. */
export function DeliveryStatus({ messageId }: { messageId?: number }) {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<Json<SmsMessageView>[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'unavailable' | 'error'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [days, setDays] = useState<Json<SmsDayCounts> | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  const fetchPage = (f: Filters, c?: string) => api<Page<SmsMessageView>>('GET', `${endpoints.smsMessages}${toQuery(f, c)}`);

  const load = (f: Filters) => {
    setState('loading');
    // The chart counts every matching message on the server, in the municipality's days.
    setDays(null);
    api<SmsDayCounts>('GET', `${endpoints.smsMessages}/days${filterQuery(f)}`).then(setDays, () => setDays(null));
    fetchPage(f).then(
      (p) => {
        setRows(p.items);
        setCursor(p.nextCursor);
        setState('ready');
      },
      (e) => {
        // A server without the SMS views answers 404; the view then says so plainly.
        if (e instanceof ApiError && e.status === 404) return setState('unavailable');
        setError(e);
        setState('error');
      },
    );
  };
  // Once, on mount: later loads follow the filter form.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => load(EMPTY), []);

  const more = async () => {
    if (!cursor) return;
    try {
      const p = await fetchPage(filters, cursor);
      setRows((old) => [...old, ...p.items]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(e);
    }
  };

  // Every matching row, from the server's export (semicolon-separated, UTF-8 with BOM), not the loaded pages.
  const exportCsv = async () => {
    setExportError(null);
    try {
      await download(`${endpoints.smsMessages}.csv${filterQuery(filters)}`, `sms-messages-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      setExportError(errorText(t, e));
    }
  };

  const field = (k: keyof Filters) => ({
    name: k,
    value: filters[k],
    onInput: (e: Event) => setFilters({ ...filters, [k]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section class="status-view" aria-labelledby="status-title">
      <h1 id="status-title">{t('statusTitle')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          load(filters);
        }}
      >
        <label>
          <span>{t('filterStatus')}</span>
          <select {...field('status')} onChange={field('status').onInput}>
            <option value="">{t('all')}</option>
            {MESSAGE_STATUSES.map((s) => (
              <option value={s} key={s}>
                {t(`ms_${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('filterCountry')}</span>
          <input {...field('country')} size={4} maxLength={2} placeholder="NO" />
        </label>
        <label>
          <span>{t('filterOperator')}</span>
          <input {...field('operator')} size={10} />
        </label>
        <label>
          <span>{t('filterSender')}</span>
          <input {...field('sender')} size={12} />
        </label>
        <label>
          <span>{t('filterFrom')}</span>
          <input type="date" {...field('from')} />
        </label>
        <label>
          <span>{t('filterTo')}</span>
          <input type="date" {...field('to')} />
        </label>
        <button type="submit">{t('apply')}</button>
        <button type="button" onClick={exportCsv} disabled={rows.length === 0}>
          {t('exportCsv')}
        </button>
      </form>
      {exportError && (
        <p class="error" role="alert">
          {exportError}
        </p>
      )}
      <LookupForm />
      {messageId !== undefined && <MessageHistory id={messageId} source="sms" key={messageId} />}
      {state === 'loading' && <Loading />}
      {state === 'unavailable' && (
        <p class="empty" data-testid="status-unavailable">
          {t('statusUnavailable')}
        </p>
      )}
      {state === 'error' && <ErrorMessage error={error} onRetry={() => load(filters)} />}
      {state === 'ready' && rows.length === 0 && <p class="empty">{t('statusEmpty')}</p>}
      {rows.length > 0 && (
        <>
          {days && <StatusChart days={days.days} />}
          <div class="table-wrap">
            <table class="deliveries">
              <thead>
                <tr>
                  <th scope="col">{t('time')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('recipient')}</th>
                  <th scope="col">{t('sender')}</th>
                  <th scope="col">{t('country')}</th>
                  <th scope="col">{t('operator')}</th>
                  <th scope="col">{t('events')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-message-id={r.id} aria-selected={r.id === messageId}>
                    <td>{formatTime(locale, r.createdAt)}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>{r.to}</td>
                    <td>{r.from}</td>
                    <td>{r.country}</td>
                    <td>{r.operator}</td>
                    <td>
                      <a href={href.status(r.id)}>{t('statusHistory')}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {cursor && (
            <button type="button" onClick={more}>
              {t('loadMore')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function LookupForm() {
  const { t } = useI18n();
  return (
    <form
      class="lookup"
      onSubmit={(e) => {
        e.preventDefault();
        const id = Number(new FormData(e.currentTarget as HTMLFormElement).get('messageId'));
        if (Number.isInteger(id) && id > 0) navigate(href.status(id));
      }}
    >
      <label>
        <span>{t('lookupMessage')}</span>
        <input name="messageId" inputmode="numeric" pattern="[0-9]+" size={8} />
      </label>
      <button type="submit">{t('lookup')}</button>
    </form>
  );
}
