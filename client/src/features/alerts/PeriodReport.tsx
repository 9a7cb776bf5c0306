import { useState } from 'preact/hooks';
import { api, query } from '../../shared/api';
import { ErrorMessage } from '../../shared/components';
import { useI18n } from '../../shared/i18n';
import type { Json, Page, SmsSendView } from '../../../../server/contracts/views';
import { download, inPeriod, reportCsv, reportRow, totals } from './report';

/** The list is newest first; a period reaching further back than this many pages is cut, and says so. */
const MAX_PAGES = 20;

const startOfDay = (day: string, plusDays = 0) => {
  if (!day) return null;
  const d = new Date(`${day}T00:00:00`);
  if (Number.isNaN(d.getTime())) return null;
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};

/**
 * Sends of a period summed: how many, recipients, and messages by outcome, with a CSV of one row
 * per send. Made from the send list (the server has no period report of its own yet).
 */
export function PeriodReport() {
  const { t } = useI18n();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<ReturnType<typeof reportRow>[] | null>(null);
  const [cut, setCut] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = startOfDay(from);
      const b = startOfDay(to, 1);
      const all: Json<SmsSendView>[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const p: Json<Page<SmsSendView>> = await api<Page<SmsSendView>>('GET', `/api/sms/sends${query({ cursor: cursor ?? undefined, limit: 200 })}`);
        all.push(...p.items);
        cursor = p.nextCursor;
        pages++;
        // Newest first: once a page ends before the period, nothing older is needed.
      } while (cursor && pages < MAX_PAGES && !(a && all.length && Date.parse(all[all.length - 1].createdAt) < Date.parse(a)));
      setCut(Boolean(cursor) && pages >= MAX_PAGES);
      setRows(inPeriod(all, a, b).map(reportRow));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const sum = rows ? totals(rows) : null;
  return (
    <section class="period-report" aria-labelledby="period-title">
      <h2 id="period-title">{t('alertsReports')}</h2>
      <form class="filters" onSubmit={run}>
        <label>
          <span>{t('filterFrom')}</span>
          <input type="date" name="reportFrom" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label>
          <span>{t('filterTo')}</span>
          <input type="date" name="reportTo" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit" disabled={busy}>
          {t('alertsMakeReport')}
        </button>
        <button type="button" disabled={!rows?.length} onClick={() => rows && download(`sends-${from || 'start'}-${to || 'today'}.csv`, reportCsv(rows))}>
          {t('exportCsv')}
        </button>
      </form>
      <ErrorMessage error={error} />
      {sum && (
        <dl class="figure-list" aria-live="polite">
          {(['sends', 'recipients', 'delivered', 'sent', 'failed', 'stopped', 'waiting'] as const).map((k) => (
            <div key={k}>
              <dt>{t(`alertsTotal_${k}`)}</dt>
              <dd data-total={k}>{sum[k]}</dd>
            </div>
          ))}
        </dl>
      )}
      {cut && <p class="hint">{t('alertsReportCut')}</p>}
    </section>
  );
}
