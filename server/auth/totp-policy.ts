import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { TOTP_REQUIRED } from '../contracts/access';
import { ROLES, type Role } from '../contracts/names';
import { actorOf, routeOf } from '../core/http/require-auth';
import { parse } from '../core/http/validate';
import { TotpRoleEntity } from './entities';
import { describeRoutes } from '../core/http/openapi';

/** Integration is a machine account: it cannot answer a TOTP prompt, so it is never on the list. */
const ADDABLE = ROLES.filter((r) => r !== 'integration' && !TOTP_REQUIRED.includes(r));
const body = z.object({ added: z.array(z.enum(ADDABLE as [Role, ...Role[]])).max(ROLES.length) }).strict();

export interface TotpPolicyView {
  /** Every role that must enrol: the defaults and those added. */
  required: Role[];
  /** The defaults, which cannot be removed. */
  defaults: Role[];
  added: Role[];
}

/** Which roles must enrol TOTP beyond the defaults in server/contracts/access.ts; an admin's setting. */
export class TotpPolicy {
  constructor(private readonly deps: { db: Database; audit: AuditRepository; clock: () => Date }) {}

  /** Read on every log-in: a role added here applies from its members' next log-in. */
  async added(): Promise<Role[]> {
    const rows = await this.deps.db.dataSource.manager.getRepository(TotpRoleEntity).find({ order: { role: 'ASC' } });
    return rows.map((r) => r.role as Role);
  }

  async view(actor: Actor): Promise<TotpPolicyView> {
    assertAdmin(actor);
    const added = await this.added();
    return { required: [...TOTP_REQUIRED, ...added], defaults: [...TOTP_REQUIRED], added };
  }

  async set(actor: Actor, added: Role[], route: string): Promise<TotpPolicyView> {
    assertAdmin(actor);
    await this.deps.db.transaction(async (m) => {
      // DELETE, not clear(): MariaDB's TRUNCATE would commit the transaction half way.
      await m.query('DELETE FROM totp_roles');
      const roles = [...new Set(added)];
      if (roles.length) await m.getRepository(TotpRoleEntity).insert(roles.map((role) => ({ role, addedBy: actor.id, addedAt: this.deps.clock() })));
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'totp_policy', entityId: roles.join(',') || '-', route }], m);
    });
    return this.view(actor);
  }
}

/** GET/PUT /totp-policy: which roles must enrol an authenticator before anything else. */
export function totpPolicyRoutes(deps: { policy: TotpPolicy }): Router {
  const r = Router();
  r.get('/totp-policy', async (_req, res) => {
    res.json(await deps.policy.view(actorOf(res)));
  });
  r.put('/totp-policy', async (req, res) => {
    const { added } = parse(body, req.body);
    res.json(await deps.policy.set(actorOf(res), added, routeOf(req)));
  });
  return r;
}

export const totpPolicyRouteDocs = describeRoutes('users', 'bearer', [
  ['GET /api/totp-policy', 'Which roles must use TOTP', { roles: 'admin' }],
  ['PUT /api/totp-policy', 'Adds roles that must use TOTP beyond admin, officer and records', { roles: 'admin', body }],
]);
