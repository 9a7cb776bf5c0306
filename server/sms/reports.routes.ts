import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf, routeOf } from '../core/http/require-auth';
import { CSV_BOM, csvRow } from '../core/http/csv';
import { fromDate, idParam, toDate } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { ReportFigures } from './reports.tally';
import type { PeriodReport, SendReport, SmsReportService } from './reports.service';
import { describeRoutes } from '../core/http/openapi';

/* SMS reports per send and per period, as JSON for the console or as CSV for a spreadsheet. */

/** The longest period one report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

const format = z.enum(['json', 'csv']).optional();
export const sendReportQuery = z.object({ format }).strict();
export const periodReportQuery = z
  .object({
    from: fromDate,
    to: toDate,
    department: z
      .string()
      .max(64)
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a department code')
      .optional(),
    format,
  })
  .strict()
  .refine((q) => q.from < q.to, { message: 'must be after from', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_REPORT_DAYS * DAY_MS, {
    message: `a period of at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });

export function smsReportRoutes(deps: { reports: SmsReportService }): Router {
  const r = Router();

  const sendReport = (csv: boolean) =>
    async function sendReport(req: Request, res: Response) {
      const id = parse(idParam, req.params.id, 'send id');
      const q = parse(sendReportQuery, req.query, 'query');
      const asCsv = csv || q.format === 'csv';
      const report = await deps.reports.forSend(actorOf(res), id, { route: routeOf(req), ip: req.ip, format: asCsv ? 'csv' : 'json' });
      if (asCsv) sendCsv(res, `sms-send-${id}-report.csv`, sendRows(report));
      else res.json(report);
    };
  r.get('/sms/sends/:id/report', sendReport(false));
  r.get('/sms/sends/:id/report.csv', sendReport(true));

  const periodReport = (csv: boolean) =>
    async function periodReport(req: Request, res: Response) {
      const q = parse(periodReportQuery, req.query, 'query');
      const asCsv = csv || q.format === 'csv';
      const report = await deps.reports.forPeriod(
        actorOf(res),
        { from: q.from, to: q.to, department: q.department },
        { route: routeOf(req), ip: req.ip, format: asCsv ? 'csv' : 'json' },
      );
      const name = `sms-report-${q.from.toISOString().slice(0, 10)}-${q.department ?? 'all'}.csv`;
      if (asCsv) sendCsv(res, name, periodRows(report));
      else res.json(report);
    };
  r.get('/sms/reports', periodReport(false));
  r.get('/sms/reports.csv', periodReport(true));

  return r;
}

function sendCsv(res: Response, filename: string, rows: unknown[][]): void {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${filename}"`);
  res.send(CSV_BOM + rows.map((row) => csvRow(row, ';')).join(''));
}

export const REPORT_CSV_HEADER = ['section', 'key', 'detail', 'value'];

/** One table of four columns, so a spreadsheet can filter on the section: figures, statuses, reasons, operators, days. */
function figureRows(f: ReportFigures): unknown[][] {
  const rows: unknown[][] = [
    ['summary', 'recipients', '', f.recipients],
    ['summary', 'handed_over', '', f.handedOver],
    ['summary', 'segments', '', f.segments],
    ['summary', 'cost', f.cost.currency, f.cost.amount],
    ['summary', 'price_per_segment', f.cost.currency, f.cost.perSegment],
    ['summary', 'delivery_measured', '', f.timeToDelivery.measured],
    ['summary', 'delivery_p50_ms', '', f.timeToDelivery.p50Ms],
    ['summary', 'delivery_p95_ms', '', f.timeToDelivery.p95Ms],
  ];
  for (const [status, n] of Object.entries(f.statuses).sort()) rows.push(['status', status, '', n]);
  for (const x of f.failures.reasons) rows.push(['failure_reason', x.code, x.message, x.count]);
  for (const x of f.failures.byOperator) rows.push(['failures_by_operator', x.country ?? '', x.operator ?? '', x.failed]);
  return rows;
}

function sendRows(r: SendReport): unknown[][] {
  return [
    REPORT_CSV_HEADER,
    ['send', 'id', '', r.send.id],
    ['send', 'department', '', r.send.department],
    ['send', 'sender', '', r.send.sender],
    ['send', 'created_at', '', r.send.createdAt],
    ...figureRows(r),
    ...r.days.flatMap((d) => (['sent', 'delivered', 'failed'] as const).map((k) => ['day', d.date, k, d[k]])),
  ];
}

function periodRows(r: PeriodReport): unknown[][] {
  return [
    REPORT_CSV_HEADER,
    ['period', 'from', '', r.period.from],
    ['period', 'to', '', r.period.to],
    ['period', 'department', '', r.period.department ?? 'all'],
    ...figureRows(r),
    ...r.days.flatMap((d) => (['sent', 'delivered', 'failed'] as const).map((k) => ['day', d.date, k, d[k]])),
  ];
}

export const smsReportRouteDocs = describeRoutes('sms', 'bearer', [
  ['GET /api/sms/sends/:id/report', "A send's report (JSON, or CSV with format=csv)", { params: { id: idParam }, query: sendReportQuery }],
  [
    'GET /api/sms/sends/:id/report.csv',
    "A send's report as CSV (semicolons, UTF-8 with BOM)",
    { params: { id: idParam }, query: sendReportQuery, response: { type: 'text/csv' } },
  ],
  ['GET /api/sms/reports', 'Figures for a period of at most a year, per department or all', { query: periodReportQuery }],
  ['GET /api/sms/reports.csv', 'The period report as CSV', { query: periodReportQuery, response: { type: 'text/csv' } }],
]);
