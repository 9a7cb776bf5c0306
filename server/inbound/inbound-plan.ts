import type { EntityManager } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import type { InboundContact } from './contract';
import {
  type NamedCase,
  type Contact,
  type Inquiry,
  type Message,
  type Department,
  type ContactKey,
  type ContactRepository,
  newestOf,
  type Continuation,
  type InquiryRepository,
  type MessageRepository,
  InquiryEntity,
  MessageEntity,
} from '../register/module';
import type { Statement } from '../core/db/transactions';
import { toE164 } from '../core/phone';
import { toSummary } from '../core/summary';
import { caseNumberCandidates, MAX_SCANNED } from './case-numbers';
import { fitColumns } from '../core/db/columns';
import { boundInbound, type Bounded } from './bounds';

/*
 * The writes of one inbound message once its contact (locked) and the inquiries it could continue
 * are known, as statements to send with the commit. Shared by the one-message transaction and the
 * batch that records several messages in one (inbound-batch.ts), so the register's rules are
 * written once.
 */

/** What one transaction wrote, with what the events after it need. */
export interface Written {
  inquiry: Inquiry;
  message: Message;
  contact: Contact | null;
  opened: boolean;
  department: Department;
  /** The case the message named, with whether its sender is a party on it. */
  named: NamedCase | null;
}

/** An inbound message with its addresses normalised. */
export interface Prepared {
  input: InboundContact;
  citizenAddress: string | null;
  key: ContactKey | null;
  name: string | null;
  now: Date;
  continuation: Continuation | null;
  /** What in the message could be a case number: the channel's own case tag first, then the text's. */
  caseCandidates: string[];
  /** The inquiry the message named (e-mail headers) whose citizen did not send it: a new inquiry refers to it. */
  refersTo: number | null;
  /** Values fitted to their columns on the way in (bounds.ts), recorded on the message. */
  bounded: Bounded[];
}

export function prepare(given: InboundContact, defaultCountry: CountryCode): Prepared {
  const { input, bounded } = boundInbound(given);
  const phone = input.from.phone ? toE164(input.from.phone, defaultCountry) : null;
  const email = input.from.email?.trim().toLowerCase() || null;
  const citizenAddress = phone ?? email ?? input.from.phone ?? null;
  const now = input.receivedAt;
  return {
    input,
    citizenAddress,
    key: phone ? { phone } : email ? { email } : null,
    name: input.from.name ?? null,
    now,
    continuation:
      citizenAddress && input.continueWithinMs
        ? { channel: input.channel, channelAddress: input.to, since: new Date(now.getTime() - input.continueWithinMs) }
        : null,
    caseCandidates: [
      ...new Set([
        ...(input.thread?.caseNumber ? [input.thread.caseNumber] : []),
        ...caseNumberCandidates(`${(input.subject ?? '').slice(0, 1000)} ${input.body.slice(0, MAX_SCANNED)}`),
      ]),
    ],
    refersTo: null,
    bounded,
  };
}

/** Statements to send with the commit, and how to read what they wrote from the rows they give back (one row set each insert). */
export interface Plan {
  statements: Statement[];
  rowsets: number;
  written(rowsets: Record<string, unknown>[][]): Written;
  /** Creates the contact: a unique-key failure may be a race for the address, not a duplicate delivery. */
  newCitizen: boolean;
}

export interface PlanDeps {
  contacts: ContactRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
}

/** The inquiry a message continues among the candidates: the newest, unless the message names a different case. */
export function chooseInquiry(candidates: Inquiry[], named: NamedCase | null): Inquiry | null {
  const open = newestOf(candidates);
  if (!open || (named && open.caseId && open.caseId !== named.file.id)) return null;
  return open;
}

function messageRow(p: Prepared, inquiryId: number): Omit<Message, 'id'> {
  const { input } = p;
  const meta = p.bounded.length ? { ...input.meta, bounded: p.bounded } : (input.meta ?? null);
  // fitColumns is the backstop: boundInbound has already decided for every outside value.
  return fitColumns<Message, Omit<Message, 'id'>>(MessageEntity, {
    inquiryId,
    channel: input.channel,
    direction: 'in',
    kind: input.kind ?? 'message',
    body: input.body,
    bodyHtml: input.bodyHtml ?? null,
    subject: input.subject?.slice(0, 255) ?? null,
    fromAddress: p.citizenAddress,
    toAddress: input.to,
    externalId: input.externalId,
    status: 'delivered',
    meta,
    authorId: null,
    createdAt: p.now,
    updatedAt: p.now,
  }).row;
}

function inquiryRow(p: Prepared, department: Department, contactId: number | null, named: NamedCase | null): Omit<Inquiry, 'id'> {
  const { input } = p;
  return fitColumns<Inquiry, Omit<Inquiry, 'id'>>(InquiryEntity, {
    channel: input.channel,
    direction: 'in',
    state: 'open',
    departmentId: department.id,
    assigneeId: null,
    contactId,
    caseId: named?.file.id ?? null,
    caseMentioned: named ? !named.verified : false,
    refersToInquiryId: p.refersTo,
    subject: input.subject?.slice(0, 255) ?? null,
    summary: toSummary(input.body, input.subject),
    channelAddress: input.to,
    citizenAddress: p.citizenAddress,
    createdAt: p.now,
    lastActivityAt: p.now,
    closedAt: null,
  }).row;
}

/**
 * What a continued inquiry changes: its activity, open again, a case or contact it lacked, and a
 * mentioned case confirmed once its sender has become a party on it.
 */
function continuing(p: Prepared, inquiry: Inquiry, contact: Contact | null, named: NamedCase | null): Partial<Inquiry> {
  const patch: Partial<Inquiry> = { lastActivityAt: p.now, state: 'open' };
  if (!inquiry.caseId && named) {
    patch.caseId = named.file.id;
    patch.caseMentioned = !named.verified;
  } else if (named?.verified && inquiry.caseId === named.file.id && inquiry.caseMentioned) patch.caseMentioned = false;
  if (!inquiry.contactId && contact) patch.contactId = contact.id;
  return patch;
}

/**
 * A citizen no contact owns yet: contact, address, inquiry and message. No inquiry can be
 * continued: every inquiry for a number or address is opened after its owner exists, and owners
 * are never removed. The savepoint lets the one-message path undo a lost race for the address.
 */
export function planNewCitizen(deps: PlanDeps, p: Prepared, key: ContactKey, named: NamedCase | null, department: Department, m: EntityManager): Plan {
  const contact = deps.contacts.creating(key, p.name, m, p.now);
  const inquiry = inquiryRow(p, department, null, named);
  return {
    statements: [
      { sql: 'SAVEPOINT new_citizen', params: [] },
      ...contact.statements,
      ...deps.inquiries.inserting(inquiry, m, { contactId: deps.contacts.idOf(key) }),
      ...deps.messages.inserting(messageRow(p, 0), m, { inquiryOfPrevious: true }),
    ],
    rowsets: 3,
    newCitizen: true,
    written: ([[c], [i], [x]]) => {
      const stored = { ...inquiry, id: Number(i.id), contactId: Number(c.id) };
      return {
        contact: { ...contact.row, id: Number(c.id) },
        inquiry: stored,
        message: { ...messageRow(p, stored.id), id: Number(x.id) },
        opened: true,
        department,
        named,
      };
    },
  };
}

/** A known contact (or none): the message on the inquiry it continues, else on a new one. */
export function planMessage(
  deps: PlanDeps,
  p: Prepared,
  contact: Contact | null,
  inquiry: Inquiry | null,
  named: NamedCase | null,
  department: Department,
  departments: Department[],
  m: EntityManager,
): Plan {
  if (!inquiry) {
    const opened = inquiryRow(p, department, contact?.id ?? null, named);
    return {
      statements: [...deps.inquiries.inserting(opened, m), ...deps.messages.inserting(messageRow(p, 0), m, { inquiryOfPrevious: true })],
      rowsets: 2,
      newCitizen: false,
      written: ([[i], [x]]) => {
        const stored = { ...opened, id: Number(i.id) };
        return { contact, inquiry: stored, message: { ...messageRow(p, stored.id), id: Number(x.id) }, opened: true, department, named };
      },
    };
  }
  const patch = continuing(p, inquiry, contact, named);
  return {
    statements: [...deps.messages.inserting(messageRow(p, inquiry.id), m), ...deps.inquiries.updating(inquiry.id, patch, m)],
    rowsets: 1,
    newCitizen: false,
    written: ([[x]]) => ({
      contact,
      inquiry: Object.assign(inquiry, patch),
      message: { ...messageRow(p, inquiry.id), id: Number(x.id) },
      opened: false,
      department: departments.find((dep) => dep.id === inquiry.departmentId) ?? department,
      named,
    }),
  };
}
