import type { Database } from '../core/db/database';
import type { AuditRepository } from '../core/audit.repository';
import { assertAdmin, type Actor } from '../core/access';
import { conflict, notFound } from '../core/errors';
import type { TokenRepository } from './tokens.repository';
import type { UserRepository } from './users.repository';
import type { Sessions } from './sessions';
import { hashPassword } from './passwords';
import type { StaffUserView } from '../contracts/views';

/**
 * What administrators do with existing accounts: list them, deactivate and reactivate them, reset a
 * password or an authenticator, end their sessions. Each change is audited, and every change that
 * takes access away revokes the user's tokens and ends their live sockets after it commits.
 */
export class AccountLifecycle {
  constructor(
    private readonly deps: {
      db: Database;
      users: UserRepository;
      tokens: TokenRepository;
      audit: AuditRepository;
      sessions: Sessions;
      clock: () => Date;
      passwordCost?: number;
    },
  ) {}

  async list(actor: Actor, route: string): Promise<StaffUserView[]> {
    assertAdmin(actor);
    await this.deps.audit.record([{ userId: actor.id, action: 'read', entityType: 'user', entityId: 'all', route }]);
    return (await this.deps.users.all()).map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      departments: u.departmentIds,
      totpEnabled: u.totpEnabled,
      active: u.active,
      mustChangePassword: u.mustChangePassword,
    }));
  }

  deactivate(actor: Actor, userId: number, route: string): Promise<void> {
    // An administrator who locks themselves out may leave nobody who can let them back in.
    if (userId === actor.id) throw conflict('own_account', 'You cannot deactivate your own account');
    return this.change(actor, userId, route, { active: false }, true);
  }

  reactivate(actor: Actor, userId: number, route: string): Promise<void> {
    return this.change(actor, userId, route, { active: true }, false);
  }

  async resetPassword(actor: Actor, userId: number, temporaryPassword: string, route: string): Promise<void> {
    assertAdmin(actor);
    const passwordHash = await hashPassword(temporaryPassword, this.deps.passwordCost);
    return this.change(actor, userId, route, { passwordHash, mustChangePassword: true }, true);
  }

  /** The user enrols a new authenticator at their next log-in (if their role must have one). */
  resetTotp(actor: Actor, userId: number, route: string): Promise<void> {
    return this.change(actor, userId, route, { totpSecret: null, totpEnabled: false, totpLastStep: null }, true);
  }

  revokeSessions(actor: Actor, userId: number, route: string): Promise<void> {
    return this.change(actor, userId, route, {}, true);
  }

  private async change(actor: Actor, userId: number, route: string, patch: Parameters<UserRepository['update']>[1], endSessions: boolean): Promise<void> {
    assertAdmin(actor);
    if (!(await this.deps.users.byId(userId))) throw notFound('User');
    await this.deps.db.transaction(async (m) => {
      if (Object.keys(patch).length) await this.deps.users.update(userId, patch, m);
      if (endSessions) await this.deps.tokens.revokeAllOfUser(userId, this.deps.clock(), m);
      // The route says which change it was (deactivate, password-reset …).
      await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'user', entityId: userId, route }], m);
    });
    if (endSessions) this.deps.sessions.emit('ended', { userId });
  }
}
