import type { CallRecord } from './entities';
import { actingScope, actsIn, assertMay, may, type Actor, type Scope } from '../core/access';
import type { CallerContext, ContactService } from '../register/module';
import { AppError, badRequest, forbidden, notFound } from '../core/errors';
import type { AuditRepository } from '../core/audit.repository';
import type { UserRepository } from '../auth/module';
import type { ContactRef, ScreenPop } from '../contracts/socket-events';
import { withQuery } from '../../ivr/compose';
import { voicePaths, type CallState } from '../../ivr/state';
import { LANGUAGES } from '../../ivr/languages';
import type { CallNotifier } from './call-notifier';
import type { CallService } from './calls.service';
import { dialTwiml, enqueueTwiml } from './endpoint';
import type { VoiceProvider } from '../../channels/twilio-voice/adapter';
import { texts } from '../core/texts';

const notes = texts('nb');
const ANONYMOUS: CallerContext = { from: 'anonymous', contact: null, cases: [], inquiries: [] };

export interface HandoverDeps {
  calls: CallService;
  users: UserRepository;
  contacts: ContactService;
  audit: AuditRepository;
  provider: VoiceProvider;
  publicBaseUrl: string;
  /** Where call:taken and screen pops go. */
  notifier: CallNotifier;
}

/** Who is accepting: what the agent socket knows about its user. */
export interface AgentRef {
  userId: number;
  name: string;
  role: string;
  departmentIds: number[];
}

export type AcceptAnswer = { ok: true } | { ok: false; reason: 'not_found' | 'not_your_department' | 'taken' | 'ended' };

export interface TransferInput {
  toUserEmail?: string;
  toDepartment?: string;
  note: string;
}

/** Moving a call to people: an agent accepting it, and a transfer to a colleague or a department. */
export class Handover {
  constructor(private readonly deps: HandoverDeps) {}

  private get callDeps() {
    return this.deps.calls.deps;
  }

  private state(call: CallRecord, departmentCode: string): CallState {
    const lang = LANGUAGES.find((l) => l === call.lang) ?? LANGUAGES[0];
    return { lang, tries: 0, department: departmentCode };
  }

  private async deptCode(id: number | null) {
    return id ? ((await this.callDeps.departments.byId(id))?.code ?? 'switchboard') : 'switchboard';
  }

  private dialAction(call: CallRecord, code: string) {
    return withQuery(this.deps.publicBaseUrl, voicePaths.dial, this.state(call, code));
  }

  /**
   * call:accept. The atomic claim decides the winner (across processes, since it is one UPDATE on
   * the shared database). The winner gets the screen pop at once; moving the call to their phone by
   * REST runs beside it, since that round trip (100–300 ms to Twilio) must not hold the pop back. If
   * the move fails, the call goes back to the queue, the agent is told (call:lost) and the call is
   * offered again.
   */
  async accept(agent: AgentRef, callSid: string): Promise<AcceptAnswer> {
    if (!may(agent.role, 'takeCalls')) return { ok: false, reason: (await this.callDeps.calls.bySid(callSid)) ? 'not_your_department' : 'not_found' };
    const now = this.callDeps.clock();
    // The claim (only in the agent's departments), the call as it then is, the agent's phone or SIP
    // address and the pop's reads of the caller, in one round trip: a refused claim says why from
    // the call it read (and wasted the pop's reads, which only a lost race costs).
    const departments = actingScope(agent);
    const rows = await this.callDeps.db.batch([
      ...this.callDeps.calls.claiming(callSid, agent.userId, departments.all ? 'all' : departments.departmentIds, now),
      this.deps.users.reachReading(agent.userId),
      ...this.deps.contacts.callerContextReads(this.callDeps.calls.fromOf(callSid), departments),
    ]);
    const { claimed, call } = this.callDeps.calls.claimedFrom(rows);
    if (!call || !call.departmentId) return { ok: false, reason: 'not_found' };
    if (!claimed) {
      if (!actsIn(agent, call.departmentId)) return { ok: false, reason: 'not_your_department' };
      return { ok: false, reason: call.state === 'ended' ? 'ended' : 'taken' };
    }
    const user = this.deps.users.reachFrom(rows[2]);
    const code = await this.deptCode(call.departmentId);
    const moved = this.deps.provider
      .redirect(callSid, dialTwiml(user ?? { id: agent.userId, phone: null, sip: null }, this.dialAction(call, code), call.toNumber))
      .then(
        () => null,
        (err: unknown) => err,
      );
    this.deps.notifier.taken(call.departmentId, { callSid, by: { id: agent.userId, name: agent.name } });
    const inquiryId = call.inquiryId;
    // The assignment and its timeline note go with the commit: one round trip instead of four.
    const assigned = inquiryId
      ? this.callDeps.db.transaction(async (m, steps) => {
          await steps.commitWith([
            ...this.callDeps.inquiries.updating(inquiryId, { assigneeId: agent.userId, lastActivityAt: now }, m),
            ...this.callDeps.messages.noting({ inquiryId, channel: 'phone', body: notes.callAnswered(agent.name), authorId: agent.userId, at: now }, m),
          ]);
        })
      : Promise.resolve();
    // The pop goes out only once the assignment is stored; a transferred call's note is read beside it.
    const context = call.fromE164 ? await this.deps.contacts.callerContextFrom(call.fromE164, rows.slice(3)) : ANONYMOUS;
    const [transfer] = await Promise.all([call.transferFromId ? this.transferOf(call) : undefined, assigned]);
    const pop = this.popOf(call, context, transfer);
    this.deps.notifier.popToUser(agent.userId, pop);
    // Handled after the pop, so an agent never hears of a lost call before its pop.
    void moved.then((err) => (err ? this.moveFailed(call, agent, err) : undefined));
    return { ok: true };
  }

  /** The provider refused to move the call: back to the queue, unassigned, the agent told, offered again. */
  private async moveFailed(call: CallRecord, agent: AgentRef, err: unknown): Promise<void> {
    const { callSid, departmentId, inquiryId } = call;
    this.callDeps.logger.warn({ err, callSid }, 'moving the call to the agent failed; back to the queue');
    try {
      if (!(await this.callDeps.calls.release(callSid, agent.userId))) return;
      if (inquiryId) await this.callDeps.db.transaction((m) => this.callDeps.inquiries.update(inquiryId, { assigneeId: null }, m));
      this.deps.notifier.lost(agent.userId, { callSid, reason: 'unreachable' });
      const queued = await this.callDeps.calls.bySid(callSid);
      if (queued && departmentId) this.deps.notifier.incoming(departmentId, await this.deps.calls.incomingPayload(queued));
    } catch (e) {
      this.callDeps.logger.error({ err: e, callSid }, 'putting a call back in the queue failed');
    }
  }

  private async transferOf(call: CallRecord): Promise<{ from: ContactRef; note: string } | undefined> {
    const from = call.transferFromId ? await this.deps.users.byId(call.transferFromId) : null;
    return from ? { from: { id: from.id, name: from.name }, note: call.transferNote ?? '' } : undefined;
  }

  /** The screen pop: who is calling, their cases and recent inquiries, within the receiver's scope. */
  async pop(call: CallRecord, scope: Scope, transfer?: { from: ContactRef; note: string }): Promise<ScreenPop> {
    return this.popOf(call, call.fromE164 ? await this.deps.contacts.callerContext(call.fromE164, scope) : ANONYMOUS, transfer);
  }

  private popOf(call: CallRecord, ctx: CallerContext, transfer?: { from: ContactRef; note: string }): ScreenPop {
    return {
      callSid: call.callSid,
      from: ctx.from,
      contact: ctx.contact,
      cases: ctx.cases,
      inquiries: ctx.inquiries.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
      ...(transfer ? { transfer } : {}),
    };
  }

  /** POST /api/calls/:callSid/transfer: to a named colleague, or into a department's queue. */
  async transfer(actor: Actor, callSid: string, input: TransferInput, route: string) {
    assertMay(actor, 'takeCalls');
    const call = await this.callDeps.calls.bySid(callSid);
    if (!call) throw notFound('Call');
    if (!may(actor.role, 'transferAnyCall') && call.agentId !== actor.id) throw forbidden('Only the agent on the call can transfer it');
    if (call.state !== 'connected' || call.agentId === null)
      throw new AppError(409, 'call_not_connected', 'The call is not connected to anyone, so it cannot be transferred');
    const from: ContactRef = { id: actor.id, name: actor.name };
    const now = this.callDeps.clock();
    const holder = call.agentId;

    if (input.toUserEmail) {
      const target = await this.deps.users.byEmail(input.toUserEmail);
      if (!target || !target.active || !may(target.role, 'takeCalls'))
        throw badRequest('No active agent or caseworker has that e-mail', [{ path: ['toUserEmail'], message: 'unknown user' }]);
      const targetDeps = await this.deps.users.departmentIds(target.id);
      const code = await this.deptCode(call.departmentId);
      await this.redirect(callSid, dialTwiml(target, this.dialAction(call, code), call.toNumber));
      const moved = await this.callDeps.db.transaction(async (m) => {
        if (!(await this.callDeps.calls.transferToUser(callSid, holder, target.id, input.note, m))) return false;
        if (call.inquiryId) {
          const patch: { assigneeId: number; lastActivityAt: Date; departmentId?: number } = { assigneeId: target.id, lastActivityAt: now };
          // The receiver must be able to open the inquiry: it follows them when it sits outside their departments.
          if (call.departmentId && !actsIn({ role: target.role, departmentIds: targetDeps }, call.departmentId) && targetDeps.length)
            patch.departmentId = targetDeps[0];
          await this.callDeps.inquiries.update(call.inquiryId, patch, m);
          await this.deps.calls.note(call.inquiryId, actor.id, notes.callTransferred(actor.name, target.name, input.note), now, m);
        }
        return true;
      });
      if (!moved) throw new AppError(409, 'call_moved', 'The call changed hands meanwhile');
      await this.audit(actor, callSid, route);
      const scope = actingScope({ role: target.role, departmentIds: targetDeps });
      this.deps.notifier.popToUser(target.id, await this.pop(call, scope, { from, note: input.note }));
      return { callSid, state: 'connected', to: { user: { id: target.id, name: target.name } } };
    }

    const dep = await this.callDeps.departments.byCode(input.toDepartment!);
    if (!dep) throw badRequest(`Unknown department "${input.toDepartment}"`, [{ path: ['toDepartment'], message: 'unknown department' }]);
    await this.redirect(callSid, enqueueTwiml(dep.code, withQuery(this.deps.publicBaseUrl, voicePaths.wait, this.state(call, dep.code))));
    const moved = await this.callDeps.db.transaction(async (m) => {
      const ok = await this.callDeps.calls.queue(
        callSid,
        {
          departmentId: dep.id,
          inquiryId: null,
          messageId: null,
          lang: call.lang,
          at: now,
          transferFromId: actor.id,
          transferNote: input.note,
          fromAgentId: holder,
        },
        m,
      );
      if (!ok) return false;
      if (call.inquiryId) {
        await this.callDeps.inquiries.update(call.inquiryId, { departmentId: dep.id, assigneeId: null, lastActivityAt: now }, m);
        await this.deps.calls.note(call.inquiryId, actor.id, notes.callTransferred(actor.name, dep.name, input.note), now, m);
      }
      return true;
    });
    if (!moved) throw new AppError(409, 'call_moved', 'The call changed hands meanwhile');
    await this.audit(actor, callSid, route);
    const queued = (await this.callDeps.calls.bySid(callSid))!;
    this.deps.notifier.popToAvailable(dep.id, await this.pop(queued, { all: false, departmentIds: [dep.id] }, { from, note: input.note }));
    await this.deps.calls.announce(callSid);
    return { callSid, state: 'queued', to: { department: dep.code } };
  }

  private async redirect(callSid: string, twiml: string) {
    try {
      await this.deps.provider.redirect(callSid, twiml);
    } catch (err) {
      this.callDeps.logger.warn({ err, callSid }, 'Twilio refused to move the call');
      throw new AppError(503, 'provider_unavailable', 'Twilio could not move the call; try again');
    }
  }

  private audit(actor: Actor, callSid: string, route: string) {
    return this.deps.audit.record([{ userId: actor.id, action: 'transfer', entityType: 'call', entityId: callSid, route }]);
  }

  /** The agent's leg ended without a conversation (no answer, busy): the call goes back to the queue. */
  async agentMissed(callSid: string) {
    const call = await this.callDeps.calls.bySid(callSid);
    if (!call || call.state !== 'connected' || !call.agentId || !call.departmentId) return;
    const ok = await this.callDeps.calls.queue(callSid, {
      departmentId: call.departmentId,
      inquiryId: null,
      messageId: null,
      lang: call.lang,
      at: this.callDeps.clock(),
      fromAgentId: call.agentId,
    });
    if (ok) await this.deps.calls.announce(callSid);
  }
}
