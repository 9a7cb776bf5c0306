import express, { Router, type Request } from 'express';
import { parse } from '../core/http/validate';
import { actorOf, routeOf } from '../core/http/require-auth';
import { clientKey } from '../core/rate-limits';
import { codeRequest, proofBody, staffExportQuery, subscriptionBody } from './subscriptions.schemas';
import type { Subscriptions } from './subscriptions.service';
import { describeRoutes } from '../core/http/openapi';

/** Bodies here are a number, a code and a few ids: anything larger is no resident's request. */
const json = express.json({ limit: '16kb', strict: true });

/** The client's own address as the consent record keeps it; limits count its IPv4 address or IPv6 /64. */
export const ipOf = (req: Request) => req.ip ?? 'unknown';

/** MISSION.md's public JSON endpoints of resident alerts; the pages use the same service. */
export function subscriptionRoutes(deps: { subscriptions: Subscriptions }): Router {
  const r = Router();
  const s = deps.subscriptions;

  r.post('/public/alerts/code', json, async (req, res) => {
    const body = parse(codeRequest, req.body);
    await s.requestCode(body.phone, clientKey(ipOf(req)), body.language);
    // One answer for every number: nothing here depends on whether it is subscribed.
    res.status(202).json({ status: 'sent' });
  });

  r.post('/public/alerts/subscription', json, async (req, res) => {
    res.json(await s.subscribe(parse(subscriptionBody, req.body), { via: 'web', client: ipOf(req) }));
  });

  r.post('/public/alerts/unsubscribe', json, async (req, res) => {
    const body = parse(proofBody, req.body);
    res.json(await s.unsubscribe(body.phone, body.code, { via: 'web', client: ipOf(req) }, body.language));
  });

  r.post('/public/alerts/export', json, async (req, res) => {
    const body = parse(proofBody, req.body);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await s.exportByCode(body.phone, body.code));
  });
  return r;
}

/** Staff under /api: a resident's data and consent history by number (records, admin), audited. */
export function subscriptionStaffRoutes(deps: { subscriptions: Subscriptions }): Router {
  const r = Router();
  r.get('/alerts/subscribers/export', async (req, res) => {
    const q = parse(staffExportQuery, req.query, 'query');
    res.json(await deps.subscriptions.exportForStaff(actorOf(res), q.phone, routeOf(req), req.ip ?? null));
  });
  return r;
}

export const subscriptionRouteDocs = describeRoutes('alerts', 'none', [
  ['POST /public/alerts/code', 'Sends a one-time code by SMS (202 whether or not the number is subscribed)', { body: codeRequest, response: { status: 202 } }],
  ['POST /public/alerts/subscription', 'Subscribes, or replaces the choice, with a one-time code', { body: subscriptionBody }],
  ['POST /public/alerts/unsubscribe', 'Unsubscribes with a one-time code', { body: proofBody }],
  ['POST /public/alerts/export', 'What is stored about the number, with a one-time code', { body: proofBody }],
  ['GET /api/alerts/subscribers/export', 'What is stored about one subscriber', { auth: 'bearer', roles: 'admin, officer', query: staffExportQuery }],
]);
