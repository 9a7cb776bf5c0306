import { Router } from 'express';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { ContactService } from './contacts.service';
import { contactQuery } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** Citizens: found by number or address in any notation, each with their cases. */
export function contactRoutes(deps: { contacts: ContactService }): Router {
  const r = Router();

  r.get('/contacts', async (req, res) => {
    const q = parse(contactQuery, req.query, 'query');
    const actor = actorOf(res);
    const items = q.phone
      ? await deps.contacts.findByPhone(actor, q.phone, routeOf(req), req.ip)
      : await deps.contacts.findByEmail(actor, q.email!, routeOf(req), req.ip);
    res.json({ items });
  });

  r.get('/contacts/:id', async (req, res) => {
    res.json(await deps.contacts.get(actorOf(res), parse(idParam, req.params.id, 'contact id'), routeOf(req), req.ip));
  });

  return r;
}

export const contactRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/contacts', 'Contacts by phone number (any common notation) or e-mail address, with their cases', { query: contactQuery }],
  ['GET /api/contacts/:id', 'One contact', { params: { id: idParam } }],
]);
