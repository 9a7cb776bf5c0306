import { Router } from 'express';
import { z } from 'zod';
import { assertAdmin } from '../access';
import { notFound } from '../errors';
import type { OutboundHooks } from '../outbound-hooks';
import { actorOf, routeOf } from './require-auth';
import { parse } from './validate';
import { describeRoutes } from './openapi';

/** A host name or an IP address (IPv6 in brackets or bare); no scheme, path or port. */
const host = z
  .string()
  .trim()
  .min(1)
  .max(191)
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]+|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$/,
    'a host name or IP address, without scheme, port or path',
  );
export const outboundHostBody = z.object({ host }).strict();

/** The admin's list of hosts outbound hooks may reach: GET, POST a host, DELETE one. */
export function outboundHostRoutes(deps: { hooks: OutboundHooks }): Router {
  const r = Router();

  r.get('/admin/outbound-hosts', async (_req, res) => {
    assertAdmin(actorOf(res));
    res.json({ items: await deps.hooks.list() });
  });

  r.post('/admin/outbound-hosts', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    await deps.hooks.add(parse(outboundHostBody, req.body).host, actor.id, routeOf(req));
    res.status(201).json({ items: await deps.hooks.list() });
  });

  r.delete('/admin/outbound-hosts/:host', async (req, res) => {
    const actor = actorOf(res);
    assertAdmin(actor);
    if (!(await deps.hooks.remove(parse(host, req.params.host, 'host'), actor.id, routeOf(req)))) throw notFound('Allowed host');
    res.status(204).end();
  });

  return r;
}

export const outboundHostRouteDocs = describeRoutes('admin', 'bearer', [
  ['GET /api/admin/outbound-hosts', 'Hosts that outbound hooks (archive pushes) may reach', { roles: 'admin' }],
  ['POST /api/admin/outbound-hosts', 'Allows a host', { roles: 'admin', body: outboundHostBody, response: { status: 201 } }],
  ['DELETE /api/admin/outbound-hosts/:host', 'Removes a host', { roles: 'admin', params: { host }, response: { status: 204, type: 'none' } }],
]);
