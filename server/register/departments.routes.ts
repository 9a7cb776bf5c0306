import { Router } from 'express';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import type { DepartmentService } from './departments.service';
import { departmentBody, departmentCodeParam, departmentPatch } from './schemas';
import { describeRoutes } from '../core/http/openapi';

/** GET /departments for everyone signed in; POST and PATCH /departments for administrators. */
export function departmentRoutes(deps: { departments: DepartmentService }): Router {
  const r = Router();

  r.get('/departments', async (_req, res) => {
    res.json({ items: await deps.departments.list() });
  });

  r.post('/departments', async (req, res) => {
    const body = parse(departmentBody, req.body);
    res.status(201).json(await deps.departments.create(actorOf(res), body, routeOf(req)));
  });

  r.patch('/departments/:code', async (req, res) => {
    const code = parse(departmentCodeParam, req.params.code, 'department code');
    res.json(await deps.departments.update(actorOf(res), code, parse(departmentPatch, req.body), routeOf(req)));
  });

  return r;
}

export const departmentRouteDocs = describeRoutes('register', 'bearer', [
  ['GET /api/departments', 'The departments, with menu digits, numbers, addresses and opening hours'],
  ['POST /api/departments', 'Creates a department', { roles: 'admin', body: departmentBody, response: { status: 201 } }],
  [
    'PATCH /api/departments/:code',
    'Changes a department: name, menu digit, opening hours and holidays, mailbox, SMS numbers',
    { roles: 'admin', body: departmentPatch },
  ],
]);
