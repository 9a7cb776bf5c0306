import { Router } from 'express';
import { z } from 'zod';
import { SEND_STATES } from './sends.entities';
import type { SmsPolicy } from './policy.service';
import type { SmsLimits } from './limits.service';
import type { SmsSendControl } from './send-control.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam, pageLimit } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { assertAdmin } from '../core/access';
import { describeRoutes } from '../core/http/openapi';

/* Officers' sends after they are made: list, read, cancel (and, for admins, pause and resume). */

const stateList = z
  .string()
  .transform((v) => v.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(SEND_STATES)).min(1));
export const sendListQuery = z.object({ state: stateList.optional(), cursor: z.string().max(100).optional(), limit: pageLimit.optional() }).strict();

const resumeBody = z.object({ action: z.enum(['send', 'cancel']).default('send') }).strict();
const pauseSenderBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();
const senderParam = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +4759440004');
const hostBody = z.object({ host: z.string().trim().min(3).max(200) }).strict();
const operatorTable = z
  .object({
    items: z
      .array(z.object({ prefix: z.string().regex(/^\+[1-9]\d{0,14}$/, 'a number prefix such as +4790'), operator: z.string().trim().min(1).max(64) }).strict())
      .max(2000),
  })
  .strict();

const countriesBody = z.object({ countries: z.array(z.string().trim().min(1).max(8)).max(250) }).strict();

export function smsSendRoutes(deps: { control: SmsSendControl; policy: SmsPolicy; limits: SmsLimits }): Router {
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

  for (const verb of ['approve', 'reject', 'pause'] as const) {
    r.post(`/sms/sends/:id/${verb}`, async (req, res) => {
      res.json(await deps.control[verb](actorOf(res), parse(idParam, req.params.id, 'send id'), routeOf(req)));
    });
  }

  r.post('/sms/sends/:id/resume', async (req, res) => {
    const id = parse(idParam, req.params.id, 'send id');
    res.json(await deps.control.resume(actorOf(res), id, parse(resumeBody, req.body).action, routeOf(req)));
  });

  r.post('/sms/senders/:number/pause', async (req, res) => {
    const sender = parse(senderParam, req.params.number, 'sender number');
    res.json(await deps.control.pauseSender(actorOf(res), sender, parse(pauseSenderBody, req.body).reason ?? null, routeOf(req)));
  });

  r.post('/sms/senders/:number/resume', async (req, res) => {
    const sender = parse(senderParam, req.params.number, 'sender number');
    res.json(await deps.control.resumeSender(actorOf(res), sender, parse(resumeBody, req.body).action, routeOf(req)));
  });

  r.get('/sms/url-allowlist', async (_req, res) => {
    res.json({ items: await deps.policy.allowList() });
  });

  r.post('/sms/url-allowlist', async (req, res) => {
    const r2 = await deps.policy.allowHost(actorOf(res), parse(hostBody, req.body).host, routeOf(req));
    res.status(r2.created ? 201 : 200).json(r2);
  });

  r.delete('/sms/url-allowlist/:host', async (req, res) => {
    const host = parse(z.string().min(3).max(191), req.params.host, 'host');
    if (!(await deps.policy.disallowHost(actorOf(res), host, routeOf(req))))
      return void res.status(404).json({ error: { code: 'not_found', message: `${host} is not on the allow-list` } });
    res.status(204).end();
  });

  // Countries SMS may go to (automatic and staff sends): Norway always, plus what an admin adds.
  r.get('/sms/country-allowlist', async (_req, res) => {
    res.json({ items: await deps.limits.countries() });
  });

  r.put('/sms/country-allowlist', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    res.json({ items: await deps.limits.setCountries(actor, parse(countriesBody, req.body).countries, routeOf(req)) });
  });

  r.get('/sms/operators', async (_req, res) => {
    res.json({ items: await deps.policy.operatorPrefixes() });
  });

  r.put('/sms/operators', async (req, res) => {
    res.json({ items: await deps.policy.setOperatorPrefixes(actorOf(res), parse(operatorTable, req.body).items, routeOf(req)) });
  });

  return r;
}

const sendId = { id: idParam };
const sender = { number: senderParam };
export const smsSendControlRouteDocs = describeRoutes('sms', 'bearer', [
  ['GET /api/sms/sends', 'Sends, newest first: {items, nextCursor}', { query: sendListQuery }],
  ['GET /api/sms/sends/:id', 'One send with its counts by status', { params: sendId }],
  ['POST /api/sms/sends/:id/cancel', 'Cancels what of a send has not gone out', { params: sendId }],
  ['POST /api/sms/sends/:id/approve', 'Approves a send held for approval', { roles: 'admin', params: sendId }],
  ['POST /api/sms/sends/:id/reject', 'Rejects a send held for approval', { roles: 'admin', params: sendId }],
  ['POST /api/sms/sends/:id/pause', 'Pauses a send (suspected abuse)', { roles: 'admin', params: sendId }],
  ['POST /api/sms/sends/:id/resume', 'Resumes a paused send, or cancels it', { roles: 'admin', params: sendId, body: resumeBody }],
  ['POST /api/sms/senders/:number/pause', 'Pauses every send from a number', { roles: 'admin', params: sender, body: pauseSenderBody }],
  ['POST /api/sms/senders/:number/resume', "Resumes a number's sends, or cancels them", { roles: 'admin', params: sender, body: resumeBody }],
  ['GET /api/sms/url-allowlist', 'Hosts whose links do not hold a send for approval'],
  ['POST /api/sms/url-allowlist', 'Allows a host in links (201 new, 200 already there)', { roles: 'admin', body: hostBody, response: { status: 201 } }],
  [
    'DELETE /api/sms/url-allowlist/:host',
    'Removes a host',
    { roles: 'admin', params: { host: z.string().min(3).max(191) }, response: { status: 204, type: 'none' } },
  ],
  ['GET /api/sms/country-allowlist', 'Countries SMS may go to (Norway always)'],
  ['PUT /api/sms/country-allowlist', 'Sets the countries beyond Norway', { roles: 'admin', body: countriesBody }],
  ['GET /api/sms/operators', 'The number-prefix table that names the operator of a recipient'],
  ['PUT /api/sms/operators', 'Replaces the operator prefix table', { roles: 'admin', body: operatorTable }],
]);
