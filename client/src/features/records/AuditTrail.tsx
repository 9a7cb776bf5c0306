import { useState } from 'preact/hooks';
import { api, download, query } from '../../shared/api';
import { formatTime, useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import { ErrorMessage, Loading } from '../../shared/components';
import type { AuditEventView, AuditPageView, UnusualReadingView } from '../../../../server/contracts/records';
import type { Json } from '../../../../server/contracts/views';
import { auditTexts } from './texts';

/* The records officer's audit viewer: who read or changed which citizen's data, filtered, with CSV and the unusual-reading flag. */

interface Filters {
  user: string;
  contact: string;
  department: string;
  from: string;
  to: string;
}

/** A local date-time input's value as an ISO instant, or undefined when empty. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function auditQuery(f: Filters, cursor?: string | null) {
  return query({
    user: f.user.trim() || undefined,
    contact: f.contact.trim() || undefined,
    department: f.department.trim() || undefined,
    from: instant(f.from),
    to: instant(f.to),
    cursor: cursor ?? undefined,
  });
}

export function AuditTrail() {
  const { locale } = useI18n();
  const tx = auditTexts(locale);
  const empty: Filters = { user: '', contact: '', department: '', from: '', to: '' };
  const [form, setForm] = useState<Filters>(empty);
  const [asked, setAsked] = useState<Filters>(empty);
  const [older, setOlder] = useState<Json<AuditEventView>[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const page = useLoad(async () => {
    const r = await api<AuditPageView>('GET', `/api/records/audit${auditQuery(asked)}`);
    setOlder([]);
    setCursor(r.nextCursor);
    return r;
  }, [asked]);
  const unusual = useLoad(() => api<UnusualReadingView>('GET', '/api/records/audit/unusual'), []);
  const more = () =>
    api<AuditPageView>('GET', `/api/records/audit${auditQuery(asked, cursor)}`).then((r) => {
      setOlder((o) => [...o, ...r.items]);
      setCursor(r.nextCursor);
    }, setError);
  const csv = () => download(`/api/records/audit.csv${auditQuery(asked)}`, 'audit-trail.csv').then(() => setError(null), setError);
  const set = (key: keyof Filters) => (e: { currentTarget: HTMLInputElement }) => setForm({ ...form, [key]: e.currentTarget.value });
  const field = (key: keyof Filters, label: string) => (
    <label>
      {label} <input name={key} value={form[key]} maxLength={64} onInput={set(key)} />
    </label>
  );
  const when = (key: 'from' | 'to', label: string) => (
    <label>
      {label} <input name={key} type="datetime-local" value={form[key]} onInput={set(key)} />
    </label>
  );
  const rows = page.data ? [...page.data.items, ...older] : [];
  return (
    <section class="audit-trail">
      <h2 id="audit-title">{tx.title}</h2>
      <section aria-labelledby="unusual-title" class="unusual">
        <h3 id="unusual-title">{tx.unusualTitle}</h3>
        {unusual.error ? <ErrorMessage error={unusual.error} onRetry={unusual.reload} /> : null}
        {unusual.data && !unusual.data.items.length ? <p>{tx.unusualNone}</p> : null}
        {unusual.data?.items.length ? (
          <ul>
            {unusual.data.items.map((x) => (
              <li key={x.user.id} data-flagged-user={x.user.id} class="flag">
                {tx.unusualLine(x.user.name, x.citizensWithoutInquiry, unusual.data!.threshold)}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(form);
        }}
      >
        {field('user', tx.user)}
        {field('contact', tx.contact)}
        {field('department', tx.department)}
        {when('from', tx.from)}
        {when('to', tx.to)}
        <button type="submit">{tx.show}</button>
        <button type="button" onClick={csv}>
          {tx.csv}
        </button>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      {page.loading && !page.data ? <Loading /> : null}
      {page.error ? <ErrorMessage error={page.error} onRetry={page.reload} /> : null}
      {page.data && !rows.length ? <p>{tx.none}</p> : null}
      {rows.length ? (
        <table>
          <thead>
            <tr>
              <th>{tx.at}</th>
              <th>{tx.who}</th>
              <th>{tx.action}</th>
              <th>{tx.what}</th>
              <th>{tx.citizen}</th>
              <th>{tx.department}</th>
              <th>{tx.where}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => (
              <tr key={x.id} data-audit-id={x.id}>
                <td>{formatTime(locale, x.at)}</td>
                <td title={x.user?.email}>{x.user?.name ?? '–'}</td>
                <td>{x.action}</td>
                <td>{`${x.entityType} ${x.entityId} · ${x.route}`}</td>
                <td>{x.contact ? `${x.contact.name ?? '–'} (${x.contact.id})` : '–'}</td>
                <td>{x.department ?? '–'}</td>
                <td>{x.ip ?? '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" onClick={more}>
          {tx.more}
        </button>
      ) : null}
    </section>
  );
}
