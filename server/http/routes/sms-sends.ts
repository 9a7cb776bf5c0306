import { Router } from 'express';
import { z } from 'zod';
import { SEND_STATES } from '../../db/entities-sms-sends';
import type { SmsSendControl } from '../../domain/sms-send-control';
import { actorOf, routeOf } from '../auth';
import { idParam } from '../schemas';
import { parse } from '../validate';

/* Officers' sends after they are made: list, read, cancel (and, for admins, pause and resume). */

const stateList = z
  .string()
  .transform((v) => v.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(SEND_STATES)).min(1));
export const sendListQuery = z.object({ state: stateList.optional(), cursor: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict();

export function smsSendRoutes(deps: { control: SmsSendControl }): Router {
  const r = Router();

  r.get('/sms/sends', async (req, res) => {
    const q = parse(sendListQuery, req.query, 'query');
    res.json(await deps.control.list(actorOf(res), { states: q.state, cursor: q.cursor, limit: q.limit }));
  });

  r.get('/sms/sends/:id', async (req, res) => {
    res.json(await deps.control.get(actorOf(res), parse(idParam, req.params.id, 'send id')));
  });

  r.post('/sms/sends/:id/cancel', async (req, res) => {
    res.json(await deps.control.cancel(actorOf(res), parse(idParam, req.params.id, 'send id'), routeOf(req)));
  });

  return r;
}
