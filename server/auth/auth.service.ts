import { createHash, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import type { Database } from '../core/db/database';
import type { User } from './entities';
import type { AuditRepository } from '../core/audit.repository';
import type { TokenRepository } from './tokens.repository';
import type { LoginThrottle } from './login-throttle';
import type { ApiKeys } from './api-keys';
import type { UserRepository } from './users.repository';
import { mustEnrolTotp, type AuthenticatedActor } from '../core/access';
import type { SessionView, TokenScope, TotpEnrolmentView, UserView } from '../contracts/views';
import { AppError } from '../core/errors';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import type { Sessions } from './sessions';

const TOTP_STEP_MS = 30_000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface AuthDeps {
  db: Database;
  users: UserRepository;
  tokens: TokenRepository;
  throttle: LoginThrottle;
  /** Roles an administrator added to those that must enrol TOTP. */
  totpRoles: () => Promise<readonly string[]>;
  apiKeys: ApiKeys;
  audit: AuditRepository;
  clock: () => Date;
  tokenTtlMs: number;
  issuer: string;
  sessions: Sessions;
  passwordCost?: number;
}

/** Log-in, bearer tokens, TOTP enrolment and brute-force limits for staff. */
export class AuthService {
  constructor(private readonly deps: AuthDeps) {
    authenticator.options = { window: 1, step: TOTP_STEP_MS / 1000 };
  }

  private fail(code: 'invalid_credentials' | 'invalid_totp', message: string): never {
    throw new AppError(401, code, message);
  }

  /** The TOTP time step a code belongs to, or null; a step at or before the last used one is a replay. */
  private matchTotp(code: string, secret: string): number | null {
    const delta = authenticator.checkDelta(code, secret);
    if (delta === null) return null;
    return Math.floor(this.deps.clock().getTime() / TOTP_STEP_MS) + delta;
  }

  async login(input: { email: string; password: string; totp?: string }, ip: string): Promise<SessionView> {
    const email = input.email.toLowerCase();
    const admission = await this.deps.throttle.admit(email, ip);
    const user = await this.deps.users.byEmail(email);
    const ok = user && user.active ? await verifyPassword(input.password, user.passwordHash) : (await verifyPassword(input.password, await decoyHash()), false);
    if (!user || !ok) return this.fail('invalid_credentials', 'Wrong e-mail or password');
    if (user.totpEnabled && user.totpSecret) {
      if (!input.totp) {
        // The password was right: asking for the code is no failed guess.
        await this.deps.throttle.succeeded(admission, { complete: false });
        throw new AppError(401, 'totp_required', 'This account needs the code from its authenticator app');
      }
      const step = this.matchTotp(input.totp, user.totpSecret);
      const claimed = step !== null && (await this.deps.db.transaction((m) => this.deps.users.claimTotpStep(user.id, step, m)));
      if (!claimed) return this.fail('invalid_totp', 'The code is wrong or has already been used');
    }
    await this.deps.throttle.succeeded(admission, { complete: true });
    // A password an administrator reset is known to two people: it buys only the change to one's own.
    const scope: TokenScope = user.mustChangePassword ? 'password' : await this.scopeAfterPassword(user);
    const token = randomBytes(32).toString('base64url');
    const now = this.deps.clock();
    await this.deps.db.transaction(async (m) => {
      await this.deps.tokens.create(
        { id: hashToken(token), userId: user.id, scope, createdAt: now, expiresAt: new Date(now.getTime() + this.deps.tokenTtlMs), revokedAt: null },
        m,
      );
      await this.deps.audit.record([{ userId: user.id, action: 'login', entityType: 'user', entityId: user.id, route: 'POST /api/auth/login', ip }], m);
    });
    return { token, user: await this.publicUser(user), scope };
  }

  private async scopeAfterPassword(user: User): Promise<TokenScope> {
    return mustEnrolTotp(user, await this.deps.totpRoles()) ? 'enrol' : 'full';
  }

  /**
   * The user sets a new password: required after an administrator reset it, allowed any time. Every
   * other token of the user is revoked (whoever knew the old password is out); this one goes on,
   * as an enrolment token if the user still has to enrol an authenticator.
   */
  async changePassword(
    actor: AuthenticatedActor,
    input: { password: string; currentPassword?: string },
    route: string,
    ip: string,
  ): Promise<{ scope: TokenScope }> {
    const { password } = input;
    const user = await this.deps.users.byId(actor.id);
    if (!user?.active) throw new AppError(401, 'invalid_token', 'The token is unknown, expired or revoked');
    // Outside the forced change a stolen token must not be enough to take the account over.
    if (actor.scope !== 'password') {
      const admission = await this.deps.throttle.admit(user.email, ip);
      if (!input.currentPassword || !(await verifyPassword(input.currentPassword, user.passwordHash)))
        return this.fail('invalid_credentials', 'The current password is wrong');
      await this.deps.throttle.succeeded(admission, { complete: true });
    }
    const passwordHash = await hashPassword(password, this.deps.passwordCost);
    const scope = await this.scopeAfterPassword(user);
    const keepsToken = !actor.tokenId.startsWith('api-key:');
    await this.deps.db.transaction(async (m) => {
      await this.deps.users.update(user.id, { passwordHash, mustChangePassword: false }, m);
      await this.deps.tokens.revokeAllOfUser(user.id, this.deps.clock(), m, keepsToken ? actor.tokenId : undefined);
      if (keepsToken) await this.deps.tokens.setScope(actor.tokenId, scope, m);
      await this.deps.audit.record([{ userId: user.id, action: 'update', entityType: 'user', entityId: user.id, route, ip }], m);
    });
    this.deps.sessions.emit('ended', { userId: user.id });
    return { scope };
  }

  async publicUser(user: User): Promise<UserView> {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      departments: await this.deps.users.departmentIds(user.id),
      totpEnabled: user.totpEnabled,
      locale: user.locale,
    };
  }

  /** The actor behind a bearer token, or null when the token is unknown, expired, revoked or its user disabled. */
  async authenticate(token: string): Promise<AuthenticatedActor | null> {
    if (!token || token.length > 200) return null;
    const key = await this.deps.apiKeys.userOf(token);
    if (key) return this.actor(key.user, `api-key:${key.keyId}`, 'full');
    const held = await this.deps.tokens.withHolder(hashToken(token));
    if (!held) return null;
    const { token: row, user, departmentIds } = held;
    if (row.revokedAt || row.expiresAt.getTime() <= this.deps.clock().getTime()) return null;
    if (!user.active) return null;
    return this.actor(user, row.id, row.scope, departmentIds);
  }

  private async actor(user: User, tokenId: string, scope: TokenScope, departmentIds?: number[]): Promise<AuthenticatedActor> {
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      departmentIds: departmentIds ?? (await this.deps.users.departmentIds(user.id)),
      tokenId,
      scope,
      totpEnabled: user.totpEnabled,
      locale: user.locale,
    };
  }

  async logout(actor: AuthenticatedActor): Promise<void> {
    await this.deps.db.transaction((m) => this.deps.tokens.revoke(actor.tokenId, this.deps.clock(), m));
    this.deps.sessions.emit('ended', { tokenId: actor.tokenId });
  }

  async enrolTotp(actor: AuthenticatedActor): Promise<TotpEnrolmentView> {
    if (actor.totpEnabled) throw new AppError(409, 'totp_already_enrolled', 'Two-factor authentication is already enrolled');
    const secret = authenticator.generateSecret(20);
    await this.deps.db.transaction((m) => this.deps.users.update(actor.id, { totpSecret: secret, totpEnabled: false }, m));
    return { secret, otpauthUrl: authenticator.keyuri(actor.email, this.deps.issuer, secret) };
  }

  /** Finishes enrolment; the token that was limited to enrolment becomes a full one. */
  async confirmTotp(actor: AuthenticatedActor, code: string, ip: string): Promise<{ enrolled: true }> {
    const user = await this.deps.users.byId(actor.id);
    if (!user?.totpSecret || user.totpEnabled) throw new AppError(409, 'totp_not_pending', 'Start enrolment first');
    const admission = await this.deps.throttle.admit(actor.email, ip);
    const step = this.matchTotp(code, user.totpSecret);
    if (step === null) return this.fail('invalid_totp', 'The code is wrong or has already been used');
    await this.deps.throttle.succeeded(admission, { complete: true });
    await this.deps.db.transaction(async (m) => {
      await this.deps.users.update(user.id, { totpEnabled: true, totpLastStep: step }, m);
      await this.deps.tokens.setScope(actor.tokenId, 'full', m);
    });
    return { enrolled: true };
  }
}
