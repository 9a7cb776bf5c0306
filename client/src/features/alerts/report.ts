import { toCsv } from '../../shared/csv';
import { smsLength } from '../../shared/sms-length';
import type { Json, SmsSendView } from '../../../../server/contracts/views';
import { progressOf } from './progress';

/*
 * Report figures the console can make from the send views alone: per send, and summed over the
 * sends of a period. What needs the server's help (cost as billed, time to delivery, failures by
 * operator reason) is not here until the server reports it.
 */

type Send = Json<SmsSendView>;

export const REPORT_COLUMNS = [
  'send',
  'createdAt',
  'sendAt',
  'state',
  'emergency',
  'recipients',
  'segmentsPerMessage',
  'delivered',
  'sent',
  'failed',
  'stopped',
  'waiting',
  'body',
] as const;
export type ReportRow = Record<(typeof REPORT_COLUMNS)[number], string | number>;

/** One send's row. Segments are those of the text as composed; merged names may lengthen some messages. */
export function reportRow(s: Send): ReportRow {
  const p = progressOf(s.recipients, s.statuses, s.dispatched);
  return {
    send: s.id,
    createdAt: s.createdAt,
    sendAt: s.sendAt ?? '',
    state: s.state,
    emergency: s.emergency ? 'yes' : 'no',
    recipients: s.recipients,
    segmentsPerMessage: smsLength(s.body).segments,
    delivered: p.delivered,
    sent: p.sent,
    failed: p.failed,
    stopped: p.stopped,
    waiting: p.waiting,
    body: s.body,
  };
}

const SUMMED = ['recipients', 'delivered', 'sent', 'failed', 'stopped', 'waiting'] as const;

/** The sends made from `from` (inclusive) until `to` (exclusive), both ISO instants or empty for open. */
export function inPeriod(sends: Send[], from: string | null, to: string | null): Send[] {
  const a = from ? Date.parse(from) : -Infinity;
  const b = to ? Date.parse(to) : Infinity;
  return sends.filter((s) => {
    const t = Date.parse(s.createdAt);
    return t >= a && t < b;
  });
}

export function totals(rows: ReportRow[]): Record<(typeof SUMMED)[number], number> & { sends: number } {
  const out = { sends: rows.length, recipients: 0, delivered: 0, sent: 0, failed: 0, stopped: 0, waiting: 0 };
  for (const r of rows) for (const k of SUMMED) out[k] += Number(r[k]) || 0;
  return out;
}

/** The report as a spreadsheet opens it: semicolons, UTF-8 with a byte-order mark, formula-safe cells. */
export function reportCsv(rows: ReportRow[]): string {
  return '\uFEFF' + toCsv([...REPORT_COLUMNS], rows, ';');
}

export function download(name: string, text: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
