import { Router } from 'express';
import { z } from 'zod';
import { MESSAGE_STATUSES } from '../contracts/names';
import type { SmsViewService } from './views.service';
import { SMS_SORTS } from './views.repository';
import { actorOf, routeOf } from '../core/http/require-auth';
import { CSV_BOM, csvRow } from '../core/http/csv';
import { fromDate, idParam, pageLimit, toDate } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';

/* Delivery-status views for staff: outbound SMS by status, country, operator, sender and time. */

const statusList = z
  .string()
  .transform((v) => v.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(MESSAGE_STATUSES)).min(1).max(MESSAGE_STATUSES.length));
const filters = {
  status: statusList.optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 country code such as NO')
    .transform((v) => v.toUpperCase())
    .optional(),
  operator: z.string().trim().min(1).max(64).optional(),
  sender: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4759440004')
    .optional(),
  send: idParam.optional(),
  from: fromDate.optional(),
  to: toDate.optional(),
  sort: z.enum(SMS_SORTS).optional(),
};
export const smsListQuery = z.object({ ...filters, cursor: z.string().max(300).optional(), limit: pageLimit.optional() }).strict();
export const smsExportQuery = z.object(filters).strict();
const { sort: _sort, ...dayFilters } = filters;
export const smsDaysQuery = z.object(dayFilters).strict();

/** The filters every SMS view shares, from a parsed query (list, CSV export, days). */
const filterOf = (q: z.infer<typeof smsDaysQuery>) => ({
  statuses: q.status,
  country: q.country,
  operator: q.operator,
  sender: q.sender,
  sendId: q.send,
  from: q.from,
  to: q.to,
});

const CSV_COLUMNS = ['id', 'created_at', 'updated_at', 'status', 'sender', 'recipient', 'country', 'operator', 'send_id', 'provider_id', 'body'];

export function smsViewRoutes(deps: { views: SmsViewService }): Router {
  const r = Router();

  r.get('/sms/messages', async (req, res) => {
    const q = parse(smsListQuery, req.query, 'query');
    res.json(await deps.views.list(actorOf(res), { ...filterOf(q), sort: q.sort, cursor: q.cursor, limit: q.limit }, { route: routeOf(req), ip: req.ip }));
  });

  r.get('/sms/messages.csv', async (req, res) => {
    const q = parse(smsExportQuery, req.query, 'query');
    const rows = deps.views.all(actorOf(res), { ...filterOf(q), sort: q.sort }, { route: routeOf(req), ip: req.ip });
    // The first page is read before anything is written, so a refused request still gets its JSON error.
    const first = await rows.next();
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="sms-messages.csv"');
    // A byte-order mark, so spreadsheets read Æ, Ø and Å as UTF-8.
    res.write(CSV_BOM + csvRow(CSV_COLUMNS, ';'));
    for (let it = first; !it.done; it = await rows.next()) {
      const x = it.value;
      res.write(csvRow([x.id, x.createdAt, x.updatedAt, x.status, x.fromAddress, x.toAddress, x.country, x.operator, x.sendId, x.externalId, x.body], ';'));
    }
    res.end();
  });

  r.get('/sms/messages/days', async (req, res) => {
    const q = parse(smsDaysQuery, req.query, 'query');
    res.json(await deps.views.days(actorOf(res), filterOf(q)));
  });

  r.get('/sms/messages/:id', async (req, res) => {
    res.json(await deps.views.history(actorOf(res), parse(idParam, req.params.id, 'message id'), { route: routeOf(req), ip: req.ip }));
  });

  return r;
}

export const smsViewRouteDocs = describeRoutes('sms', 'bearer', [
  ['GET /api/sms/messages', 'Outbound SMS by status, country, operator, sender and time: {items, nextCursor}', { query: smsListQuery }],
  [
    'GET /api/sms/messages.csv',
    'The same list, every row, as CSV (semicolon-separated, UTF-8 with BOM)',
    { query: smsExportQuery, response: { type: 'text/csv' } },
  ],
  ['GET /api/sms/messages/days', "Outbound SMS per day in the municipality's time zone, by status: {timeZone, days}", { query: smsDaysQuery }],
  ['GET /api/sms/messages/:id', 'One SMS with its whole status history', { params: { id: idParam } }],
]);
