import { Router } from 'express';
import type { StaffAdministration } from './administration.service';
import { actorOf, routeOf } from '../core/http/require-auth';
import { userBody } from './schemas';
import { parse } from '../core/http/validate';
import { describeRoutes } from '../core/http/openapi';

/** POST /users: administrators create staff accounts. */
export function staffAdministrationRoutes(deps: { admin: StaffAdministration }): Router {
  const r = Router();
  r.post('/users', async (req, res) => {
    const body = parse(userBody, req.body);
    const u = await deps.admin.createUser(actorOf(res), body, routeOf(req));
    res.status(201).json({ id: u.id, email: u.email, name: u.name, role: u.role, departments: body.departments, totpEnabled: u.totpEnabled });
  });
  return r;
}

export const staffAdministrationRouteDocs = describeRoutes('users', 'bearer', [
  ['POST /api/users', 'Creates a staff account', { roles: 'admin', body: userBody, response: { status: 201 } }],
]);
