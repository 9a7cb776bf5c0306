import { Router } from 'express';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import type { DepartmentService } from './departments.service';
import { departmentBody } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** GET /departments for everyone signed in; POST /departments for administrators. */
export function departmentRoutes(deps: { departments: DepartmentService }): Router {
  const r = Router();

  r.get('/departments', async (_req, res) => {
    res.json({ items: await deps.departments.list() });
  });

  r.post('/departments', async (req, res) => {
    const body = parse(departmentBody, req.body);
    res.status(201).json(await deps.departments.create(actorOf(res), body, routeOf(req)));
  });

  return r;
}

export const departmentRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/departments', 'The departments, with menu digits, numbers, addresses and opening hours'],
  ['POST /api/departments', 'Creates a department', { roles: 'admin', body: departmentBody, response: { status: 201 } }],
]);
