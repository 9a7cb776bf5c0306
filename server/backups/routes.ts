import { Router } from 'express';
import { assertAdmin } from '../core/access';
import { actorOf } from '../core/http/require-auth';
import type { BackupService } from './backup.service';
import { describeRoutes } from '../core/http/openapi';

/** The admin's view of backups: whether they are good, failing or late, and the last runs. */
export function backupRoutes(deps: { backups: BackupService }): Router {
  const r = Router();
  r.get('/backups', async (_req, res) => {
    assertAdmin(actorOf(res));
    res.json(await deps.backups.status());
  });
  return r;
}

export const backupRouteDocs = describeRoutes('backups', 'bearer', [
  ['GET /api/backups', 'Whether backups are good, failing or overdue, with the last runs', { roles: 'admin' }],
]);
