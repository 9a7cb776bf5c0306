import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import { StaffAdministration } from './administration.service';
import { staffAdministrationRoutes } from './administration.routes';
import { authRoutes } from './auth.routes';
import { AuthService } from './auth.service';
import { TokenRepository } from './tokens.repository';
import { LoginThrottle, type ThrottleRule } from './login-throttle';
import { ApiKeys, apiKeyRoutes } from './api-keys';
import { TotpPolicy, totpPolicyRoutes } from './totp-policy';
import { UserRepository } from './users.repository';

export type { AuthService } from './auth.service';
export type { User } from './entities';
export type { UserRepository } from './users.repository';
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
}

export function createAuth(kernel: Kernel, opts: AuthOptions = {}): AuthFeature {
  const { db, clock, config, audit } = kernel;
  const users = new UserRepository({ db, clock });
  const totpPolicy = new TotpPolicy({ db, audit, clock });
  const apiKeys = new ApiKeys({ db, users, audit, clock });
  const service = new AuthService({
    db,
    users,
    tokens: new TokenRepository({ db }),
    throttle: new LoginThrottle(kernel.rateLimits, opts.loginThrottle),
    totpRoles: () => totpPolicy.added(),
    apiKeys,
    audit,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    issuer: 'Servicetorg',
  });
  const apiBeforeAuth = Router();
  apiBeforeAuth.use('/auth', authRoutes({ auth: service }));
  const api = Router();
  api.use(apiKeyRoutes({ keys: apiKeys }), totpPolicyRoutes({ policy: totpPolicy }));
  return { service, users, routes: { apiBeforeAuth, api } };
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
  return { routes: { api: staffAdministrationRoutes({ admin }) } };
}
