import type { Role } from '../contracts/names';

/** A member of staff as the register needs to know them: a caseworker, an assignee, an author. */
export interface StaffMember {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
}

/**
 * Who works here, as the register asks it. The auth feature's user repository answers; the
 * register names only what it needs, so it does not depend on log-in and tokens.
 */
export interface StaffDirectory {
  byId(id: number): Promise<StaffMember | null>;
  byIds(ids: number[]): Promise<StaffMember[]>;
  byEmail(email: string): Promise<StaffMember | null>;
  departmentIds(userId: number): Promise<number[]>;
}
