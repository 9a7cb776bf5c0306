import { Router } from 'express';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import type { CaseService } from './cases.service';
import { caseBody, caseNumberParam } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** Case files: upserted by the case system (integration), read by staff. */
export function caseRoutes(deps: { cases: CaseService }): Router {
  const r = Router();

  r.put('/cases/:caseNumber', async (req, res) => {
    const caseNumber = parse(caseNumberParam, req.params.caseNumber, 'case number');
    const body = parse(caseBody, req.body);
    const result = await deps.cases.upsert(caseNumber, body, actorOf(res), routeOf(req));
    res.status(result.created ? 201 : 200).json({ ...result.case, changed: result.changed });
  });

  r.get('/cases/:caseNumber', async (req, res) => {
    const caseNumber = parse(caseNumberParam, req.params.caseNumber, 'case number');
    res.json(await deps.cases.get(caseNumber, actorOf(res), routeOf(req), req.ip));
  });

  return r;
}

export const caseRouteDocs = describeRoutes('register', 'bearer', [
  [
    'PUT /api/cases/:caseNumber',
    'Creates (201) or updates (200) a case file from the case system; the same body twice changes nothing',
    { roles: 'admin, integration', params: { caseNumber: caseNumberParam }, body: caseBody },
  ],
  ['GET /api/cases/:caseNumber', 'One case file with its contacts', { params: { caseNumber: caseNumberParam } }],
]);
