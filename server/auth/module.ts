import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import { EventBus } from '../core/events';
import { StaffAdministration } from './administration.service';
import { staffAdministrationRouteDocs, staffAdministrationRoutes } from './administration.routes';
import { authRouteDocs, authRoutes } from './auth.routes';
import { AuthService } from './auth.service';
import { TokenRepository } from './tokens.repository';
import { LoginThrottle, type ThrottleRule } from './login-throttle';
import { ApiKeys, apiKeyRouteDocs, apiKeyRoutes } from './api-keys';
import { TotpPolicy, totpPolicyRouteDocs, totpPolicyRoutes } from './totp-policy';
import { UserRepository } from './users.repository';
import { AccountLifecycle } from './lifecycle.service';
import { accountLifecycleRouteDocs, accountLifecycleRoutes } from './lifecycle.routes';
import type { SessionEvents, Sessions } from './sessions';

export type { AuthService } from './auth.service';
export type { User } from './entities';
export type { UserRepository } from './users.repository';
export type { Sessions, SessionEvents } from './sessions';
export { ensureFirstAdmin, DEMO_ADMIN } from './first-admin';
export { hashPassword } from './passwords';

export interface AuthOptions {
  /** Lower scrypt cost for test fixtures only; production keeps the default. */
  passwordCost?: number;
  /** Log-in throttling per client and per account (defaults in login-throttle.ts). */
  loginThrottle?: { client: ThrottleRule; account: ThrottleRule };
}

/** Log-in, TOTP and bearer tokens: who the staff are and how they prove it. */
export interface AuthFeature extends Feature {
  service: AuthService;
  users: UserRepository;
  /** Told when sessions end before their tokens expire (logout, revoke, deactivation, reset). */
  sessions: Sessions;
  /** Deactivation, resets and revocations (the admin API and the command line). */
  lifecycle: AccountLifecycle;
}

/** Tokens expired or revoked this long ago are deleted: they can never pass again, and the table would only grow. */
const TOKEN_KEEP_MS = 30 * 24 * 3_600_000;
const TOKEN_PRUNE_EVERY_MS = 6 * 3_600_000;

export function createAuth(kernel: Kernel, opts: AuthOptions = {}): AuthFeature {
  const { db, clock, config, audit } = kernel;
  const users = new UserRepository({ db, clock });
  const tokens = new TokenRepository({ db });
  const sessions: Sessions = new EventBus<SessionEvents>((event, err) => kernel.logger.error({ err, event }, 'session listener failed'));
  const totpPolicy = new TotpPolicy({ db, audit, clock });
  const apiKeys = new ApiKeys({ db, users, audit, clock });
  const service = new AuthService({
    db,
    users,
    tokens,
    throttle: new LoginThrottle(kernel.rateLimits, opts.loginThrottle),
    totpRoles: () => totpPolicy.added(),
    apiKeys,
    audit,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    issuer: 'Servicetorg',
    sessions,
    passwordCost: opts.passwordCost,
  });
  const lifecycle = new AccountLifecycle({ db, users, tokens, audit, sessions, clock, passwordCost: opts.passwordCost });
  const apiBeforeAuth = Router();
  apiBeforeAuth.use('/auth', authRoutes({ auth: service }));
  const api = Router();
  api.use(apiKeyRoutes({ keys: apiKeys }), totpPolicyRoutes({ policy: totpPolicy }), accountLifecycleRoutes({ lifecycle }));
  const prune = repeating('prune-auth-tokens', TOKEN_PRUNE_EVERY_MS, () => tokens.prune(new Date(clock().getTime() - TOKEN_KEEP_MS)), kernel.logger, {
    runAtStart: true,
  });
  return {
    service,
    users,
    sessions,
    lifecycle,
    routes: { apiBeforeAuth, api, docs: [...authRouteDocs, ...apiKeyRouteDocs, ...totpPolicyRouteDocs, ...accountLifecycleRouteDocs] },
    background: [prune],
  };
}

/** Staff accounts, created by administrators; built once the register's departments exist. */
export function createStaffAdministration(
  kernel: Kernel,
  deps: { auth: AuthFeature; departments: { byCode(code: string): Promise<{ id: number } | null> } },
  opts: AuthOptions = {},
): Feature {
  const admin = new StaffAdministration({
    db: kernel.db,
    departments: deps.departments,
    users: deps.auth.users,
    audit: kernel.audit,
    passwordCost: opts.passwordCost,
    defaultCountry: kernel.config.defaultCountry,
  });
  return { routes: { api: staffAdministrationRoutes({ admin }), docs: staffAdministrationRouteDocs } };
}
