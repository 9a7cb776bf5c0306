import { EntitySchema } from 'typeorm';
import { at, id } from '../core/db/columns';

/*
 * Rosters (seed 002): the people a unit (a department: one school) manages in its administrative
 * system, their groups and guardians, each unit's account texts and reset hook, and the log of
 * welcome and reset messages. Dates are calendar days (YYYY-MM-DD) in the municipality's zone.
 */

export const PERSON_KINDS = ['student', 'staff'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export interface RosterPerson {
  id: number;
  departmentId: number;
  externalId: string;
  name: string;
  /** E.164. */
  phone: string;
  kind: PersonKind;
  language: string | null;
  startDate: string | null;
  endDate: string | null;
  /** What the last push said, hashed: the same body twice changes nothing, not even updated_at. */
  fingerprint: string;
  removedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
export const RosterPersonEntity = new EntitySchema<RosterPerson>({
  name: 'RosterPerson',
  tableName: 'roster_people',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    externalId: { type: String, length: 128, name: 'external_id' },
    name: { type: String, length: 200 },
    phone: { type: String, length: 32 },
    kind: { type: String, length: 16 },
    language: { type: String, length: 8, nullable: true },
    startDate: { type: String, length: 10, name: 'start_date', nullable: true },
    endDate: { type: String, length: 10, name: 'end_date', nullable: true },
    fingerprint: { type: String, length: 64 },
    removedAt: at('removed_at', true),
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

export interface RosterGroup {
  id: number;
  personId: number;
  name: string;
}
export const RosterGroupEntity = new EntitySchema<RosterGroup>({
  name: 'RosterGroup',
  tableName: 'roster_groups',
  columns: { id, personId: { type: Number, name: 'person_id' }, name: { type: String, length: 100 } },
});

export interface RosterGuardian {
  id: number;
  personId: number;
  name: string;
  phone: string;
}
export const RosterGuardianEntity = new EntitySchema<RosterGuardian>({
  name: 'RosterGuardian',
  tableName: 'roster_guardians',
  columns: {
    id,
    personId: { type: Number, name: 'person_id' },
    name: { type: String, length: 200 },
    phone: { type: String, length: 32 },
  },
});

/** A unit's account settings: the welcome text per language and the identity system's reset hook. */
export interface RosterUnit {
  id: number;
  departmentId: number;
  resetUrl: string | null;
  /** The bearer token the hook expects; never shown back. */
  resetToken: string | null;
  resetKeywords: string[] | null;
  welcomeTexts: Record<string, string> | null;
  updatedBy: number | null;
  updatedAt: Date;
}
export const RosterUnitEntity = new EntitySchema<RosterUnit>({
  name: 'RosterUnit',
  tableName: 'roster_units',
  columns: {
    id,
    departmentId: { type: Number, name: 'department_id' },
    resetUrl: { type: String, length: 500, name: 'reset_url', nullable: true },
    resetToken: { type: String, length: 500, name: 'reset_token', nullable: true },
    resetKeywords: { type: 'simple-json', name: 'reset_keywords', nullable: true },
    welcomeTexts: { type: 'simple-json', name: 'welcome_texts', nullable: true },
    updatedBy: { type: Number, name: 'updated_by', nullable: true },
    updatedAt: at('updated_at'),
  },
});

/**
 * A welcome or reset message in the log. States: `sent` (handed to the provider: the message's own
 * status says the rest), `pending` / `retrying` (a reset waiting for the hook), `failed` (the hook
 * never answered; the admin sees why), `refused` (unknown or ended number, or over a limit).
 */
export const ACCOUNT_MESSAGE_STATES = ['pending', 'retrying', 'sent', 'failed', 'refused'] as const;
export type AccountMessageState = (typeof ACCOUNT_MESSAGE_STATES)[number];
export interface RosterAccountMessage {
  id: number;
  kind: 'welcome' | 'reset';
  departmentId: number;
  externalId: string | null;
  phone: string;
  inboundMessageId: number | null;
  messageId: number | null;
  state: AccountMessageState;
  attempts: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const RosterAccountMessageEntity = new EntitySchema<RosterAccountMessage>({
  name: 'RosterAccountMessage',
  tableName: 'roster_account_messages',
  columns: {
    id,
    kind: { type: String, length: 16 },
    departmentId: { type: Number, name: 'department_id' },
    externalId: { type: String, length: 128, name: 'external_id', nullable: true },
    phone: { type: String, length: 32 },
    inboundMessageId: { type: Number, name: 'inbound_message_id', nullable: true },
    messageId: { type: Number, name: 'message_id', nullable: true },
    state: { type: String, length: 16 },
    attempts: { type: Number },
    error: { type: String, length: 300, nullable: true },
    createdAt: at('created_at'),
    updatedAt: at('updated_at'),
  },
});

export interface RosterEmergency {
  id: number;
  sendId: number;
  /** Null: the whole municipality. */
  departmentId: number | null;
  askReply: boolean;
  createdBy: number | null;
  createdAt: Date;
}
export const RosterEmergencyEntity = new EntitySchema<RosterEmergency>({
  name: 'RosterEmergency',
  tableName: 'roster_emergencies',
  columns: {
    id,
    sendId: { type: Number, name: 'send_id' },
    departmentId: { type: Number, name: 'department_id', nullable: true },
    askReply: { type: Boolean, name: 'ask_reply', default: false },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt: at('created_at'),
  },
});

export interface RosterEmergencyAnswer {
  id: number;
  sendId: number;
  phone: string;
  messageId: number | null;
  at: Date;
}
export const RosterEmergencyAnswerEntity = new EntitySchema<RosterEmergencyAnswer>({
  name: 'RosterEmergencyAnswer',
  tableName: 'roster_emergency_answers',
  columns: {
    id,
    sendId: { type: Number, name: 'send_id' },
    phone: { type: String, length: 32 },
    messageId: { type: Number, name: 'message_id', nullable: true },
    at: at('at'),
  },
});

export const rosterEntities = [
  RosterPersonEntity,
  RosterGroupEntity,
  RosterGuardianEntity,
  RosterUnitEntity,
  RosterAccountMessageEntity,
  RosterEmergencyEntity,
  RosterEmergencyAnswerEntity,
];
