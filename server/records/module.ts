import { Router } from 'express';
import { describeRoutes } from '../core/http/openapi';
import { idParam } from '../core/http/schemas';
import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import type { Register } from '../register/module';
import { AuditTrailRepository } from './audit-trail.repository';
import { AuditViewer } from './audit-viewer.service';
import { auditExportQuery, auditListQuery, auditRoutes, unusualQuery } from './audit.routes';
import { PurgeRepository } from './purge.repository';
import { PURGE_QUEUE, PurgeService, type PurgeOptions } from './purge.service';
import { RetentionRepository } from './retention.repository';
import { RetentionSettings, type HoldTargets } from './retention.service';
import { holdBody, purgeBody, retentionRoutes, rulesBody } from './retention.routes';
import { CitizenRepository } from './citizen.repository';
import { CitizenRights } from './citizen.service';
import { citizenRoutes, correctionBody, erasureBody, findQuery, htmlQuery } from './citizen.routes';
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
    routes: { api, docs: recordsRouteDocs },
    // Only where the queue runs (the worker, or a single process): a web process never purges.
    background: [repeating('records purge', opts.purgeEveryMs ?? 86_400_000, () => purge.request(), logger)],
  };
  return { ...feature, viewer, trail, retention, settings, purge, rights };
}

const contactId = { id: idParam };
/** The records room's routes in the API reference (records and admin roles). */
const recordsRouteDocs = describeRoutes('records', 'bearer', [
  ['GET /api/records/audit', 'Who read or changed which citizen’s data: filtered, newest first', { roles: 'records, admin', query: auditListQuery }],
  [
    'GET /api/records/audit.csv',
    'The same, every row, as CSV (semicolons, UTF-8 with BOM)',
    { roles: 'records, admin', query: auditExportQuery, response: { type: 'text/csv' } },
  ],
  ['GET /api/records/audit/unusual', 'Users who read many citizens they have no inquiry with', { roles: 'records, admin', query: unusualQuery }],
  ['GET /api/records/retention', 'The retention rules', { roles: 'records, admin' }],
  ['PUT /api/records/retention', 'Replaces the retention rules', { roles: 'records, admin', body: rulesBody }],
  ['GET /api/records/holds', 'Legal holds on contacts and cases', { roles: 'records, admin' }],
  ['POST /api/records/holds', 'Places a legal hold', { roles: 'records, admin', body: holdBody, response: { status: 201 } }],
  ['DELETE /api/records/holds/:id', 'Releases a legal hold', { roles: 'records, admin', params: { id: idParam } }],
  ['GET /api/records/purge/dry-run', 'What the next purge would remove, per rule', { roles: 'records, admin' }],
  ['POST /api/records/purge', 'Queues a purge now', { roles: 'records, admin', body: purgeBody }],
  ['GET /api/records/purge/runs', 'What past purges did, as counts per rule', { roles: 'records, admin' }],
  ['GET /api/records/citizens', 'Finds a citizen by number, e-mail or name', { roles: 'records, admin', query: findQuery }],
  ['GET /api/records/citizens/:id/export', 'Everything held about a citizen, as JSON (GDPR art. 15)', { roles: 'records, admin', params: contactId }],
  [
    'GET /api/records/citizens/:id/export.html',
    'The same as a readable document in the citizen’s language',
    { roles: 'records, admin', params: contactId, query: htmlQuery, response: { type: 'text/html' } },
  ],
  ['PATCH /api/records/citizens/:id', 'Corrects a citizen’s contact details (art. 16)', { roles: 'records, admin', params: contactId, body: correctionBody }],
  [
    'GET /api/records/citizens/:id/erasure',
    'What an erasure would remove and keep, with a confirmation token (art. 17)',
    { roles: 'records, admin', params: contactId },
  ],
  ['POST /api/records/citizens/:id/erasure', 'Erases with the preview’s token', { roles: 'records, admin', params: contactId, body: erasureBody }],
]);
