import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { Database } from '../core/db/database';
import type { User } from '../auth/module';
import {
  type Department,
  type ContactRepository,
  SWITCHBOARD,
  type DepartmentRepository,
  type InquiryRepository,
  type MessageRepository,
} from '../register/module';
import type { CallOutcome, CallRecord } from './entities';
import type { InboundService } from '../inbound/module';
import { toE164 } from '../core/phone';
import { actsInEveryDepartment } from '../core/access';
import type { CallRepository } from './calls.repository';
import type { CallIncoming } from '../contracts/socket-events';
import { TERMINAL_STATUSES, type CallForm, type StatusForm } from '../../channels/twilio-voice/parse';
import type { CallNotifier } from './call-notifier';
import type { Statement } from '../core/db/transactions';
import { texts } from '../core/texts';

const notes = texts('nb');
/** How many calls announcedHere and begunHere remember. */
const KEPT = 10_000;

export interface CallServiceDeps {
  db: Database;
  calls: CallRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  inquiries: InquiryRepository;
  messages: MessageRepository;
  inbound: InboundService;
  clock: () => Date;
  logger: Logger;
  defaultCountry: CountryCode;
  /** Where call:incoming and call:ended go. */
  notifier: CallNotifier;
}

/**
 * A call's life on our side: written at the first webhook, recorded as an inquiry when the menu
 * routes it, announced to available agents, closed by Twilio's status callback. Handing the call
 * to an agent lives in handover.ts.
 */
export class CallService {
  /**
   * Calls this process queued and announced in one commit (route), until Twilio's first waitUrl
   * fetch for them: that fetch would only find them announced, so it costs no statement here.
   * Bounded: a fetch that reaches another process leaves its entry, and the oldest go first.
   */
  private readonly announcedHere = new Set<string>();
  /**
   * Calls whose first webhook this process wrote, as written, until their menu choice: Twilio
   * sends a call's webhooks one after another, so the routing can start from this instead of
   * reading the row back. Bounded like announcedHere; a choice that reaches another process reads.
   */
  private readonly begunHere = new Map<string, CallRecord>();

  constructor(readonly deps: CallServiceDeps) {}

  fromOf(form: CallForm): string | null {
    return form.From ? toE164(form.From, this.deps.defaultCountry) : null;
  }

  /** The first webhook of a call. */
  async begin(form: CallForm, lang: string): Promise<CallRecord> {
    const call = await this.insert(form, lang);
    if (this.begunHere.size >= KEPT) this.begunHere.delete(this.begunHere.keys().next().value!);
    this.begunHere.set(call.callSid, call);
    return call;
  }

  private insert(form: CallForm, lang: string): Promise<CallRecord> {
    return this.deps.calls.insertOnce({ callSid: form.CallSid, fromE164: this.fromOf(form), toNumber: form.To?.slice(0, 32) ?? null, lang }, this.deps.clock());
  }

  private async department(code: string): Promise<Department> {
    const dep = (await this.deps.departments.byCode(code)) ?? (await this.deps.departments.byCode(SWITCHBOARD));
    if (!dep) throw new Error('The switchboard department is missing; start-up creates it');
    return dep;
  }

  /**
   * The menu chose a department: the call becomes an inquiry on the phone channel (through the one
   * inbound service) and enters the department's queue, all stored before Twilio gets its TwiML.
   * The queue entry shares the inquiry's transaction and is marked announced there, and call:incoming
   * is built from what is already in hand: one commit and no re-reads between the webhook and the push.
   */
  async route(form: CallForm, departmentCode: string, lang: string): Promise<void> {
    // The first webhook has almost always written the call (begin() is insert-first), most often here.
    const begun = this.begunHere.get(form.CallSid);
    this.begunHere.delete(form.CallSid);
    const call = begun ?? (await this.deps.calls.bySid(form.CallSid)) ?? (await this.insert(form, lang));
    const dep = await this.department(departmentCode);
    if (call.state === 'queued' && call.departmentId === dep.id) return this.announce(call.callSid);
    const now = this.deps.clock();
    const from = this.fromOf(form);
    const entry = { departmentId: dep.id, lang, at: now, announced: true };
    const rec = await this.deps.inbound.record(
      {
        channel: 'phone',
        externalId: form.CallSid,
        from: from ? { phone: from } : {},
        to: form.To?.slice(0, 32) ?? null,
        kind: 'call',
        body: notes.callIncoming(from, dep.name),
        receivedAt: now,
        departmentCode: dep.code,
        meta: { lang, menu: dep.menuDigit ?? null },
      },
      // The queue entry goes with the inquiry's commit, in its round trip.
      { within: (ids) => this.deps.calls.queueing(form.CallSid, { ...entry, ...ids }) },
    );
    // Twilio retried a webhook whose inquiry is already stored: only the queue entry is left to do.
    const queued = rec.duplicate
      ? await this.deps.calls.queue(form.CallSid, { ...entry, inquiryId: rec.inquiry.id, messageId: rec.message.id })
      : Number(rec.withinRows[0]?.[0]?.queued) > 0;
    if (!queued) return;
    const contact = rec.contact ? { id: rec.contact.id, name: rec.contact.name } : null;
    this.deps.notifier.incoming(dep.id, { callSid: call.callSid, from: call.fromE164 ?? 'anonymous', department: dep.code, contact });
    if (this.announcedHere.size >= KEPT) this.announcedHere.delete(this.announcedHere.values().next().value!);
    this.announcedHere.add(call.callSid);
  }

  /**
   * Twilio fetched the queue's waitUrl: announce the call unless this process announced it while
   * queueing it (then markNotified could only answer false). Anything that puts the call back in a
   * queue later announces it itself, and the next waitUrl fetch runs the check again.
   */
  held(callSid: string): Promise<void> {
    return this.announcedHere.delete(callSid) ? Promise.resolve() : this.announce(callSid);
  }

  /** Outside opening hours the caller asked to be called back: an open inquiry with their number. */
  async requestCallback(form: CallForm, departmentCode: string, lang: string): Promise<void> {
    await this.insert(form, lang);
    const dep = await this.department(departmentCode);
    const from = this.fromOf(form);
    const rec = await this.deps.inbound.record({
      channel: 'phone',
      externalId: form.CallSid,
      from: from ? { phone: from } : {},
      to: form.To?.slice(0, 32) ?? null,
      kind: 'call',
      body: notes.callbackWanted(from, dep.name),
      receivedAt: this.deps.clock(),
      departmentCode: dep.code,
      meta: { lang, callback: true },
    });
    await this.deps.calls.markCallback(form.CallSid, { inquiryId: rec.inquiry.id, departmentId: dep.id });
  }

  /**
   * call:incoming to the department's available agents, once per time in the queue; Twilio's
   * waitUrl fetch calls this too, so a process that died after storing the call is covered.
   */
  async announce(callSid: string): Promise<void> {
    if (!(await this.deps.calls.markNotified(callSid, this.deps.clock()))) return;
    const call = await this.deps.calls.bySid(callSid);
    if (!call?.departmentId) return;
    this.deps.notifier.incoming(call.departmentId, await this.incomingPayload(call));
  }

  async incomingPayload(call: CallRecord): Promise<CallIncoming> {
    const dep = call.departmentId ? await this.deps.departments.byId(call.departmentId) : null;
    const contact = call.fromE164 ? await this.deps.contacts.byPhone(call.fromE164) : null;
    return {
      callSid: call.callSid,
      from: call.fromE164 ?? 'anonymous',
      department: dep?.code ?? SWITCHBOARD,
      contact: contact ? { id: contact.id, name: contact.name } : null,
    };
  }

  /** Calls still waiting for an agent of these departments: offered to an agent who becomes available. */
  async waitingFor(user: Pick<User, 'role'>, departmentIds: number[]): Promise<CallIncoming[]> {
    // Two statements however long the queue is: every agent who becomes available asks this.
    const calls = await this.deps.calls.waitingIn(actsInEveryDepartment(user) ? 'all' : departmentIds);
    const callers = await this.deps.contacts.byPhones(calls.flatMap((c) => (c.fromE164 ? [c.fromE164] : [])));
    const codes = new Map((await this.deps.departments.list()).map((d) => [d.id, d.code]));
    return calls.map((c) => {
      const contact = c.fromE164 ? callers.get(c.fromE164) : undefined;
      return {
        callSid: c.callSid,
        from: c.fromE164 ?? 'anonymous',
        department: (c.departmentId && codes.get(c.departmentId)) || SWITCHBOARD,
        contact: contact ? { id: contact.id, name: contact.name } : null,
      };
    });
  }

  /** Twilio's status callback: the call ended. Answered calls close their inquiry; missed ones stay open for a call-back. */
  async statusChanged(form: StatusForm): Promise<void> {
    if (!TERMINAL_STATUSES.includes(form.CallStatus)) return;
    const now = this.deps.clock();
    // Two round trips: the call, locked, read with the transaction's start; then its end, the
    // message's outcome and the inquiry's state with the commit.
    const ended = await this.deps.db.transaction(async (m, steps) => {
      const lock = this.deps.calls.lockingBySid(form.CallSid);
      const call = this.deps.calls.callFrom(await steps.read(lock.sql, lock.params));
      if (!call || call.state === 'ended') return null;
      const outcome: CallOutcome = call.answeredAt
        ? 'answered'
        : call.outcome === 'callback'
          ? 'callback'
          : call.state === 'queued'
            ? 'missed'
            : form.CallStatus === 'failed'
              ? 'failed'
              : 'abandoned';
      const writes: Statement[] = [this.deps.calls.ending(call.callSid, { outcome, duration: form.CallDuration ?? null, at: now })];
      if (call.messageId) writes.push(this.deps.messages.mergingMeta(call.messageId, { outcome, duration: form.CallDuration ?? null }));
      if (call.inquiryId) {
        if (outcome === 'answered') {
          writes.push(...this.deps.inquiries.updating(call.inquiryId, { state: 'closed', closedAt: now, lastActivityAt: now }, m));
        } else if (outcome === 'missed') {
          const body = notes.callMissed(secondsSince(call.queuedAt, now), call.fromE164);
          writes.push(...this.deps.messages.noting({ inquiryId: call.inquiryId, channel: 'phone', body, authorId: null, at: now }, m));
          writes.push(...this.deps.inquiries.updating(call.inquiryId, { state: 'open', lastActivityAt: now }, m));
        }
      }
      await steps.commitWith(writes);
      return { call, outcome };
    });
    if (ended?.call.departmentId) this.deps.notifier.ended(ended.call.departmentId, { callSid: ended.call.callSid, outcome: ended.outcome });
  }

  /** A line on the inquiry's timeline saying who did what with the call. */
  async note(inquiryId: number, authorId: number | null, body: string, at: Date, m: Parameters<MessageRepository['insertOnce']>[1]) {
    await this.deps.messages.insertNote({ inquiryId, channel: 'phone', body, authorId, at }, m);
  }
}

const secondsSince = (from: Date | null, to: Date) => (from ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : 0);
