import { Router } from 'express';
import type { AdminService } from './administration.service';
import type { DepartmentRepository } from '../register/departments.repository';
import type { Department } from '../register/departments.entities';
import type { DepartmentView } from '../contracts/views';
import { actorOf, routeOf } from '../core/http/require-auth';
import { departmentBody, userBody } from '../core/http/schemas';
import { parse } from '../core/http/validate';

const departmentView = (d: Department): DepartmentView => ({ id: d.id, code: d.code, name: d.name, menuDigit: d.menuDigit, email: d.email, openingHours: d.openingHours });

export function adminRoutes(deps: { admin: AdminService; departments: DepartmentRepository }): Router {
  const r = Router();

  r.get('/departments', async (_req, res) => {
    const rows = await deps.departments.list();
    res.json({ items: rows.map(departmentView) });
  });

  r.post('/departments', async (req, res) => {
    const body = parse(departmentBody, req.body);
    const d = await deps.admin.createDepartment(actorOf(res), body, routeOf(req));
    res.status(201).json(departmentView(d));
  });

  r.post('/users', async (req, res) => {
    const body = parse(userBody, req.body);
    const u = await deps.admin.createUser(actorOf(res), body, routeOf(req));
    res.status(201).json({ id: u.id, email: u.email, name: u.name, role: u.role, departments: body.departments, totpEnabled: u.totpEnabled });
  });

  return r;
}
