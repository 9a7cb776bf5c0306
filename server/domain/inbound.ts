import type { EntityManager } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import type { InboundContact } from '../../channels/types';
import { isUniqueViolation, type Database } from '../db/database';
import type { TransactionSteps } from '../db/transactions';
import type { Contact, Department, Inquiry, Message } from '../db/entities';
import type { CaseRepository } from '../repositories/cases';
import type { ContactRepository } from '../repositories/contacts';
import { SWITCHBOARD, type DepartmentRepository } from '../repositories/departments';
import { newestOf, type Continuation, type InquiryRepository } from '../repositories/inquiries';
import type { MessageRepository } from '../repositories/messages';
import type { DomainEvents } from './events';
import { toE164 } from './phone';
import { toSummary } from './text';

export interface InboundResult {
  inquiry: Inquiry;
  message: Message;
  contact: Contact | null;
  /** The provider delivered this item before: nothing was written. */
  duplicate: boolean;
  /** A new inquiry was opened (rather than an existing one continued). */
  opened: boolean;
}

/** Case numbers as case systems write them: 2026/1234, 26/01234, 2026-1234. */
const CASE_NUMBER_IN_TEXT = /\b(\d{2,4})[/-](\d{1,7})\b/g;
export function caseNumberCandidates(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(CASE_NUMBER_IN_TEXT)) {
    found.add(`${m[1]}/${m[2]}`);
    found.add(`${m[1]}-${m[2]}`);
  }
  return [...found].slice(0, 20);
}

class DuplicateDelivery extends Error {}

/** A channel's own write in the same transaction, once the message is stored. */
type Within = (written: { inquiry: Inquiry; message: Message }, m: EntityManager) => Promise<void>;

export interface InboundDeps {
  db: Database;
  contacts: ContactRepository;
  cases: CaseRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  departments: DepartmentRepository;
  events: DomainEvents;
  defaultCountry: CountryCode;
}

/**
 * Records one inbound contact from any channel: find or create the contact, find the case, continue
 * or open the inquiry, append the message once. Every channel calls this and nothing else writes
 * inbound contacts, so the register's rules live here only.
 */
export class InboundService {
  constructor(private readonly d: InboundDeps) {}

  /**
   * `within` runs inside the transaction once the message is written (not for a duplicate), so a
   * channel can store its own row with the inquiry in one commit.
   */
  async record(input: InboundContact, opts: { within?: Within } = {}): Promise<InboundResult> {
    // No look for an earlier delivery first: retries are rare, and the message's unique key
    // turns one into a rolled-back transaction below. The departments are resolved before the
    // transaction: a read on another pooled connection while holding one can starve the pool
    // when many deliveries arrive at once.
    const departments = await this.d.departments.list();
    const department = await this.departmentFor(input);
    let result: Omit<InboundResult, 'duplicate'> & { department: Department; caseNumber: string | null };
    try {
      result = await this.d.db.transaction((m, steps) => this.write(input, department, departments, m, steps, opts.within));
    } catch (e) {
      if (!(e instanceof DuplicateDelivery)) throw e;
      const winner = await this.d.messages.byExternalId(input.channel, input.externalId);
      if (!winner) throw e;
      return this.duplicateOf(winner);
    }
    const { inquiry, message, contact, opened, caseNumber } = result;
    const departmentCode = result.department.code;
    if (opened) {
      this.d.events.emit('inquiry:opened', { inquiry, contact: contact ? { id: contact.id, name: contact.name } : null, departmentCode, caseNumber });
    } else {
      this.d.events.emit('inquiry:updated', { inquiry, message, departmentCode });
    }
    this.d.events.emit('message:recorded', { inquiry, message, channel: input.channel });
    return { inquiry, message, contact, opened, duplicate: false };
  }

  private async duplicateOf(message: Message): Promise<InboundResult> {
    const inquiry = (await this.d.inquiries.byId(message.inquiryId))!;
    const contact = inquiry.contactId ? await this.d.contacts.byId(inquiry.contactId) : null;
    return { inquiry, message, contact, duplicate: true, opened: false };
  }

  private async write(input: InboundContact, department: Department, departments: Department[], m: EntityManager, steps: TransactionSteps, within?: Within) {
    const phone = input.from.phone ? toE164(input.from.phone, this.d.defaultCountry) : null;
    const email = input.from.email?.trim().toLowerCase() || null;
    const citizenAddress = phone ?? email ?? input.from.phone ?? null;

    const continuation: Continuation | null =
      citizenAddress && input.continueWithinMs ? { channel: input.channel, channelAddress: input.to, since: new Date(input.receivedAt.getTime() - input.continueWithinMs) } : null;
    // Locked until commit: a citizen's concurrent messages take turns, so two cannot open two
    // inquiries. The lock's statement starts the transaction and brings the inquiries this
    // message could continue.
    const owner = phone || email ? await this.d.contacts.lockOrCreate(phone ? { phone } : { email: email! }, input.from.name ?? null, m, steps, continuation ?? undefined) : null;
    const contact = owner?.contact ?? null;

    const namedCase = await this.caseNamedIn(input, m);
    const inquiry = await this.inquiryToContinue(input, citizenAddress, continuation, owner?.continuable, namedCase?.id ?? null, m);
    const now = input.receivedAt;
    const opened = !inquiry;
    const newInquiry: Omit<Inquiry, 'id'> | null = inquiry
      ? null
      : {
          channel: input.channel,
          direction: 'in',
          state: 'open',
          departmentId: department.id,
          assigneeId: null,
          contactId: contact?.id ?? null,
          caseId: namedCase?.id ?? null,
          subject: input.subject?.slice(0, 255) ?? null,
          summary: toSummary(input.body, input.subject),
          channelAddress: input.to,
          citizenAddress,
          createdAt: now,
          lastActivityAt: now,
          closedAt: null,
        };
    const row: Omit<Message, 'id'> = {
      inquiryId: 0,
      channel: input.channel,
      direction: 'in',
      kind: input.kind ?? 'message',
      body: input.body,
      bodyHtml: input.bodyHtml ?? null,
      subject: input.subject?.slice(0, 255) ?? null,
      fromAddress: citizenAddress,
      toAddress: input.to,
      externalId: input.externalId,
      status: 'delivered',
      meta: input.meta ?? null,
      authorId: null,
      createdAt: now,
      updatedAt: now,
    };
    const patch: Partial<Inquiry> | null = inquiry ? { lastActivityAt: now, state: 'open' } : null;
    if (inquiry && patch) {
      if (!inquiry.caseId && namedCase) patch.caseId = namedCase.id;
      if (!inquiry.contactId && contact) patch.contactId = contact.id;
    }

    let target: Inquiry;
    let message: Message;
    if (within) {
      target = inquiry ?? (await this.d.inquiries.insert(newInquiry!, m));
      const { message: stored, inserted } = await this.d.messages.insertOnce({ ...row, inquiryId: target.id }, m);
      if (!inserted) throw new DuplicateDelivery();
      message = stored;
      if (inquiry && patch) await this.d.inquiries.update(inquiry.id, patch, m);
      await within({ inquiry: target, message }, m);
    } else {
      // The inquiry (new or continued) and the message travel with the commit: one round trip on MariaDB.
      const statements = inquiry
        ? [...this.d.messages.inserting({ ...row, inquiryId: inquiry.id }, m), ...(patch ? this.d.inquiries.updating(inquiry.id, patch, m) : [])]
        : [...this.d.inquiries.inserting(newInquiry!, m), ...this.d.messages.inserting(row, m, { inquiryOfPrevious: true })];
      try {
        const ids = (await steps.commitWith(statements)).map((rows) => Number(rows[0].id));
        target = inquiry ?? { id: ids[0], ...newInquiry! };
        message = { ...row, id: ids[inquiry ? 0 : 1], inquiryId: target.id };
      } catch (e) {
        // Another delivery of the same item won the race: nothing of this one is kept.
        if (isUniqueViolation(e)) throw new DuplicateDelivery();
        throw e;
      }
    }
    if (inquiry && patch) Object.assign(inquiry, patch);
    const owning = inquiry ? (departments.find((dep) => dep.id === inquiry.departmentId) ?? department) : department;
    return { inquiry: target, message, contact, opened, department: owning, caseNumber: namedCase?.caseNumber ?? null };
  }

  /** The department a menu or form chose, else the owner of the address written to, else the switchboard. */
  private async departmentFor(input: InboundContact): Promise<Department> {
    const chosen = input.departmentCode ? await this.d.departments.byCode(input.departmentCode) : null;
    if (chosen) return chosen;
    if (input.to && input.channel !== 'web') {
      const owner = await this.d.departments.ownerOf(input.channel, input.channel === 'email' ? input.to.toLowerCase() : input.to);
      if (owner) return owner;
    }
    const switchboard = await this.d.departments.byCode(SWITCHBOARD);
    if (!switchboard) throw new Error('The switchboard department is missing; start-up creates it');
    return switchboard;
  }

  private async caseNamedIn(input: InboundContact, m: EntityManager) {
    if (input.thread?.caseNumber) {
      const c = await this.d.cases.byNumber(input.thread.caseNumber, m);
      if (c) return c;
    }
    const candidates = caseNumberCandidates(`${input.subject ?? ''} ${input.body}`);
    const found = await this.d.cases.byNumbers(candidates, m);
    return found[0] ?? null;
  }

  /**
   * An inquiry the channel says this belongs to (e-mail headers), else this citizen's open inquiry
   * on the same channel and receiving address that was active recently (`known` when the contact
   * lock already read them). A message that names a different case than that inquiry's starts a new one.
   */
  private async inquiryToContinue(
    input: InboundContact,
    citizenAddress: string | null,
    continuation: Continuation | null,
    known: Inquiry[] | undefined,
    caseId: number | null,
    m: EntityManager,
  ): Promise<Inquiry | null> {
    if (input.thread?.inquiryId) {
      const named = await this.d.inquiries.byId(input.thread.inquiryId, m);
      if (named && named.state !== 'closed') return named;
    }
    if (!citizenAddress || !continuation) return null;
    const open = newestOf(known ?? (await this.d.inquiries.continuable({ ...continuation, citizenAddress }, m)));
    if (!open) return null;
    if (caseId && open.caseId && open.caseId !== caseId) return null;
    return open;
  }
}
