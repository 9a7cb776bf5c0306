import { Router } from 'express';
import { z } from 'zod';
import { actorOf, routeOf } from '../core/http/require-auth';
import { CSV_BOM, csvRow } from '../core/http/csv';
import { idParam } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import type { AuditViewer } from './audit-viewer.service';

const isoTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const filters = {
  user: idParam.optional(),
  contact: idParam.optional(),
  department: z.string().trim().min(1).max(64).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
};
export const auditListQuery = z.object({ ...filters, cursor: idParam.optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict();
export const auditExportQuery = z.object(filters).strict();
export const unusualQuery = z.object({ from: isoTime.optional(), to: isoTime.optional() }).strict();

const CSV_COLUMNS = ['id', 'at', 'user_id', 'user', 'user_email', 'action', 'entity_type', 'entity_id', 'contact_id', 'contact', 'department', 'route', 'ip'];

/** The audit viewer under /api/records/audit: the trail filtered, as JSON pages or one CSV, and unusual reading flagged. */
export function auditRoutes(deps: { viewer: AuditViewer }): Router {
  const r = Router();

  r.get('/records/audit', async (req, res) => {
    res.json(await deps.viewer.page(actorOf(res), parse(auditListQuery, req.query, 'query'), { route: routeOf(req), ip: req.ip }));
  });

  r.get('/records/audit.csv', async (req, res) => {
    const rows = deps.viewer.all(actorOf(res), parse(auditExportQuery, req.query, 'query'), { route: routeOf(req), ip: req.ip });
    // The first row is read before anything is written, so a refused request still gets its JSON error.
    const first = await rows.next();
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="audit-trail.csv"');
    res.write(CSV_BOM + csvRow(CSV_COLUMNS, ';'));
    for (let it = first; !it.done; it = await rows.next()) {
      const x = it.value;
      res.write(
        csvRow(
          [
            x.id,
            x.at,
            x.user?.id,
            x.user?.name,
            x.user?.email,
            x.action,
            x.entityType,
            x.entityId,
            x.contact?.id,
            x.contact?.name,
            x.department,
            x.route,
            x.ip,
          ],
          ';',
        ),
      );
    }
    res.end();
  });

  r.get('/records/audit/unusual', async (req, res) => {
    res.json(await deps.viewer.unusual(actorOf(res), parse(unusualQuery, req.query, 'query'), { route: routeOf(req), ip: req.ip }));
  });

  return r;
}
