import { Router } from 'express';
import { z } from 'zod';
import { assertMay } from '../core/access';
import { actorOf, routeOf } from '../core/http/require-auth';
import { idParam, text } from '../core/http/schemas';
import { parse } from '../core/http/validate';
import { CHANNELS } from '../contracts/names';
import type { PurgeService } from './purge.service';
import type { RetentionRepository } from './retention.repository';
import type { RetentionSettings } from './retention.service';
import { RETENTION_KINDS } from './retention';

export const rulesBody = z
  .object({
    rules: z
      .array(
        z
          .object({
            kind: z.enum(RETENTION_KINDS),
            channel: z.enum(CHANNELS).optional(),
            department: z.string().trim().min(1).max(64).optional(),
            keepDays: z.number().int().min(1).max(36_500),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();
/** A run now is a deliberate act: the body says so (a stray POST purges nothing). */
export const purgeBody = z.object({ confirm: z.literal(true) }).strict();
export const holdBody = z.object({ contact: idParam.optional(), case: z.string().trim().min(1).max(64).optional(), reason: text(255) }).strict();

/** Retention rules, legal holds and the purge (dry run, a run now, past runs), for records and admin. */
export function retentionRoutes(deps: { settings: RetentionSettings; purge: PurgeService; retention: RetentionRepository }): Router {
  const r = Router();
  r.get('/records/retention', async (_req, res) => {
    res.json(await deps.settings.rules(actorOf(res)));
  });
  r.put('/records/retention', async (req, res) => {
    res.json(await deps.settings.replaceRules(actorOf(res), parse(rulesBody, req.body).rules, routeOf(req)));
  });
  r.get('/records/holds', async (_req, res) => {
    res.json(await deps.settings.holds(actorOf(res)));
  });
  r.post('/records/holds', async (req, res) => {
    res.status(201).json(await deps.settings.placeHold(actorOf(res), parse(holdBody, req.body), routeOf(req)));
  });
  r.delete('/records/holds/:id', async (req, res) => {
    res.json(await deps.settings.releaseHold(actorOf(res), parse(idParam, req.params.id, 'hold id'), routeOf(req)));
  });
  r.get('/records/purge/dry-run', async (_req, res) => {
    assertMay(actorOf(res), 'keepRecords');
    res.json(await deps.purge.dryRun());
  });
  r.post('/records/purge', async (req, res) => {
    assertMay(actorOf(res), 'keepRecords');
    parse(purgeBody, req.body);
    await deps.purge.request();
    res.status(202).json({ queued: true });
  });
  r.get('/records/purge/runs', async (_req, res) => {
    assertMay(actorOf(res), 'keepRecords');
    res.json({ items: await deps.retention.runs(50) });
  });
  return r;
}
