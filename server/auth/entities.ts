import { EntitySchema } from 'typeorm';
import { at, createdAt, id } from '../core/db/columns';
import type { Role } from '../contracts/names';

/*
 * Staff and organisation tables: departments and their own numbers and mailboxes, users, their
 * department memberships, bearer tokens, failed log-ins (no longer written: see login-throttle.ts),
 * API keys and the roles added to those that must enrol TOTP. Re-exported by ./entities.
 */

export interface User {
  id: number;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number | null;
  phone: string | null;
  sip: string | null;
  locale: string;
  active: boolean;
  /** Set when an administrator reset the password: log-ins get a token that may only change it. */
  mustChangePassword: boolean;
  createdAt: Date;
}
export const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: {
    id,
    email: { type: String, length: 191 },
    name: { type: String, length: 191 },
    passwordHash: { type: String, length: 255, name: 'password_hash' },
    role: { type: String, length: 32 },
    totpSecret: { type: String, length: 64, name: 'totp_secret', nullable: true },
    totpEnabled: { type: Boolean, name: 'totp_enabled', default: false },
    totpLastStep: { type: Number, name: 'totp_last_step', nullable: true },
    phone: { type: String, length: 32, nullable: true },
    sip: { type: String, length: 191, nullable: true },
    locale: { type: String, length: 8, default: 'nb' },
    active: { type: Boolean, default: true },
    mustChangePassword: { type: Boolean, name: 'must_change_password', default: false },
    createdAt,
  },
});

export interface UserDepartment {
  userId: number;
  departmentId: number;
}
export const UserDepartmentEntity = new EntitySchema<UserDepartment>({
  name: 'UserDepartment',
  tableName: 'user_departments',
  columns: {
    userId: { type: Number, primary: true, name: 'user_id' },
    departmentId: { type: Number, primary: true, name: 'department_id' },
  },
});

export interface AuthToken {
  id: string;
  userId: number;
  scope: 'full' | 'enrol' | 'password';
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}
export const AuthTokenEntity = new EntitySchema<AuthToken>({
  name: 'AuthToken',
  tableName: 'auth_tokens',
  columns: {
    id: { type: String, length: 64, primary: true },
    userId: { type: Number, name: 'user_id' },
    scope: { type: String, length: 16 },
    createdAt,
    expiresAt: { type: 'datetime', name: 'expires_at', precision: 3 },
    revokedAt: { type: 'datetime', name: 'revoked_at', precision: 3, nullable: true },
  },
});

export interface ApiKey {
  id: number;
  name: string;
  userId: number;
  keyHash: string;
  createdBy: number | null;
  createdAt: Date;
  revokedAt: Date | null;
}
export const ApiKeyEntity = new EntitySchema<ApiKey>({
  name: 'ApiKey',
  tableName: 'api_keys',
  columns: {
    id,
    name: { type: String, length: 191 },
    userId: { type: Number, name: 'user_id' },
    keyHash: { type: String, length: 64, name: 'key_hash' },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt,
    revokedAt: at('revoked_at', true),
  },
});

export interface TotpRole {
  role: string;
  addedBy: number | null;
  addedAt: Date;
}
export const TotpRoleEntity = new EntitySchema<TotpRole>({
  name: 'TotpRole',
  tableName: 'totp_roles',
  columns: {
    role: { type: String, length: 32, primary: true },
    addedBy: { type: Number, name: 'added_by', nullable: true },
    addedAt: at('added_at'),
  },
});

export const authEntities = [UserEntity, UserDepartmentEntity, AuthTokenEntity, ApiKeyEntity, TotpRoleEntity];
