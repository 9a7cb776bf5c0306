/*
 * The JSON shapes the console reads from the staff API. Dates arrive as ISO strings. The socket
 * payloads are not repeated here: they come from server/realtime/events.ts with `import type`.
 */

export type Channel = 'sms' | 'phone' | 'email' | 'web';
export const CHANNELS: readonly Channel[] = ['sms', 'phone', 'email', 'web'];
export type InquiryState = 'open' | 'waiting' | 'closed';
export const INQUIRY_STATES: readonly InquiryState[] = ['open', 'waiting', 'closed'];
export const MESSAGE_STATUSES = ['scheduled', 'awaiting_approval', 'paused', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'stopped', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type Role = 'admin' | 'agent' | 'caseworker' | 'officer' | 'records' | 'integration';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  departments: number[];
  totpEnabled: boolean;
  locale: string;
}

export interface Session {
  token: string;
  user: User;
  scope: 'full' | 'enrol';
}

export interface Department {
  id: number;
  code: string;
  name: string;
  menuDigit: number | null;
}

export interface Inquiry {
  id: number;
  channel: Channel;
  direction: 'in' | 'out';
  state: InquiryState;
  department: string;
  assignee: { id: number; name: string } | null;
  contactId: number | null;
  contact: { id: number; name: string | null } | null;
  caseNumber: string | null;
  subject: string | null;
  summary: string;
  citizenAddress: string | null;
  createdAt: string;
  lastActivityAt: string;
  closedAt: string | null;
}

export interface TimelineItem {
  id: number;
  channel: Channel;
  direction: 'in' | 'out' | 'internal';
  kind: string;
  body: string;
  bodyHtml: string | null;
  subject: string | null;
  from: string | null;
  to: string | null;
  createdAt: string;
  externalId: string | null;
  status: MessageStatus | null;
  author: { id: number; name: string } | null;
}

export interface InquiryDetail extends Inquiry {
  timeline: TimelineItem[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CaseSummary {
  caseNumber: string;
  title: string;
  status: string;
  open?: boolean;
  department: string;
  role?: string | null;
}

export interface Contact {
  id: number;
  name: string | null;
  kind?: string;
  phones: string[];
  emails: string[];
  address?: string | null;
  postalCode?: string | null;
  city?: string | null;
  cases: CaseSummary[];
}

export interface CaseFile {
  caseNumber: string;
  title: string;
  status: string;
  statusSpoken: string | null;
  open: boolean;
  department: string;
  category: string | null;
  caseworker: { id: number; email: string; name: string } | null;
  contacts: { id: number; name: string | null; role: string | null; phones: string[]; emails: string[] }[];
  createdAt: string;
  updatedAt: string;
}

export interface MessageEvent {
  status: string;
  at: string;
  providerStatus?: string | null;
  [detail: string]: unknown;
}

export interface MessageDetail {
  id: number;
  inquiryId?: number;
  channel: Channel;
  direction: string;
  status: MessageStatus | null;
  body?: string;
  from?: string | null;
  to?: string | null;
  createdAt?: string;
  events: MessageEvent[];
}

/** One row of the SMS delivery list (GET /api/sms/messages, server/domain/sms-views.ts). */
export interface DeliveryRow {
  id: number;
  inquiryId?: number;
  status?: string | null;
  to?: string | null;
  /** The sender number. */
  from?: string | null;
  country?: string | null;
  operator?: string | null;
  sendId?: number | null;
  body?: string | null;
  externalId?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}
