import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import type { Register } from '../register/module';
import { AuditTrailRepository } from './audit-trail.repository';
import { AuditViewer } from './audit-viewer.service';
import { auditRoutes } from './audit.routes';
import { PurgeRepository } from './purge.repository';
import { PURGE_QUEUE, PurgeService, type PurgeOptions } from './purge.service';
import { RetentionRepository } from './retention.repository';
import { RetentionSettings, type HoldTargets } from './retention.service';
import { retentionRoutes } from './retention.routes';
import { CitizenRepository } from './citizen.repository';
import { CitizenRights } from './citizen.service';
import { citizenRoutes } from './citizen.routes';
import { ErasureRepository } from './erasure.repository';

export type RecordsFeature = ReturnType<typeof createRecords>;

export interface RecordsOptions {
  purge?: PurgeOptions;
  /** How often the worker asks for a purge run (default daily). */
  purgeEveryMs?: number;
}

/**
 * Records and privacy: the audit viewer, retention and its purge, and the citizen's rights
 * (export, correction, erasure). Reads the register through its module; the records role and
 * admins use it.
 */
export function createRecords(kernel: Kernel, deps: { register: Register }, opts: RecordsOptions = {}) {
  const { db, audit, clock, config, jobs, logger } = kernel;
  const { register } = deps;
  const trail = new AuditTrailRepository({ db });
  const viewer = new AuditViewer({ trail, audit, departments: register.departments, unusualThreshold: config.auditUnusualReads, clock });
  const retention = new RetentionRepository({ db });
  const targets: HoldTargets = {
    contactExists: async (id) => (await register.contacts.byIds([id])).length > 0,
    caseByNumber: async (n) => (await register.cases.byNumbers([n]))[0] ?? null,
    caseNumbers: async (ids) => new Map((await register.cases.byIds(ids)).map((c) => [c.id, c.caseNumber])),
  };
  const settings = new RetentionSettings({ db, retention, departments: register.departments, targets, audit, clock });
  const purge = new PurgeService({ purge: new PurgeRepository({ db, audit, clock }), retention, audit, jobs, clock, logger, options: opts.purge });
  const rights = new CitizenRights({
    db,
    citizens: new CitizenRepository({ db }),
    erasure: new ErasureRepository({ db }),
    trail,
    contacts: register.contacts,
    audit,
    defaultCountry: config.defaultCountry,
    clock,
  });
  jobs.handle(PURGE_QUEUE, { run: async () => void (await purge.run()) });

  const api = Router();
  api.use(auditRoutes({ viewer }));
  api.use(retentionRoutes({ settings, purge, retention }));
  api.use(citizenRoutes({ rights }));
  const feature: Feature = {
    routes: { api },
    // Only where the queue runs (the worker, or a single process): a web process never purges.
    background: [repeating('records purge', opts.purgeEveryMs ?? 86_400_000, () => purge.request(), logger)],
  };
  return { ...feature, viewer, trail, retention, settings, purge, rights };
}
