import type { Channel, Direction, InquiryState, MessageKind, MessageStatus, Role } from './names';

/*
 * The views the staff REST API sends, shared by the server (which builds them) and the console
 * (which reads them, with `import type`). Pure types; this file imports only ./names.
 *
 * The server builds these objects with Date values and express sends them through JSON.stringify,
 * so what the console receives is Json<View>: the same shape with every Date an ISO 8601 string.
 */

/** A value as it arrives over JSON: each Date becomes its ISO string, everything else stays. */
export type Json<T> = T extends Date ? string : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** One page of a keyset-paged list; `nextCursor` is opaque and null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/* ---- auth: /api/auth ---- */

/** `full` may use the API; `enrol` only lets an administrator set up two-step log-in. */
/** `enrol` may only enrol TOTP; `password` may only set a new password (after an administrator reset it). */
export type TokenScope = 'full' | 'enrol' | 'password';

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: Role;
  /** Department ids. */
  departments: number[];
  totpEnabled: boolean;
  locale: string;
}

/** POST /api/auth/login. */
export interface SessionView {
  token: string;
  user: UserView;
  scope: TokenScope;
}

/** GET /api/auth/me. */
export interface MeView {
  user: UserView;
  scope: TokenScope;
}

/** POST /api/auth/totp/enrol. */
export interface TotpEnrolmentView {
  secret: string;
  otpauthUrl: string;
}

/* ---- departments: GET /api/departments → { items } ---- */

export interface OpeningHours {
  timezone: string;
  /** ISO weekday 1 (Monday) … 7 → list of "HH:MM-HH:MM" spans. */
  weekly: Record<string, string[]>;
  /** YYYY-MM-DD dates on which the department is closed all day. */
  holidays: string[];
}

export interface DepartmentView {
  id: number;
  code: string;
  name: string;
  /** The voice-menu digit that routes callers here, if any. */
  menuDigit: number | null;
  email: string | null;
  openingHours: OpeningHours | null;
  /** The SMS numbers it owns, its default sender first. */
  smsNumbers: string[];
}

/* ---- the register: /api/cases, /api/contacts, /api/inquiries, /api/messages ---- */

/** GET /api/cases/:caseNumber. */
export interface CaseView {
  caseNumber: string;
  title: string;
  status: string;
  statusSpoken: string | null;
  open: boolean;
  department: string;
  category: string | null;
  caseworker: { id: number; email: string; name: string } | null;
  /** Register readers get each party's details; the case system's account gets ids and roles only (CaseContactRef). */
  contacts: (CaseContactView | CaseContactRef)[];
  createdAt: Date;
  updatedAt: Date;
}

/** A party on a case as register readers see it. */
export interface CaseContactView {
  id: number;
  name: string | null;
  role: string | null;
  phones: string[];
  emails: string[];
}

/**
 * A party on a case as the case system's account (integration) sees it: which contact the push
 * resolved to and in what role. It has the names and addresses it sent; what we know beyond that
 * (a citizen's other numbers, addresses, the name they gave us) is not its to read.
 */
export interface CaseContactRef {
  id: number;
  role: string | null;
}

/** A case as listed on its contact. */
export interface ContactCaseView {
  caseNumber: string;
  title: string;
  status: string;
  open: boolean;
  department: string;
  role: string | null;
}

/** GET /api/contacts/:id, and each item of GET /api/contacts. */
export interface ContactView {
  id: number;
  name: string | null;
  kind: string;
  phones: string[];
  emails: string[];
  address: string | null;
  postalCode: string | null;
  city: string | null;
  language: string | null;
  cases: ContactCaseView[];
}

/** An item of GET /api/inquiries; PATCH /api/inquiries/:id answers with one too. */
export interface InquiryView {
  id: number;
  channel: Channel;
  direction: 'in' | 'out';
  state: InquiryState;
  /** `state` under a second name; GET /api/inquiries filters by either. */
  status: InquiryState;
  /** Department code. */
  department: string;
  assignee: { id: number; name: string } | null;
  contactId: number | null;
  contact: { id: number; name: string | null } | null;
  /** The inquiry's case, when its sender is a party on it. */
  caseNumber: string | null;
  /** A case the text names but whose party the sender is not: for the agent to check, not the citizen's case. */
  mentionedCaseNumber?: string | null;
  /** Set when a message named this other inquiry (its tag, a Message-ID) but did not come from its citizen: check before answering. */
  refersToInquiryId?: number | null;
  subject: string | null;
  summary: string;
  citizenAddress: string | null;
  createdAt: Date;
  lastActivityAt: Date;
  closedAt: Date | null;
}

/**
 * One message, call or note on an inquiry's timeline; POST …/notes and …/messages answer with one.
 * `body` is the start of the text (4,000 characters); `bodyTruncated` says there is more, and
 * GET /api/messages/:id gives the whole. `bodyHtml` comes along only when it is small
 * (20,000 characters); `hasHtml` says there is HTML to fetch from the same place.
 */
export interface TimelineItemView {
  id: number;
  channel: Channel;
  direction: Direction;
  kind: MessageKind;
  body: string;
  bodyTruncated: boolean;
  bodyHtml: string | null;
  hasHtml: boolean;
  subject: string | null;
  from: string | null;
  to: string | null;
  createdAt: Date;
  externalId: string | null;
  status: MessageStatus | null;
  author: { id: number; name: string } | null;
}

/**
 * GET /api/inquiries/:id: the inquiry with the newest 50 items of its timeline, oldest
 * first. `timelineCursor` (null when the whole timeline is there) fetches the items before them:
 * GET /api/inquiries/:id/timeline?cursor=&limit= (1–200, default 50) → Page<TimelineItemView>, each page oldest
 * first, its `nextCursor` leading further back.
 */
export interface InquiryDetailView extends InquiryView {
  timeline: TimelineItemView[];
  timelineCursor: string | null;
}

/** One status event of a message; the provider's details (error code, operator, …) sit beside the fixed fields. */
export interface MessageEventView {
  status: MessageStatus;
  at: Date;
  providerStatus: string | null;
  [detail: string]: unknown;
}

/** GET /api/messages/:id: a message of an inquiry with its whole status history (register roles). */
export interface MessageDetailView {
  id: number;
  inquiryId: number;
  channel: Channel;
  direction: Direction;
  status: MessageStatus | null;
  /** The whole text. */
  body: string;
  /** The whole sanitised HTML of an e-mail, or null. */
  bodyHtml: string | null;
  subject: string | null;
  from: string | null;
  to: string | null;
  externalId: string | null;
  createdAt: Date;
  events: MessageEventView[];
  /** The files that came with it; a refused one has no content, and `reason` says why (type, content, size). */
  attachments: AttachmentView[];
}

/** A file of a message as staff see it (its content: GET /api/attachments/:id). */
export interface AttachmentView {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  /** `storing` while its chunks are still being written (not yet downloadable); `purged` once retention removed its content. */
  status: 'storing' | 'stored' | 'refused' | 'purged';
  reason: string | null;
}

/* ---- SMS delivery status: /api/sms/messages ---- */

/** An item of GET /api/sms/messages: one outbound SMS to one recipient. */
export interface SmsMessageView {
  id: number;
  inquiryId: number;
  status: MessageStatus;
  /** The sender number. */
  from: string | null;
  to: string | null;
  country: string | null;
  operator: string | null;
  sendId: number | null;
  body: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** GET /api/sms/messages/:id: one outbound SMS with its whole status history (senders and admins). */
export interface SmsMessageHistoryView {
  id: number;
  direction: Direction;
  status: MessageStatus | null;
  from: string | null;
  to: string | null;
  body: string;
  externalId: string | null;
  createdAt: Date;
  events: MessageEventView[];
}

/* ---- SMS sends and resident alerts: /api/sms/sends, /api/sms/preview, /public/alerts ---- */

/** An item of GET /api/sms/sends, and GET /api/sms/sends/:id: one officer's send with its messages counted by status. */
export interface SmsSendView {
  id: number;
  state: 'scheduled' | 'awaiting_approval' | 'paused' | 'sending' | 'sent' | 'cancelled' | 'rejected';
  sender: string;
  body: string;
  sendAt: Date | null;
  recipients: number;
  statuses: Partial<Record<MessageStatus, number>>;
  createdBy: number | null;
  createdAt: Date;
  /** A send to an audience: what was asked, emergency, and how many messages the provider has taken. */
  audience?: Record<string, unknown>;
  emergency?: boolean;
  dispatched?: number;
  /** A recurring send's RFC 5545 rule, where the server keeps one. */
  rrule?: string | null;
  /** The recurring send this send is an occurrence of. */
  seriesId?: number | null;
}

/**
 * A recurring send (GET /api/sms/series, POST /api/sms/series/:id/cancel): its rule, read in
 * `timeZone`; each occurrence becomes a send of its own (SmsSendView with `seriesId`).
 */
export interface SmsSeriesView {
  id: number;
  state: 'scheduled' | 'cancelled' | 'sent';
  rrule: string;
  timeZone: string;
  skipHolidays: boolean;
  sender: string;
  body: string;
  audience: Record<string, unknown>;
  firstAt: Date;
  nextAt: Date | null;
  createdBy: number | null;
  createdAt: Date;
}

/** POST /api/sms/preview with an `audience`: who it reaches and what it costs, before sending. */
export interface SmsPreviewView {
  recipients: number;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  totalSegments?: number;
  cost?: { amount: number; currency: string; perSegment: number };
}

/** GET /public/alerts/localities and /streets: a place in the address register. */
export interface AlertPlaceView {
  id: string;
  name: string;
  /** A locality's municipality or district, to tell two of one name apart. */
  area?: string | null;
}

/** GET /public/alerts/categories. */
export interface AlertCategoryView {
  code: string;
  name: string;
}

/** GET /api/sms/messages/days: outbound SMS per day in the municipality's time zone, by status. */
export interface SmsDayCounts {
  timeZone: string;
  days: { date: string; counts: Partial<Record<MessageStatus, number>>; total: number }[];
}

/** GET /api/search?q=: what the front desk's box found, all of it in the searcher's scope. */
export interface SearchAnswer {
  query: string;
  /** How the text was read: a number, an address, a case or inquiry number, a name (several may apply). */
  understoodAs: ('phone' | 'email' | 'case' | 'inquiry' | 'name')[];
  contacts: ContactView[];
  cases: CaseView[];
  inquiries: InquiryView[];
}

/** GET /api/users (admin): the staff accounts. */
export interface StaffUserView {
  id: number;
  email: string;
  name: string;
  role: string;
  /** Department ids. */
  departments: number[];
  totpEnabled: boolean;
  active: boolean;
  mustChangePassword: boolean;
}

/** A journal entry as GET /api/journal/entries and /dead-letters list it (Noark 5 names where the standard has them). */
export interface JournalEntryView {
  id: number;
  title: string;
  channel: string;
  caseNumber: string | null;
  journalposttype: string;
  deliveryState: string;
  attempts: number;
  lastError: string | null;
}

/** GET /api/api-keys (admin): the machine account's keys; the key itself is shown once, at creation. */
export interface ApiKeyView {
  id: number;
  name: string;
  userId: number;
  userEmail: string;
  createdAt: string;
  revokedAt: string | null;
}
