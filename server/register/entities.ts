import { EntitySchema } from 'typeorm';
import { AuthFailureEntity, AuthTokenEntity, DepartmentAddressEntity, DepartmentEntity, UserDepartmentEntity, UserEntity } from '../auth/entities';
import { voiceEntities } from '../voice/entities';
import { mailEntities } from '../email/entities';
import { smsSendEntities } from '../sms/sends.entities';
import { smsPolicyEntities } from '../sms/policy.entities';
import { journalEntities } from '../journal/entities';

/*
 * Table mappings as EntitySchema (no decorators, so tsx and esbuild run them as plain code).
 * The schema itself is made by the hand-written migrations; these only map columns.
 */

const id = { type: Number, primary: true, generated: 'increment' } as const;
const createdAt = { type: 'datetime', name: 'created_at', precision: 3 } as const;

export * from '../auth/entities';

export interface Contact {
  id: number;
  name: string | null;
  kind: 'person' | 'organisation';
  address: string | null;
  postalCode: string | null;
  city: string | null;
  language: string | null;
  createdAt: Date;
  updatedAt: Date;
}
export const ContactEntity = new EntitySchema<Contact>({
  name: 'Contact',
  tableName: 'contacts',
  columns: {
    id,
    name: { type: String, length: 191, nullable: true },
    kind: { type: String, length: 16, default: 'person' },
    address: { type: String, length: 255, nullable: true },
    postalCode: { type: String, length: 16, name: 'postal_code', nullable: true },
    city: { type: String, length: 128, nullable: true },
    language: { type: String, length: 8, nullable: true },
    createdAt,
    updatedAt: { type: 'datetime', name: 'updated_at', precision: 3 },
  },
});

export interface ContactPhone {
  id: number;
  contactId: number;
  e164: string;
}
export const ContactPhoneEntity = new EntitySchema<ContactPhone>({
  name: 'ContactPhone',
  tableName: 'contact_phones',
  columns: {
    id,
    contactId: { type: Number, name: 'contact_id' },
    e164: { type: String, length: 20 },
  },
});

export interface ContactEmail {
  id: number;
  contactId: number;
  address: string;
}
export const ContactEmailEntity = new EntitySchema<ContactEmail>({
  name: 'ContactEmail',
  tableName: 'contact_emails',
  columns: {
    id,
    contactId: { type: Number, name: 'contact_id' },
    address: { type: String, length: 191 },
  },
});

export interface CaseFile {
  id: number;
  caseNumber: string;
  title: string;
  status: string;
  statusSpoken: string | null;
  isOpen: boolean;
  departmentId: number;
  caseworkerId: number | null;
  category: string | null;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const CaseEntity = new EntitySchema<CaseFile>({
  name: 'CaseFile',
  tableName: 'cases',
  columns: {
    id,
    caseNumber: { type: String, length: 64, name: 'case_number' },
    title: { type: String, length: 255 },
    status: { type: String, length: 64 },
    statusSpoken: { type: 'text', name: 'status_spoken', nullable: true },
    isOpen: { type: Boolean, name: 'is_open' },
    departmentId: { type: Number, name: 'department_id' },
    caseworkerId: { type: Number, name: 'caseworker_id', nullable: true },
    category: { type: String, length: 64, nullable: true },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt,
    updatedAt: { type: 'datetime', name: 'updated_at', precision: 3 },
  },
});

export interface CaseContact {
  caseId: number;
  contactId: number;
  role: string | null;
}
export const CaseContactEntity = new EntitySchema<CaseContact>({
  name: 'CaseContact',
  tableName: 'case_contacts',
  columns: {
    caseId: { type: Number, primary: true, name: 'case_id' },
    contactId: { type: Number, primary: true, name: 'contact_id' },
    role: { type: String, length: 64, nullable: true },
  },
});

export const CHANNELS = ['sms', 'phone', 'email', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];
export const INQUIRY_STATES = ['open', 'waiting', 'closed'] as const;
export type InquiryState = (typeof INQUIRY_STATES)[number];

export interface Inquiry {
  id: number;
  channel: Channel;
  /** Who started it: a citizen ('in') or staff reaching out ('out'). */
  direction: 'in' | 'out';
  state: InquiryState;
  departmentId: number;
  assigneeId: number | null;
  contactId: number | null;
  caseId: number | null;
  subject: string | null;
  summary: string;
  /** Our own number or mailbox the citizen wrote to; replies go out from it when no sender is configured. */
  channelAddress: string | null;
  /** The citizen's number or address on this channel. */
  citizenAddress: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  closedAt: Date | null;
}
export const InquiryEntity = new EntitySchema<Inquiry>({
  name: 'Inquiry',
  tableName: 'inquiries',
  columns: {
    id,
    channel: { type: String, length: 16 },
    direction: { type: String, length: 8 },
    state: { type: String, length: 16 },
    departmentId: { type: Number, name: 'department_id' },
    assigneeId: { type: Number, name: 'assignee_id', nullable: true },
    contactId: { type: Number, name: 'contact_id', nullable: true },
    caseId: { type: Number, name: 'case_id', nullable: true },
    subject: { type: String, length: 255, nullable: true },
    summary: { type: String, length: 255 },
    channelAddress: { type: String, length: 191, name: 'channel_address', nullable: true },
    citizenAddress: { type: String, length: 191, name: 'citizen_address', nullable: true },
    createdAt,
    lastActivityAt: { type: 'datetime', name: 'last_activity_at', precision: 3 },
    closedAt: { type: 'datetime', name: 'closed_at', precision: 3, nullable: true },
  },
});

export const MESSAGE_STATUSES = [
  'scheduled',
  'awaiting_approval',
  'paused',
  'queued',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'stopped',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type Direction = 'in' | 'out' | 'internal';
export type MessageKind = 'message' | 'call' | 'note' | 'form';

export interface Message {
  id: number;
  inquiryId: number;
  channel: Channel;
  direction: Direction;
  kind: MessageKind;
  body: string;
  bodyHtml: string | null;
  subject: string | null;
  fromAddress: string | null;
  toAddress: string | null;
  externalId: string | null;
  status: MessageStatus | null;
  meta: Record<string, unknown> | null;
  authorId: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const MessageEntity = new EntitySchema<Message>({
  name: 'Message',
  tableName: 'messages',
  columns: {
    id,
    inquiryId: { type: Number, name: 'inquiry_id' },
    channel: { type: String, length: 16 },
    direction: { type: String, length: 8 },
    kind: { type: String, length: 16 },
    body: { type: 'text' },
    bodyHtml: { type: 'text', name: 'body_html', nullable: true },
    subject: { type: String, length: 255, nullable: true },
    fromAddress: { type: String, length: 191, name: 'from_address', nullable: true },
    toAddress: { type: String, length: 191, name: 'to_address', nullable: true },
    externalId: { type: String, length: 191, name: 'external_id', nullable: true },
    status: { type: String, length: 32, nullable: true },
    meta: { type: 'simple-json', nullable: true },
    authorId: { type: Number, name: 'author_id', nullable: true },
    createdAt,
    updatedAt: { type: 'datetime', name: 'updated_at', precision: 3 },
  },
});

export interface MessageEvent {
  id: number;
  messageId: number;
  status: MessageStatus;
  providerStatus: string | null;
  at: Date;
  detail: Record<string, unknown> | null;
}
export const MessageEventEntity = new EntitySchema<MessageEvent>({
  name: 'MessageEvent',
  tableName: 'message_events',
  columns: {
    id,
    messageId: { type: Number, name: 'message_id' },
    status: { type: String, length: 32 },
    providerStatus: { type: String, length: 64, name: 'provider_status', nullable: true },
    at: { type: 'datetime', precision: 3 },
    detail: { type: 'simple-json', nullable: true },
  },
});

export interface SmsStopEntry {
  id: number;
  /** Our sender number (E.164) the citizen wrote STOP to. */
  sender: string;
  phone: string;
  createdAt: Date;
  messageId: number | null;
}
export const SmsStopEntryEntity = new EntitySchema<SmsStopEntry>({
  name: 'SmsStopEntry',
  tableName: 'sms_stop_list',
  columns: {
    id,
    sender: { type: String, length: 32 },
    phone: { type: String, length: 32 },
    createdAt,
    messageId: { type: Number, name: 'message_id', nullable: true },
  },
});

export interface SmsGroup {
  id: number;
  name: string;
  departmentId: number;
  createdBy: number | null;
  createdAt: Date;
}
export const SmsGroupEntity = new EntitySchema<SmsGroup>({
  name: 'SmsGroup',
  tableName: 'sms_groups',
  columns: {
    id,
    name: { type: String, length: 191 },
    departmentId: { type: Number, name: 'department_id' },
    createdBy: { type: Number, name: 'created_by', nullable: true },
    createdAt,
  },
});

export interface SmsGroupMember {
  id: number;
  groupId: number;
  phone: string;
  name: string | null;
}
export const SmsGroupMemberEntity = new EntitySchema<SmsGroupMember>({
  name: 'SmsGroupMember',
  tableName: 'sms_group_members',
  columns: {
    id,
    groupId: { type: Number, name: 'group_id' },
    phone: { type: String, length: 32 },
    name: { type: String, length: 191, nullable: true },
  },
});

export interface AuditEvent {
  id: number;
  at: Date;
  userId: number | null;
  action: string;
  entityType: string;
  entityId: string;
  route: string;
  ip: string | null;
}
export const AuditEventEntity = new EntitySchema<AuditEvent>({
  name: 'AuditEvent',
  tableName: 'audit_events',
  columns: {
    id,
    at: { type: 'datetime', precision: 3 },
    userId: { type: Number, name: 'user_id', nullable: true },
    action: { type: String, length: 32 },
    entityType: { type: String, length: 32, name: 'entity_type' },
    entityId: { type: String, length: 64, name: 'entity_id' },
    route: { type: String, length: 191 },
    ip: { type: String, length: 64, nullable: true },
  },
});

export const entities = [
  DepartmentEntity,
  DepartmentAddressEntity,
  UserEntity,
  UserDepartmentEntity,
  AuthTokenEntity,
  AuthFailureEntity,
  ContactEntity,
  ContactPhoneEntity,
  ContactEmailEntity,
  CaseEntity,
  CaseContactEntity,
  InquiryEntity,
  MessageEntity,
  MessageEventEntity,
  AuditEventEntity,
  SmsStopEntryEntity,
  SmsGroupEntity,
  SmsGroupMemberEntity,
  ...voiceEntities,
  ...mailEntities,
  ...smsSendEntities,
  ...smsPolicyEntities,
  ...journalEntities,
];
