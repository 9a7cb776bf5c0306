import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Register } from '../register/module';
import { AuditTrailRepository } from './audit-trail.repository';
import { AuditViewer } from './audit-viewer.service';
import { auditRoutes } from './audit.routes';

export type RecordsFeature = ReturnType<typeof createRecords>;

/**
 * Records and privacy: the audit viewer, retention and its purge, and the citizen's rights
 * (export, correction, erasure). Reads the register through its module; the records role and
 * admins use it.
 */
export function createRecords(kernel: Kernel, deps: { register: Register }) {
  const { db, audit, clock, config } = kernel;
  const trail = new AuditTrailRepository({ db });
  const viewer = new AuditViewer({ trail, audit, departments: deps.register.departments, unusualThreshold: config.auditUnusualReads, clock });
  const feature: Feature = { routes: { api: auditRoutes({ viewer }) } };
  return { ...feature, viewer, trail };
}
