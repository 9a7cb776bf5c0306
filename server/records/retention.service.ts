import type { AuditRepository } from '../core/audit.repository';
import { assertMay, type Actor } from '../core/access';
import type { Database } from '../core/db/database';
import { badRequest, notFound } from '../core/errors';
import type { Channel } from '../contracts/names';
import type { DepartmentLookup } from './audit-viewer.service';
import type { RetentionRepository } from './retention.repository';
import { RETENTION_KINDS, SCOPED_KINDS, type RetentionKind } from './retention';

export interface RuleInput {
  kind: RetentionKind;
  channel?: Channel;
  department?: string;
  keepDays: number;
}

/** What the holds need of the register: a contact by id, a case by number. */
export interface HoldTargets {
  contactExists(id: number): Promise<boolean>;
  caseByNumber(caseNumber: string): Promise<{ id: number; caseNumber: string } | null>;
  caseNumbers(ids: number[]): Promise<Map<number, string>>;
}

const MESSAGE = 'Only the records role or an administrator may manage retention';

/** Retention rules and legal holds, set by records or admin; every change audited. */
export class RetentionSettings {
  constructor(
    private readonly deps: {
      db: Database;
      retention: RetentionRepository;
      departments: DepartmentLookup;
      targets: HoldTargets;
      audit: AuditRepository;
      clock: () => Date;
    },
  ) {}

  async rules(actor: Actor) {
    assertMay(actor, 'keepRecords', MESSAGE);
    const codes = new Map((await this.deps.departments.list()).map((d) => [d.id, d.code]));
    return {
      items: (await this.deps.retention.rules()).map((r) => ({
        id: r.id,
        kind: r.kind,
        channel: r.channel,
        department: r.departmentId ? (codes.get(r.departmentId) ?? null) : null,
        keepDays: r.keepDays,
      })),
    };
  }

  /** Replaces every rule: each kind needs its rule for everything; channel and department only where they matter. */
  async replaceRules(actor: Actor, input: RuleInput[], route: string) {
    assertMay(actor, 'keepRecords', MESSAGE);
    const departments = new Map((await this.deps.departments.list()).map((d) => [d.code, d.id]));
    const seen = new Set<string>();
    const rows = input.map((r, i) => {
      const path = ['rules', i];
      if ((r.channel || r.department) && !SCOPED_KINDS.includes(r.kind))
        throw badRequest(`${r.kind} has one rule for everything: no channel or department`, [{ path, message: 'no channel or department for this kind' }]);
      const departmentId = r.department === undefined ? null : departments.get(r.department);
      if (departmentId === undefined)
        throw badRequest(`Unknown department "${r.department}"`, [{ path: [...path, 'department'], message: 'unknown department' }]);
      const key = `${r.kind}|${r.channel ?? '*'}|${departmentId ?? 0}`;
      if (seen.has(key)) throw badRequest('Two rules for the same kind, channel and department', [{ path, message: 'duplicate rule' }]);
      seen.add(key);
      return { kind: r.kind, channel: r.channel ?? null, departmentId, keepDays: r.keepDays };
    });
    const missing = RETENTION_KINDS.filter((k) => !rows.some((r) => r.kind === k && !r.channel && !r.departmentId));
    if (missing.length)
      throw badRequest(
        `Every kind needs a rule for everything; missing: ${missing.join(', ')}`,
        missing.map((k) => ({ path: ['rules'], message: `no rule for ${k}` })),
      );
    await this.deps.db.transaction(async (m) => {
      await this.deps.retention.replaceRules(rows, actor.id, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'retention_rule', entityId: 'all', route }], m);
    });
    return this.rules(actor);
  }

  async holds(actor: Actor) {
    assertMay(actor, 'keepRecords', MESSAGE);
    const holds = await this.deps.retention.holds();
    const cases = await this.deps.targets.caseNumbers(holds.flatMap((h) => (h.caseId ? [h.caseId] : [])));
    return {
      items: holds.map((h) => ({
        id: h.id,
        contactId: h.contactId,
        caseNumber: h.caseId ? (cases.get(h.caseId) ?? null) : null,
        reason: h.reason,
        createdAt: h.createdAt.toISOString(),
        releasedAt: h.releasedAt?.toISOString() ?? null,
      })),
    };
  }

  async placeHold(actor: Actor, input: { contact?: number; case?: string; reason: string }, route: string) {
    assertMay(actor, 'keepRecords', MESSAGE);
    if ((input.contact === undefined) === (input.case === undefined))
      throw badRequest('Name either a contact or a case', [{ path: ['contact'], message: 'give exactly one of contact and case' }]);
    let caseId: number | null = null;
    if (input.contact !== undefined && !(await this.deps.targets.contactExists(input.contact)))
      throw badRequest('No such contact', [{ path: ['contact'], message: 'unknown contact' }]);
    if (input.case !== undefined) {
      const k = await this.deps.targets.caseByNumber(input.case);
      if (!k) throw badRequest('No such case', [{ path: ['case'], message: 'unknown case' }]);
      caseId = k.id;
    }
    const id = await this.deps.db.transaction(async (m) => {
      const id = await this.deps.retention.addHold({ contactId: input.contact ?? null, caseId, reason: input.reason, by: actor.id, at: this.deps.clock() }, m);
      await this.deps.audit.record([{ userId: actor.id, action: 'create', entityType: 'legal_hold', entityId: id, route }], m);
      return id;
    });
    return { id, contactId: input.contact ?? null, caseNumber: input.case ?? null, reason: input.reason };
  }

  async releaseHold(actor: Actor, id: number, route: string) {
    assertMay(actor, 'keepRecords', MESSAGE);
    await this.deps.db.transaction(async (m) => {
      if (!(await this.deps.retention.releaseHold(id, actor.id, this.deps.clock(), m))) throw notFound('Active legal hold');
      await this.deps.audit.record([{ userId: actor.id, action: 'delete', entityType: 'legal_hold', entityId: id, route }], m);
    });
    return { id, released: true };
  }
}
