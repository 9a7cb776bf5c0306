import { actingScope, isAdmin, may, type Actor, type Scope } from '../core/access';
import { forbidden } from '../core/errors';

/*
 * Who may touch a roster. Pushing people and welcomes is the administrative system's account
 * (integration) or an admin. Reading and sending is for staff who send SMS, each only in the
 * units (departments) they act in; admin in all. An integration account with departments pushes
 * only to those; one without any pushes to every unit, like the case system's account.
 */

export function assertMayPush(actor: Actor): void {
  if (!isAdmin(actor) && actor.role !== 'integration') throw forbidden('Only the administrative system (integration) or an admin may change the roster');
}

/** The units an actor may push people to. */
export function pushScope(actor: Actor): Scope {
  if (isAdmin(actor) || !actor.departmentIds.length) return { all: true };
  return { all: false, departmentIds: [...actor.departmentIds] };
}

/** The units an actor may read and send to. */
export function readScope(actor: Actor): Scope {
  if (may(actor.role, 'seeEveryDepartment')) return { all: true };
  if (!may(actor.role, 'sendSms')) throw forbidden('Your role may not read the roster');
  return actingScope(actor);
}
