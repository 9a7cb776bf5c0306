import type { EntityManager } from 'typeorm';
import type { CountryCode } from 'libphonenumber-js';
import type { InboundContact } from './contract';
import { isUniqueViolation, type Database } from '../core/db/database';
import type { Statement, TransactionSteps } from '../core/db/transactions';
import {
  type Contact,
  type Inquiry,
  type Message,
  type Department,
  type CaseRepository,
  type NamedCase,
  type ContactRepository,
  SWITCHBOARD,
  type DepartmentRepository,
  type InquiryRepository,
  type MessageRepository,
  type RegisterEvents,
} from '../register/module';
import { batchable, InboundBatcher, type BatchItem } from './inbound-batch';
import { chooseInquiry, planMessage, planNewCitizen, prepare, type Prepared, type Written } from './inbound-plan';

export interface InboundResult {
  inquiry: Inquiry;
  message: Message;
  contact: Contact | null;
  /** The provider delivered this item before: nothing was written. */
  duplicate: boolean;
  /** A new inquiry was opened (rather than an existing one continued). */
  opened: boolean;
  /** The rows of the `within` statements that return rows, in order (none for a duplicate). */
  withinRows: Record<string, unknown>[][];
}

class DuplicateDelivery extends Error {}

/**
 * A channel's own writes, sent with the message's commit (in its round trip). `ids` are SQL for the
 * stored inquiry's and message's ids, found by the message's unique channel and external id, which
 * such a channel must give.
 */
type Within = (ids: { inquiryId: Statement; messageId: Statement }) => Statement[];

export interface InboundDeps {
  db: Database;
  contacts: ContactRepository;
  cases: CaseRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  departments: DepartmentRepository;
  events: RegisterEvents;
  defaultCountry: CountryCode;
}

/**
 * Records one inbound contact from any channel: find or create the contact, find the case, continue
 * or open the inquiry, append the message once. Every channel calls this and nothing else writes
 * inbound contacts, so the register's rules live here only.
 */
export class InboundService {
  private readonly batcher: InboundBatcher;

  constructor(private readonly deps: InboundDeps) {
    this.batcher = new InboundBatcher({ ...deps, alone: (item) => this.alone(item) });
  }

  /**
   * `within` gives statements that go with the message's commit (not for a duplicate), so a channel
   * can store its own row with the inquiry in one commit and one round trip.
   */
  async record(input: InboundContact, opts: { within?: Within } = {}): Promise<InboundResult> {
    // No look for an earlier delivery first: retries are rare, and the message's unique key
    // turns one into a rolled-back transaction below. The departments are resolved before the
    // transaction: a read on another pooled connection while holding one can starve the pool
    // when many deliveries arrive at once.
    const departments = await this.deps.departments.list();
    const department = await this.departmentFor(input);
    const item = { p: prepare(input, this.deps.defaultCountry), department, departments };
    let result: Written & { withinRows?: Record<string, unknown>[][] };
    try {
      // Plain messages share transactions with others arriving at the same time (inbound-batch.ts).
      result = !opts.within && batchable(item.p) ? await this.batcher.record(item) : await this.alone(item, opts.within);
    } catch (e) {
      if (!(e instanceof DuplicateDelivery)) throw e;
      // By the id as stored: an over-long one is kept as its hash (bounds.ts).
      const winner = await this.deps.messages.byExternalId(input.channel, item.p.input.externalId);
      if (!winner) throw e;
      return this.duplicateOf(winner);
    }
    const { inquiry, message, contact, opened, named, withinRows } = result;
    const departmentCode = result.department.code;
    if (opened) {
      this.deps.events.emit('inquiry:opened', {
        inquiry,
        contact: contact ? { id: contact.id, name: contact.name } : null,
        departmentCode,
        // A mentioned case is not the citizen's: the pushes name it apart (agent-pushes.ts).
        caseNumber: named?.verified ? named.file.caseNumber : null,
        mentionedCaseNumber: named && !named.verified ? named.file.caseNumber : null,
      });
    } else {
      this.deps.events.emit('inquiry:updated', { inquiry, message, departmentCode });
    }
    this.deps.events.emit('message:recorded', { inquiry, message, channel: input.channel });
    return { inquiry, message, contact, opened, duplicate: false, withinRows: withinRows ?? [] };
  }

  private async duplicateOf(message: Message): Promise<InboundResult> {
    const inquiry = (await this.deps.inquiries.byId(message.inquiryId))!;
    const contact = inquiry.contactId ? await this.deps.contacts.byId(inquiry.contactId) : null;
    return { inquiry, message, contact, duplicate: true, opened: false, withinRows: [] };
  }

  /** One message in a transaction of its own. */
  private alone(item: BatchItem, within?: Within): Promise<Written & { withinRows?: Record<string, unknown>[][] }> {
    return this.deps.db.transaction((m, steps) => this.write(item.p, item.department, item.departments, m, steps, within));
  }

  private async write(
    p: Prepared,
    department: Department,
    departments: Department[],
    m: EntityManager,
    steps: TransactionSteps,
    within?: Within,
  ): Promise<Written & { withinRows?: Record<string, unknown>[][] }> {
    const { input } = p;
    const own = within ? this.channelWrites(p, within) : [];
    // Locked until commit: a citizen's concurrent messages take turns, so two cannot open two
    // inquiries. The lock's statement starts the transaction and brings the inquiries this
    // message could continue; the cases the text may name (with whether the sender is a party on
    // each) travel in the same round trip.
    const lock = p.key ? this.deps.contacts.locking(p.key, m, p.continuation ?? undefined) : null;
    const naming = p.caseCandidates.length ? this.deps.cases.naming(p.caseCandidates, p.key, m) : null;
    const reads = [lock, naming].filter((x): x is Statement => x !== null);
    const rows = reads.length ? await steps.together(reads) : [];
    const found = lock ? this.deps.contacts.ownerFrom(rows[0], m, p.continuation ?? undefined) : null;
    const named = naming ? this.deps.cases.namedFrom(rows[lock ? 1 : 0], p.caseCandidates, m) : null;

    // A new citizen: contact, address, inquiry and message go with the commit. Another message of
    // the same new citizen (or another delivery of this one) committing first breaks a unique
    // key: undo to the savepoint and take the general path below, which sorts out which it was.
    if (p.key && !found && !input.thread?.inquiryId) {
      const plan = planNewCitizen(this.deps, p, p.key, named, department, m);
      try {
        const rows = await steps.commitWith([...plan.statements, ...own]);
        return { ...plan.written(rows), withinRows: rows.slice(plan.rowsets) };
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        await m.query('ROLLBACK TO SAVEPOINT new_citizen');
      }
    }

    const owner = found ?? (p.key ? await this.deps.contacts.createLocked(p.key, p.name, m, steps, p.continuation ?? undefined) : null);
    const contact = owner?.contact ?? null;
    const thread = await this.namedThread(p, contact, m);
    const inquiry = thread.refersTo ? null : (thread.inquiry ?? (await this.inquiryToContinue(p, owner?.continuable, named, m)));
    // The message and the inquiry (new or continued) travel with the commit, a channel's own writes after them.
    const plan = planMessage(this.deps, { ...p, refersTo: thread.refersTo }, contact, inquiry, named, department, departments, m);
    try {
      const rows = await steps.commitWith([...plan.statements, ...own]);
      return { ...plan.written(rows), withinRows: rows.slice(plan.rowsets) };
    } catch (e) {
      // Another delivery of the same item won the race: nothing of this one is kept.
      if (isUniqueViolation(e)) throw new DuplicateDelivery();
      throw e;
    }
  }

  /** A channel's own writes, with the stored message found by its channel and external id. */
  private channelWrites(p: Prepared, within: Within): Statement[] {
    const { channel, externalId } = p.input;
    if (!externalId) throw new Error(`a ${channel} contact recorded with its own writes must carry an external id`);
    return within({
      inquiryId: this.deps.messages.columnByExternalId(channel, externalId, 'inquiry_id'),
      messageId: this.deps.messages.columnByExternalId(channel, externalId, 'id'),
    });
  }

  /** The department a menu or form chose, else the owner of the address written to, else the switchboard. */
  private async departmentFor(input: InboundContact): Promise<Department> {
    const chosen = input.departmentCode ? await this.deps.departments.byCode(input.departmentCode) : null;
    if (chosen) return chosen;
    if (input.to && input.channel !== 'web') {
      const owner = await this.deps.departments.ownerOf(input.channel, input.channel === 'email' ? input.to.toLowerCase() : input.to);
      if (owner) return owner;
    }
    const switchboard = await this.deps.departments.byCode(SWITCHBOARD);
    if (!switchboard) throw new Error('The switchboard department is missing; start-up creates it');
    return switchboard;
  }

  /**
   * The inquiry a channel says this message belongs to (e-mail headers: In-Reply-To, References,
   * the [#123] tag). Inquiry ids are sequential and printed on every receipt, and a Message-ID
   * travels to everyone on a thread, so naming one proves nothing: the message goes onto it only
   * when it comes from that inquiry's citizen (their contact or the address it was written from)
   * or from a party on its case. Anyone else's message opens an inquiry of its own that refers to
   * the one named, for an agent to look at; it never lands in another citizen's conversation.
   */
  private async namedThread(p: Prepared, contact: Contact | null, m: EntityManager): Promise<{ inquiry: Inquiry | null; refersTo: number | null }> {
    const id = p.input.thread?.inquiryId;
    const named = id ? await this.deps.inquiries.byId(id, m) : null;
    if (!named) return { inquiry: null, refersTo: null };
    const citizen =
      (contact !== null && named.contactId === contact.id) ||
      (p.citizenAddress !== null && named.citizenAddress === p.citizenAddress) ||
      (contact !== null && named.caseId !== null && !named.caseMentioned && (await this.deps.cases.isParty(named.caseId, contact.id, m)));
    if (!citizen) return { inquiry: null, refersTo: named.id };
    // A closed inquiry is not reopened by a reply: the message goes the usual way.
    return { inquiry: named.state !== 'closed' ? named : null, refersTo: null };
  }

  /**
   * This citizen's open inquiry on the same channel and receiving address that was active recently
   * (`known` when the contact lock already read them). A message that names a different case than
   * that inquiry's starts a new one.
   */
  private async inquiryToContinue(p: Prepared, known: Inquiry[] | undefined, named: NamedCase | null, m: EntityManager): Promise<Inquiry | null> {
    if (!p.citizenAddress || !p.continuation) return null;
    return chooseInquiry(known ?? (await this.deps.inquiries.continuable({ ...p.continuation, citizenAddress: p.citizenAddress }, m)), named);
  }
}
