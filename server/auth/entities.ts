import { EntitySchema } from 'typeorm';

/*
 * Staff and organisation tables: departments and their own numbers and mailboxes, users, their
 * department memberships, bearer tokens and failed log-ins. Re-exported by ./entities.
 */

const id = { type: Number, primary: true, generated: 'increment' } as const;
const createdAt = { type: 'datetime', name: 'created_at', precision: 3 } as const;

export interface Department {
  id: number;
  code: string;
  name: string;
  menuDigit: number | null;
  email: string | null;
  openingHours: OpeningHours | null;
  createdAt: Date;
}
export interface OpeningHours {
  timezone: string;
  /** ISO weekday 1 (Monday) … 7 → list of "HH:MM-HH:MM" spans. */
  weekly: Record<string, string[]>;
  /** YYYY-MM-DD dates on which the department is closed all day. */
  holidays: string[];
}
export const DepartmentEntity = new EntitySchema<Department>({
  name: 'Department',
  tableName: 'departments',
  columns: {
    id,
    code: { type: String, length: 64 },
    name: { type: String, length: 191 },
    menuDigit: { type: Number, name: 'menu_digit', nullable: true },
    email: { type: String, length: 191, nullable: true },
    openingHours: { type: 'simple-json', name: 'opening_hours', nullable: true },
    createdAt,
  },
});

export interface DepartmentAddress {
  id: number;
  departmentId: number;
  channel: 'sms' | 'phone' | 'email';
  address: string;
  isDefault: boolean;
}
export const DepartmentAddressEntity = new EntitySchema<DepartmentAddress>({
  name: 'DepartmentAddress',
  tableName: 'department_addresses',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    channel: { type: String, length: 16 },
    address: { type: String, length: 191 },
    isDefault: { type: Boolean, name: 'is_default', default: false },
  },
});

export const ROLES = ['admin', 'agent', 'caseworker', 'officer', 'records', 'integration'] as const;
export type Role = (typeof ROLES)[number];

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
