import type { Locale } from '../../shared/i18n';

/* This view's texts, kept beside it while the alert desk's texts are being written on another branch. */
const nb = {
  title: 'SMS-rapport',
  from: 'Fra dato',
  to: 'Til dato',
  department: 'Avdeling (kode, valgfri)',
  show: 'Vis',
  csv: 'Last ned CSV',
  recipients: 'Mottakere',
  handedOver: 'Sendt til operatør',
  segments: 'Segmenter',
  cost: 'Anslått kostnad',
  p50: 'Leveringstid, median',
  p95: 'Leveringstid, 95 %',
  statuses: 'Status',
  reasons: 'Feil etter operatørens årsak',
  byOperator: 'Feil per operatør',
  noFailures: 'Ingen feil.',
  chart: 'Sendt, levert og feilet per dag (UTC)',
  sent: 'Sendt',
  delivered: 'Levert',
  failed: 'Feilet',
  send: 'Utsending',
  none: '–',
};
const en: typeof nb = {
  title: 'SMS report',
  from: 'From date',
  to: 'To date',
  department: 'Department (code, optional)',
  show: 'Show',
  csv: 'Download CSV',
  recipients: 'Recipients',
  handedOver: 'Handed to the operator',
  segments: 'Segments',
  cost: 'Estimated cost',
  p50: 'Time to delivery, median',
  p95: 'Time to delivery, 95th percentile',
  statuses: 'Statuses',
  reasons: 'Failures by operator reason',
  byOperator: 'Failures by operator',
  noFailures: 'No failures.',
  chart: 'Sent, delivered and failed per day (UTC)',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  send: 'Send',
  none: '–',
};

export type ReportText = keyof typeof nb;
export const reportTexts = (locale: Locale): typeof nb => (locale === 'nb' ? nb : en);

/** 61 500 ms → "1 min 2 s"; under a minute in seconds with one decimal. */
export function duration(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
