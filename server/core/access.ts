import type { TokenScope } from '../contracts/views';
import { may, TOTP_REQUIRED, type Capability } from '../contracts/access';
import type { Role } from '../contracts/names';
import { forbidden } from './errors';

export { may, type Capability } from '../contracts/access';

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

/** Anyone with a role: an actor, a user row, an agent's socket. */
type Holder = { role: string };
/** Anyone with a role and the departments they belong to. */
type Member = Holder & { departmentIds: readonly number[] };

/*
 * The one access policy; who has which capability is the table in server/contracts/access.ts.
 * Frontline roles see their own departments; admin sees and acts in all; records reads all (it
 * answers for the journal) and changes only what records keeping asks (journal rules, retention,
 * legal holds, a citizen's correction and erasure), never the register's work; integration only
 * upserts cases and reads the cases it wrote; officers send alerts and see delivery status, not the
 * register.
 */

/** 403 unless the actor's role has the capability; the message is what the caller is told. */
export function assertMay(actor: Holder, capability: Capability, message?: string): void {
  if (!may(actor.role, capability)) throw forbidden(message);
}

export function isAdmin(who: Holder): boolean {
  return may(who.role, 'administer');
}

/** Reads the rows of every department, not only its own (admin, records). */
export function seesEveryDepartment(who: Holder): boolean {
  return may(who.role, 'seeEveryDepartment');
}

/** Acts in every department as if a member of each (admin). */
export function actsInEveryDepartment(who: Holder): boolean {
  return may(who.role, 'actInEveryDepartment');
}

/** Whether someone may act for this department: a member of it, or one who acts in every department. */
export function actsIn(who: Member, departmentId: number): boolean {
  return actsInEveryDepartment(who) || who.departmentIds.includes(departmentId);
}

/** The departments someone acts in, as a scope for what they are shown. */
export function actingScope(who: Member): Scope {
  return actsInEveryDepartment(who) ? { all: true } : { all: false, departmentIds: [...who.departmentIds] };
}

/** Whether a login must enrol an authenticator before doing anything else; `added` are the roles an admin added to the default ones. */
export function mustEnrolTotp(who: Holder & { totpEnabled: boolean }, added: readonly string[] = []): boolean {
  return ((TOTP_REQUIRED as readonly string[]).includes(who.role) || (added.includes(who.role) && who.role !== 'integration')) && !who.totpEnabled;
}

export function registerScope(actor: Actor): Scope {
  assertMay(actor, 'readRegister');
  if (seesEveryDepartment(actor)) return { all: true };
  return { all: false, departmentIds: actor.departmentIds };
}

export function inScope(scope: Scope, departmentId: number): boolean {
  return scope.all || scope.departmentIds.includes(departmentId);
}

export function assertCanWorkInquiries(actor: Actor): void {
  assertMay(actor, 'workInquiries');
}

export function assertCanUpsertCases(actor: Actor): void {
  assertMay(actor, 'upsertCases', 'Only the case system (integration) or an admin may write cases');
}

/**
 * Writing one existing case file: an admin any; the case system's account (integration) only one it
 * created, so one compromised or misconfigured feed cannot rewrite another system's cases or
 * attach its own parties to them.
 */
export function canWriteCase(actor: Actor, c: { createdBy: number | null }): boolean {
  return !may(actor.role, 'readOwnCasesOnly') || c.createdBy === actor.id;
}

/** Reading one case file: register readers by department, integration only what it created. */
export function canReadCase(actor: Actor, c: { departmentId: number; createdBy: number | null }): boolean {
  if (may(actor.role, 'readOwnCasesOnly')) return c.createdBy === actor.id;
  if (!may(actor.role, 'readRegister')) return false;
  return inScope(registerScope(actor), c.departmentId);
}

export function assertAdmin(actor: Actor): void {
  assertMay(actor, 'administer', 'Only an administrator may do this');
}
