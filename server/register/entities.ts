import { EntitySchema } from 'typeorm';
import { createdAt, id } from '../core/db/columns';
import { AttachmentChunkEntity, AttachmentEntity } from './attachments.entities';
import { AttachmentTypeEntity } from './attachment-policy';
import { DepartmentAddressEntity, DepartmentEntity } from './departments.entities';
import type { Channel, Direction, InquiryState, MessageKind, MessageStatus } from '../contracts/names';

/*
 * Table mappings as EntitySchema (no decorators, so tsx and esbuild run them as plain code).
 * The schema itself is made by the hand-written migrations; these only map columns.
 */

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
  /** The folded name, and the same from its second and from its last word: the search box's prefix keys (contact-names.ts). */
  nameKey?: string | null;
  nameKeySecond?: string | null;
  nameKeyLast?: string | null;
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
    nameKey: { type: String, length: 191, name: 'name_key', nullable: true },
    nameKeySecond: { type: String, length: 191, name: 'name_key_second', nullable: true },
    nameKeyLast: { type: String, length: 191, name: 'name_key_last', nullable: true },
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
  /** The case was named in the text, but the sender is not a party on it: a mention, not the citizen's case. */
  caseMentioned: boolean;
  /** The inquiry a message named (by its tag or a Message-ID) whose citizen did not send it: for an agent to check. */
  refersToInquiryId: number | null;
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
    caseMentioned: { type: Boolean, name: 'case_mentioned', default: false },
    refersToInquiryId: { type: Number, name: 'refers_to_inquiry_id', nullable: true },
    subject: { type: String, length: 255, nullable: true },
    summary: { type: String, length: 255 },
    channelAddress: { type: String, length: 191, name: 'channel_address', nullable: true },
    citizenAddress: { type: String, length: 191, name: 'citizen_address', nullable: true },
    createdAt,
    lastActivityAt: { type: 'datetime', name: 'last_activity_at', precision: 3 },
    closedAt: { type: 'datetime', name: 'closed_at', precision: 3, nullable: true },
  },
});

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

export const registerEntities = [
  DepartmentEntity,
  DepartmentAddressEntity,
  ContactEntity,
  ContactPhoneEntity,
  ContactEmailEntity,
  CaseEntity,
  CaseContactEntity,
  InquiryEntity,
  MessageEntity,
  MessageEventEntity,
  AttachmentEntity,
  AttachmentChunkEntity,
  AttachmentTypeEntity,
];
