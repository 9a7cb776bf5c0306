import { useState } from 'preact/hooks';
import { api, download, query } from '../../shared/api';
import { useI18n } from '../../shared/i18n';
import { useLoad } from '../../shared/use-load';
import { ErrorMessage, Loading, StatusBadge } from '../../shared/components';
import type { SmsPeriodReportView, SmsReportFigures, SmsSendReportView } from '../../../../server/contracts/sms-reports';
import type { Json } from '../../../../server/contracts/views';
import { DayBars } from './DayBars';
import { duration, reportTexts } from './texts';

/* Officers', admins' and records managers' SMS reports: a period with bars per day, or one send. */

const today = () => new Date().toISOString().slice(0, 10);
const weekAgo = () => new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);

export const reportPaths = {
  period: (q: { from: string; to: string; department?: string }) => `/api/sms/reports${query(q)}`,
  periodCsv: (q: { from: string; to: string; department?: string }) => `/api/sms/reports.csv${query(q)}`,
  send: (id: number) => `/api/sms/sends/${id}/report`,
  sendCsv: (id: number) => `/api/sms/sends/${id}/report.csv`,
};

/** The figures both reports share: summary, statuses, failures, and the bars per day. */
function Figures({ r }: { r: Json<SmsReportFigures> }) {
  const { locale } = useI18n();
  const tx = reportTexts(locale);
  const number = (n: number) => n.toLocaleString(locale === 'nb' ? 'nb-NO' : 'en-GB');
  return (
    <>
      <dl class="figures">
        <dt>{tx.recipients}</dt>
        <dd>{number(r.recipients)}</dd>
        <dt>{tx.handedOver}</dt>
        <dd>{number(r.handedOver)}</dd>
        <dt>{tx.segments}</dt>
        <dd>{number(r.segments)}</dd>
        <dt>{tx.cost}</dt>
        <dd>{`${r.cost.amount.toLocaleString(locale === 'nb' ? 'nb-NO' : 'en-GB', { minimumFractionDigits: 2 })} ${r.cost.currency}`}</dd>
        <dt>{tx.p50}</dt>
        <dd>{duration(r.timeToDelivery.p50Ms) ?? tx.none}</dd>
        <dt>{tx.p95}</dt>
        <dd>{duration(r.timeToDelivery.p95Ms) ?? tx.none}</dd>
      </dl>
      <h3>{tx.statuses}</h3>
      <ul class="legend">
        {Object.entries(r.statuses).map(([s, n]) => (
          <li key={s}>
            <StatusBadge status={s} /> {number(n ?? 0)}
          </li>
        ))}
      </ul>
      <DayBars days={r.days} caption={tx.chart} labels={{ sent: tx.sent, delivered: tx.delivered, failed: tx.failed }} />
      <h3>{tx.reasons}</h3>
      {r.failures.reasons.length ? (
        <table>
          <tbody>
            {r.failures.reasons.map((x) => (
              <tr key={`${x.code} ${x.message}`}>
                <td>{x.code}</td>
                <td>{x.message}</td>
                <td>{number(x.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{tx.noFailures}</p>
      )}
      <h3>{tx.byOperator}</h3>
      {r.failures.byOperator.length ? (
        <table>
          <tbody>
            {r.failures.byOperator.map((x) => (
              <tr key={`${x.country} ${x.operator}`}>
                <td>{x.country ?? tx.none}</td>
                <td>{x.operator ?? tx.none}</td>
                <td>{`${number(x.failed)} / ${number(x.recipients)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{tx.noFailures}</p>
      )}
    </>
  );
}

/** A period's report: from and to (whole UTC days), an optional department, bars per day and a CSV download. */
export function SmsReports() {
  const { locale } = useI18n();
  const tx = reportTexts(locale);
  const [form, setForm] = useState({ from: weekAgo(), to: today(), department: '' });
  const [asked, setAsked] = useState(form);
  const [csvError, setCsvError] = useState<unknown>(null);
  const q = { from: asked.from, to: asked.to, department: asked.department.trim() || undefined };
  const report = useLoad(() => api<SmsPeriodReportView>('GET', reportPaths.period(q)), [asked]);
  const csv = () => download(reportPaths.periodCsv(q), 'sms-report.csv').then(() => setCsvError(null), setCsvError);
  return (
    <section class="sms-reports">
      <h2>{tx.title}</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(form);
        }}
      >
        <label>
          {tx.from} <input type="date" required value={form.from} onInput={(e) => setForm({ ...form, from: e.currentTarget.value })} />
        </label>
        <label>
          {tx.to} <input type="date" required value={form.to} onInput={(e) => setForm({ ...form, to: e.currentTarget.value })} />
        </label>
        <label>
          {tx.department} <input value={form.department} maxLength={64} onInput={(e) => setForm({ ...form, department: e.currentTarget.value })} />
        </label>
        <button type="submit">{tx.show}</button>
        <button type="button" onClick={csv}>
          {tx.csv}
        </button>
      </form>
      {csvError ? <ErrorMessage error={csvError} /> : null}
      {report.loading && !report.data ? <Loading /> : null}
      {report.error ? <ErrorMessage error={report.error} onRetry={report.reload} /> : null}
      {report.data ? <Figures r={report.data} /> : null}
    </section>
  );
}

/** One send's report, for the alert desk to show beside a send. */
export function SmsSendReport({ sendId }: { sendId: number }) {
  const { locale } = useI18n();
  const tx = reportTexts(locale);
  const [csvError, setCsvError] = useState<unknown>(null);
  const report = useLoad(() => api<SmsSendReportView>('GET', reportPaths.send(sendId)), [sendId]);
  return (
    <section class="sms-reports">
      <h2>{`${tx.send} ${sendId}`}</h2>
      <button type="button" onClick={() => download(reportPaths.sendCsv(sendId), `sms-send-${sendId}-report.csv`).then(() => setCsvError(null), setCsvError)}>
        {tx.csv}
      </button>
      {csvError ? <ErrorMessage error={csvError} /> : null}
      {report.loading && !report.data ? <Loading /> : null}
      {report.error ? <ErrorMessage error={report.error} onRetry={report.reload} /> : null}
      {report.data ? <Figures r={report.data} /> : null}
    </section>
  );
}
