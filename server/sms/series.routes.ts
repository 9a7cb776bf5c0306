import { Router } from 'express';
import { z } from 'zod';
import { SERIES_STATES } from './series.entities';
import type { SmsSeriesService } from './series.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam, pageLimit } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';

/* Recurring sends after they are made (list, read, cancel) and the holidays series may skip. */

const seriesListQuery = z
  .object({
    state: z
      .string()
      .max(100)
      .transform((v) => v.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(SERIES_STATES)).min(1))
      .optional(),
    cursor: z.string().max(100).optional(),
    limit: pageLimit.optional(),
  })
  .strict();

const day = z.iso.date();
export const holidaysBody = z.object({ items: z.array(z.object({ day, name: z.string().trim().max(100).nullable().optional() }).strict()).max(1000) }).strict();

export function smsSeriesRoutes(deps: { series: SmsSeriesService }): Router {
  const r = Router();

  r.get('/sms/series', async (req, res) => {
    const q = parse(seriesListQuery, req.query, 'query');
    res.json(await deps.series.list(actorOf(res), { states: q.state, cursor: q.cursor, limit: q.limit }));
  });

  r.get('/sms/series/:id', async (req, res) => {
    res.json(await deps.series.get(actorOf(res), parse(idParam, req.params.id, 'series id')));
  });

  r.post('/sms/series/:id/cancel', async (req, res) => {
    res.json(await deps.series.cancel(actorOf(res), parse(idParam, req.params.id, 'series id'), routeOf(req)));
  });

  r.get('/sms/holidays', async (_req, res) => {
    res.json({ items: await deps.series.holidays() });
  });

  // Admin: the whole list at once (days as YYYY-MM-DD in the municipality's zone).
  r.put('/sms/holidays', async (req, res) => {
    res.json({ items: await deps.series.setHolidays(actorOf(res), parse(holidaysBody, req.body).items, routeOf(req)) });
  });

  return r;
}

export const smsSeriesRouteDocs = describeRoutes('sms', 'bearer', [
  ['GET /api/sms/series', 'Recurring sends: {items, nextCursor}', { query: seriesListQuery }],
  ['GET /api/sms/series/:id', 'One recurring send', { params: { id: idParam } }],
  ['POST /api/sms/series/:id/cancel', 'Stops a recurring send', { params: { id: idParam } }],
  ['GET /api/sms/holidays', 'Days recurring sends may skip'],
  ['PUT /api/sms/holidays', 'Replaces the days recurring sends may skip', { roles: 'admin', body: holidaysBody }],
]);
