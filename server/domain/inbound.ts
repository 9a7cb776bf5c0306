import type { EntityManager } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import type { InboundContact } from '../../channels/types';
import { isUniqueViolation, type Database } from '../db/database';
import type { TransactionSteps } from '../db/transactions';
import type { Contact, Department, Inquiry, Message } from '../db/entities';
import type { CaseRepository } from '../repositories/cases';
import type { ContactKey, ContactRepository } from '../repositories/contacts';
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

/** What one transaction wrote, with what the events after it need. */
type Written = Omit<InboundResult, 'duplicate'> & { department: Department; caseNumber: string | null };

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
    let result: Written;
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

  private async write(input: InboundContact, department: Department, departments: Department[], m: EntityManager, steps: TransactionSteps, within?: Within): Promise<Written> {
    const phone = input.from.phone ? toE164(input.from.phone, this.d.defaultCountry) : null;
    const email = input.from.email?.trim().toLowerCase() || null;
    const citizenAddress = phone ?? email ?? input.from.phone ?? null;
    const key: ContactKey | null = phone ? { phone } : email ? { email } : null;
    const name = input.from.name ?? null;
    const now = input.receivedAt;

    const continuation: Continuation | null =
      citizenAddress && input.continueWithinMs ? { channel: input.channel, channelAddress: input.to, since: new Date(now.getTime() - input.continueWithinMs) } : null;
    // Locked until commit: a citizen's concurrent messages take turns, so two cannot open two
    // inquiries. The lock's statement starts the transaction and brings the inquiries this
    // message could continue.
    const found = key ? await this.d.contacts.lockOwner(key, m, steps.read, continuation ?? undefined) : null;
    const namedCase = await this.caseNamedIn(input, m);
    const message = (inquiryId: number): Omit<Message, 'id'> => ({
      inquiryId,
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
    });
    const newInquiry = (contactId: number | null): Omit<Inquiry, 'id'> => ({
      channel: input.channel,
      direction: 'in',
      state: 'open',
      departmentId: department.id,
      assigneeId: null,
      contactId,
      caseId: namedCase?.id ?? null,
      subject: input.subject?.slice(0, 255) ?? null,
      summary: toSummary(input.body, input.subject),
      channelAddress: input.to,
      citizenAddress,
      createdAt: now,
      lastActivityAt: now,
      closedAt: null,
    });
    const opening = { department, caseNumber: namedCase?.caseNumber ?? null, opened: true };

    // A new citizen: contact, address, inquiry and message go with the commit in one batch. No
    // inquiry can be continued: every inquiry for a number or address is opened after its owner
    // exists, and owners are never removed. Another message of the same new citizen (or another
    // delivery of this one) committing first breaks a unique key: undo, and take the path below.
    if (key && !found && !within && !input.thread?.inquiryId) {
      const contact = this.d.contacts.creating(key, name, m, now);
      const inquiry = newInquiry(null);
      try {
        const [[c], [i], [x]] = await steps.commitWith([
          { sql: 'SAVEPOINT new_citizen', params: [] },
          ...contact.statements,
          ...this.d.inquiries.inserting(inquiry, m, { contactId: this.d.contacts.idOf(key) }),
          ...this.d.messages.inserting(message(0), m, { inquiryOfPrevious: true }),
        ]);
        const stored = { ...inquiry, id: Number(i.id), contactId: Number(c.id) };
        return { ...opening, contact: { ...contact.row, id: Number(c.id) }, inquiry: stored, message: { ...message(stored.id), id: Number(x.id) } };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        await m.query('ROLLBACK TO SAVEPOINT new_citizen');
      }
    }

    const owner = found ?? (key ? await this.d.contacts.createLocked(key, name, m, steps, continuation ?? undefined) : null);
    const contact = owner?.contact ?? null;
    const inquiry = await this.inquiryToContinue(input, citizenAddress, continuation, owner?.continuable, namedCase?.id ?? null, m);
    const patch: Partial<Inquiry> | null = inquiry ? { lastActivityAt: now, state: 'open' } : null;
    if (inquiry && patch) {
      if (!inquiry.caseId && namedCase) patch.caseId = namedCase.id;
      if (!inquiry.contactId && contact) patch.contactId = contact.id;
    }

    let target: Inquiry;
    let stored: Message;
    if (within) {
      target = inquiry ?? (await this.d.inquiries.insert(newInquiry(contact?.id ?? null), m));
      const { message: written, inserted } = await this.d.messages.insertOnce(message(target.id), m);
      if (!inserted) throw new DuplicateDelivery();
      stored = written;
      if (inquiry && patch) await this.d.inquiries.update(inquiry.id, patch, m);
      await within({ inquiry: target, message: stored }, m);
    } else {
      // The inquiry (new or continued) and the message travel with the commit: one round trip on MariaDB.
      const opened = newInquiry(contact?.id ?? null);
      const statements = inquiry
        ? [...this.d.messages.inserting(message(inquiry.id), m), ...(patch ? this.d.inquiries.updating(inquiry.id, patch, m) : [])]
        : [...this.d.inquiries.inserting(opened, m), ...this.d.messages.inserting(message(0), m, { inquiryOfPrevious: true })];
      try {
        const ids = (await steps.commitWith(statements)).map((rows) => Number(rows[0].id));
        target = inquiry ?? { ...opened, id: ids[0] };
        stored = { ...message(target.id), id: ids[inquiry ? 0 : 1] };
      } catch (e) {
        // Another delivery of the same item won the race: nothing of this one is kept.
        if (isUniqueViolation(e)) throw new DuplicateDelivery();
        throw e;
      }
    }
    if (!inquiry) return { ...opening, contact, inquiry: target, message: stored };
    Object.assign(inquiry, patch);
    const owning = departments.find((dep) => dep.id === inquiry.departmentId) ?? department;
    return { inquiry, message: stored, contact, opened: false, department: owning, caseNumber: namedCase?.caseNumber ?? null };
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
