import { EntitySchema } from 'typeorm';
import { createdAt, id } from '../core/db/columns';
import type { Role } from '../contracts/names';

/*
 * Staff and organisation tables: departments and their own numbers and mailboxes, users, their
 * department memberships, bearer tokens and failed log-ins. Re-exported by ./entities.
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
  scope: 'full' | 'enrol';
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

export interface AuthFailure {
  id: number;
  key: string;
  at: Date;
}
export const AuthFailureEntity = new EntitySchema<AuthFailure>({
  name: 'AuthFailure',
  tableName: 'auth_failures',
  columns: {
    id,
    key: { type: String, length: 191, name: 'failure_key' },
    at: { type: 'datetime', precision: 3 },
  },
});

export const authEntities = [UserEntity, UserDepartmentEntity, AuthTokenEntity, AuthFailureEntity];
