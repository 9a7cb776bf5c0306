/*
 * Who may do what: every capability a role can have, and the roles that have it. This table is the
 * one place a role list is written; the server's policy (server/core/access.ts) and the console
 * both read it. Pure values and types; imports only ./names. test/core/access.test.ts pins it, so
 * a change to who may do what is a deliberate change to that test too.
 */
import type { Role } from './names';

const table = {
  /** Read the register: inquiries, contacts, case files, attachments; the console's inbox. */
  readRegister: ['admin', 'agent', 'caseworker', 'records'],
  /** Assign inquiries, change their state and department, write notes. */
  workInquiries: ['admin', 'agent', 'caseworker'],
  /** Be offered, accept and transfer phone calls, and receive a transferred one. */
  takeCalls: ['admin', 'agent', 'caseworker'],
  /** Transfer a call someone else is on. */
  transferAnyCall: ['admin'],
  /** Send SMS, and list and follow the sends of one's departments. */
  sendSms: ['admin', 'officer', 'agent', 'caseworker'],
  /** Make SMS recipient groups and send to them. */
  manageSmsGroups: ['admin', 'officer', 'agent', 'caseworker'],
  /** See the delivery status of outbound SMS. */
  seeDeliveryStatus: ['admin', 'officer', 'agent', 'caseworker', 'records'],
  /** SMS reports per send and per period (counts, cost, time to delivery, failures) and their CSV. */
  readSmsReports: ['admin', 'officer', 'records'],
  /** The console's alert desk: compose alerts and watch their delivery. */
  sendAlerts: ['admin', 'officer'],
  /** Name the interest categories residents choose from for alerts. */
  manageAlertCategories: ['admin', 'officer'],
  /** Import the official address register (TERYT, a national address CSV) residents choose their place from. */
  importAddressRegister: ['admin'],
  /** Reminder modules: waste schedules, power-cut notices, overdue payment lists. */
  manageReminders: ['admin', 'officer'],
  /** Approve or reject a send held for review. */
  reviewSends: ['admin', 'officer'],
  /** Approve one's own held send (everyone else needs a second person). */
  approveOwnSends: ['admin'],
  /** The journal: its rules, posts, dead letters and the archive's settings. */
  keepRecords: ['admin', 'records'],
  /** Create and update case files (the case system's upsert). */
  upsertCases: ['admin', 'integration'],
  /** Read and update only the case files one created oneself (the case system's account). */
  readOwnCasesOnly: ['integration'],
  /** Users, departments, voice menu, sender numbers, SMS policy, web forms, retention. */
  administer: ['admin'],
  /** Read the rows of every department, not only one's own. */
  seeEveryDepartment: ['admin', 'records'],
  /** Act in every department (send from its numbers, use its groups, take its calls) without being a member. */
  actInEveryDepartment: ['admin'],
} satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof table;

/** The capability table, frozen so nothing can widen it at run time. */
export const ACCESS: { readonly [C in Capability]: readonly Role[] } = Object.freeze(table);
for (const roles of Object.values(table)) Object.freeze(roles);

/**
 * Roles that must enrol an authenticator (TOTP) before their token may do anything but enrol: every
 * person who can read the register in bulk or send in bulk. An admin may add roles (never remove
 * these); integration is a machine account and never needs it.
 */
export const TOTP_REQUIRED: readonly Role[] = Object.freeze<Role[]>(['admin', 'officer', 'records']);

/** Whether a role has a capability. Takes any string, since roles arrive from rows and sockets; an unknown role may nothing. */
export function may(role: string, capability: Capability): boolean {
  return (ACCESS[capability] as readonly string[]).includes(role);
}
