import type { AuditRepository } from '../core/audit.repository';
import { assertMay, type Actor } from '../core/access';
import { badRequest } from '../core/errors';
import type { AuditEventView, UnusualReadingView } from '../contracts/records';
import type { AuditTrailRepository, AuditFilter, AuditRow } from './audit-trail.repository';

/** A department as the viewer names it: by code in queries and answers. */
export interface DepartmentLookup {
  byCode(code: string): Promise<{ id: number } | null>;
  list(): Promise<{ id: number; code: string }[]>;
}

export interface AuditQuery {
  user?: number;
  contact?: number;
  department?: string;
  from?: Date;
  to?: Date;
  cursor?: number;
  limit?: number;
}

export const CSV_PAGE = 1000;
/** The CSV stops here: a larger export is a narrower period. */
export const CSV_MAX_ROWS = 200_000;

/**
 * The audit viewer (records and admin): who read or changed which citizen's data, when and from
 * where. Looking at the trail is itself audited, so nobody reads it unseen either.
 */
export class AuditViewer {
  constructor(
    private readonly deps: {
      trail: AuditTrailRepository;
      audit: AuditRepository;
      departments: DepartmentLookup;
      /** Citizens without an inquiry one user may read in a period before being flagged. */
      unusualThreshold: number;
      clock: () => Date;
    },
  ) {}

  async page(actor: Actor, q: AuditQuery, where: { route: string; ip?: string }): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
    assertMay(actor, 'keepRecords', 'Only the records role or an administrator may read the audit trail');
    const limit = q.limit ?? 100;
    const filter = await this.filter(q);
    const rows = await this.deps.trail.events(filter, limit + 1);
    const page = rows.slice(0, limit);
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'audit_trail', entityId: 'events', route: where.route, ip: where.ip }]);
    return { items: await this.views(page), nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null };
  }

  /** Every matching event, newest first, page by page (for the CSV); the first page is read before the caller writes anything. */
  async *all(actor: Actor, q: AuditQuery, where: { route: string; ip?: string }): AsyncGenerator<AuditEventView> {
    assertMay(actor, 'keepRecords', 'Only the records role or an administrator may read the audit trail');
    const filter = await this.filter(q);
    await this.deps.audit.record([{ userId: actor.id, action: 'export', entityType: 'audit_trail', entityId: 'csv', route: where.route, ip: where.ip }]);
    let beforeId = filter.beforeId;
    for (let n = 0; n < CSV_MAX_ROWS; n += CSV_PAGE) {
      const rows = await this.deps.trail.events({ ...filter, beforeId }, CSV_PAGE);
      yield* await this.views(rows);
      if (rows.length < CSV_PAGE) return;
      beforeId = rows[rows.length - 1].id;
    }
  }

  /** Users who read many citizens they have no inquiry with, in the period (default: the last 24 hours). */
  async unusual(actor: Actor, q: { from?: Date; to?: Date }, where: { route: string; ip?: string }): Promise<UnusualReadingView> {
    assertMay(actor, 'keepRecords', 'Only the records role or an administrator may read the audit trail');
    const to = q.to ?? this.deps.clock();
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    if (from >= to) throw badRequest('from must be before to', [{ path: ['from'], message: 'must be before to' }]);
    const threshold = this.deps.unusualThreshold;
    const found = await this.deps.trail.unusualReaders(from, to, threshold);
    const users = await this.deps.trail.users(found.map((f) => f.userId));
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'audit_trail', entityId: 'unusual', route: where.route, ip: where.ip }]);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      threshold,
      items: found.map((f) => ({
        user: { id: f.userId, ...(users.get(f.userId) ?? { name: '?', email: '?' }) },
        citizensWithoutInquiry: f.citizens,
        reads: f.reads,
      })),
    };
  }

  private async filter(q: AuditQuery): Promise<AuditFilter> {
    if (q.from && q.to && q.from >= q.to) throw badRequest('from must be before to', [{ path: ['from'], message: 'must be before to' }]);
    let departmentId: number | undefined;
    if (q.department !== undefined) {
      const dep = await this.deps.departments.byCode(q.department);
      if (!dep) throw badRequest(`Unknown department "${q.department}"`, [{ path: ['department'], message: 'unknown department' }]);
      departmentId = dep.id;
    }
    return { userId: q.user, contactId: q.contact, departmentId, from: q.from, to: q.to, beforeId: q.cursor };
  }

  private async views(rows: AuditRow[]): Promise<AuditEventView[]> {
    const [subjects, users, departments] = await Promise.all([
      this.deps.trail.subjects(rows),
      this.deps.trail.users(rows.map((r) => r.userId ?? 0)),
      this.deps.departments.list(),
    ]);
    const codes = new Map(departments.map((d) => [d.id, d.code]));
    const contacts = await this.deps.trail.contacts([...subjects.values()].map((s) => s.contactId ?? 0));
    return rows.map((r) => {
      const s = subjects.get(r.id);
      const u = r.userId === null ? undefined : users.get(r.userId);
      return {
        id: r.id,
        at: r.at.toISOString(),
        user: r.userId === null ? null : { id: r.userId, name: u?.name ?? '?', email: u?.email ?? '?' },
        action: r.action,
        entityType: r.entityType,
        entityId: r.entityId,
        contact: s?.contactId ? { id: s.contactId, name: contacts.get(s.contactId) ?? null } : null,
        department: s?.departmentId ? (codes.get(s.departmentId) ?? null) : null,
        route: r.route,
        ip: r.ip,
      };
    });
  }
}
