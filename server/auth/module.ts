import { Router } from 'express';
import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import { StaffAdministration } from './administration.service';
import { staffAdministrationRoutes } from './administration.routes';
import { authRoutes } from './auth.routes';
import { AuthService } from './auth.service';
import { AuthFailureRepository, TokenRepository } from './tokens.repository';
import { UserRepository } from './users.repository';

export type { AuthService } from './auth.service';
export type { User } from './entities';
export type { UserRepository } from './users.repository';
export { ensureFirstAdmin, DEMO_ADMIN } from './first-admin';
export { hashPassword } from './passwords';

export interface AuthOptions {
  /** Lower scrypt cost for test fixtures only; production keeps the default. */
  passwordCost?: number;
}

/** Log-in, TOTP and bearer tokens: who the staff are and how they prove it. */
export interface AuthFeature extends Feature {
  service: AuthService;
  users: UserRepository;
}

export function createAuth(kernel: Kernel): AuthFeature {
  const { db, clock, config, audit } = kernel;
  const users = new UserRepository({ db, clock });
  const service = new AuthService({
    db,
    users,
    tokens: new TokenRepository({ db }),
    failures: new AuthFailureRepository({ db }),
    audit,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    issuer: 'Servicetorg',
  });
  const apiBeforeAuth = Router();
  apiBeforeAuth.use('/auth', authRoutes({ auth: service }));
  return { service, users, routes: { apiBeforeAuth } };
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
