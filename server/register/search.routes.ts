import { Router } from 'express';
import { z } from 'zod';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
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
