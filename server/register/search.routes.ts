import { Router } from 'express';
import { z } from 'zod';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';
import type { SearchService } from './search.service';

export const searchQuery = z.object({ q: z.string().trim().min(1).max(200) }).strict();

/** GET /api/search?q= — the front desk's one box over contacts, cases and inquiries. */
export function searchRoutes(deps: { search: SearchService }): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const { q } = parse(searchQuery, req.query, 'query');
    res.json(await deps.search.search(actorOf(res), q, { route: routeOf(req), ip: req.ip }));
  });
  return r;
}

export const searchRouteDocs = describeRoutes('register', 'bearer', [
  [
    'GET /api/search',
    "The front desk's one box: a number, an e-mail, a name, a case or inquiry number → {query, understoodAs, contacts, cases, inquiries}",
    { query: searchQuery },
  ],
]);
