import type { TokenScope } from '../contracts/views';
import type { Role } from '../contracts/names';
import { forbidden } from './errors';

/** Who is acting: the authenticated user with the departments they belong to. */
export interface Actor {
  id: number;
  name: string;
  email: string;
  role: Role;
  departmentIds: number[];
}

/** The actor of a request that presented a bearer token; `enrol` tokens may only enrol TOTP. */
export interface AuthenticatedActor extends Actor {
  tokenId: string;
  scope: TokenScope;
  totpEnabled: boolean;
  locale: string;
}

/** What checks a bearer token (the auth feature's service); HTTP and sockets depend only on this. */
export interface Authenticator {
  authenticate(token: string): Promise<AuthenticatedActor | null>;
}

/** Which rows a read may see: everything, or only rows owned by these departments. */
export type Scope = { all: true } | { all: false; departmentIds: number[] };

/*
 * The one access policy. Frontline roles see their own departments; admin sees all; records
 * reads all (it answers for the journal) but changes nothing; integration only upserts cases and
 * reads the cases it wrote; officers send alerts and see delivery status, not the register.
 */
const REGISTER_READERS: Role[] = ['admin', 'agent', 'caseworker', 'records'];
const INQUIRY_WORKERS: Role[] = ['admin', 'agent', 'caseworker'];

export function registerScope(actor: Actor): Scope {
  if (!REGISTER_READERS.includes(actor.role)) throw forbidden();
  if (actor.role === 'admin' || actor.role === 'records') return { all: true };
  return { all: false, departmentIds: actor.departmentIds };
}

export function inScope(scope: Scope, departmentId: number): boolean {
  return scope.all || scope.departmentIds.includes(departmentId);
}

export function assertCanWorkInquiries(actor: Actor): void {
  if (!INQUIRY_WORKERS.includes(actor.role)) throw forbidden();
}

export function assertCanUpsertCases(actor: Actor): void {
  if (actor.role !== 'admin' && actor.role !== 'integration') throw forbidden('Only the case system (integration) or an admin may write cases');
}

/** Reading one case file: register readers by department, integration only what it created. */
export function canReadCase(actor: Actor, c: { departmentId: number; createdBy: number | null }): boolean {
  if (actor.role === 'integration') return c.createdBy === actor.id;
  if (!REGISTER_READERS.includes(actor.role)) return false;
  return inScope(registerScope(actor), c.departmentId);
}

export function assertAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw forbidden('Only an administrator may do this');
}
