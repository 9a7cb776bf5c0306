import type { SendState, SmsSend } from './sends.entities';
import type { JobQueue } from '../core/jobs/queue';
import type { AuditRepository } from '../core/audit.repository';
import type { SmsPolicyRepository } from './policy.repository';
import type { SmsSendRepository } from './sends.repository';
import type { Database } from '../core/db/database';
import { actsInEveryDepartment, assertAdmin, assertMay, may, type Actor } from '../core/access';
import { conflict, forbidden, notFound } from '../core/errors';
import { decodeCursor, encodeCursor } from '../core/http/cursors';
import type { SendView, SmsSendService } from './sends.service';
import { SEND_QUEUE, type SmsSendJobs } from './send-jobs';

export interface SmsSendControlDeps {
  db: Database;
  sends: SmsSendRepository;
  policy: SmsPolicyRepository;
  service: SmsSendService;
  sendJobs: SmsSendJobs;
  jobs: JobQueue;
  audit: AuditRepository;
  clock: () => Date;
}

/** States in which nothing has left yet, so the whole send can still be cancelled. */
const CANCELLABLE: SendState[] = ['scheduled', 'awaiting_approval', 'paused'];

/**
 * What staff do with a send after it is made: list, read, cancel; approve or reject one held
 * for review; pause and resume one (or every send of a sender number) on suspicion of abuse.
 */
export class SmsSendControl {
  constructor(private readonly deps: SmsSendControlDeps) {}

  async list(actor: Actor, q: { states?: SendState[]; cursor?: string; limit?: number }): Promise<{ items: SendView[]; nextCursor: string | null }> {
    assertMay(actor, 'sendSms', 'Your role may not see SMS sends');
    const limit = q.limit ?? 50;
    const rows = await this.deps.sends.list({
      states: q.states,
      departmentIds: actsInEveryDepartment(actor) ? undefined : actor.departmentIds,
      beforeId: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const counts = await this.deps.sends.statusCounts(page.map((s) => s.id));
    return {
      items: await Promise.all(page.map((s) => this.deps.service.view(s, counts.get(s.id) ?? {}))),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  async get(actor: Actor, id: number): Promise<SendView & { messages: { id: number; to: string; status: string }[] }> {
    const send = await this.visible(actor, id);
    const view = await this.deps.service.view(send);
    // Polled while a send to a town goes out: counts only, never its 100,000 messages.
    if (view.audience) return { ...view, messages: [] };
    const messages = await this.deps.sends.messagesOf(id);
    return { ...view, messages: messages.map((x) => ({ id: x.id, to: x.toAddress, status: x.status })) };
  }

  /** Everything not yet sent becomes stopped (cancelled); a send already under way or done cannot be. */
  async cancel(actor: Actor, id: number, route: string): Promise<SendView> {
    const send = await this.visible(actor, id);
    const ok = await this.deps.sendJobs.hold(id, CANCELLABLE, 'cancelled', ['scheduled', 'awaiting_approval', 'paused'], { reason: 'cancelled', by: actor.id });
    if (!ok)
      throw conflict(
        'not_cancellable',
        `The send is ${(await this.deps.sends.byId(id))?.state ?? send.state}; only a send that has not started can be cancelled`,
      );
    await this.deps.jobs.remove(SEND_QUEUE, `send-${id}`);
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.deps.service.view((await this.deps.sends.byId(id))!);
  }

  /**
   * A held send let through: it is scheduled (now, or at its sendAt) and goes like any other.
   * Four eyes: an officer of the department who did not write it, or an admin.
   */
  async approve(actor: Actor, id: number, route: string): Promise<SendView> {
    const send = await this.reviewable(actor, id);
    const ok = await this.deps.sendJobs.hold(
      id,
      ['awaiting_approval'],
      'scheduled',
      ['awaiting_approval'],
      { reason: 'approved', by: actor.id },
      { approvedBy: actor.id },
    );
    if (!ok) throw conflict('not_awaiting_approval', 'The send is not awaiting approval');
    await this.deps.sendJobs.enqueue(send);
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.deps.service.view((await this.deps.sends.byId(id))!);
  }

  async reject(actor: Actor, id: number, route: string): Promise<SendView> {
    await this.reviewable(actor, id);
    const ok = await this.deps.sendJobs.hold(id, ['awaiting_approval'], 'rejected', ['awaiting_approval'], { reason: 'rejected', by: actor.id });
    if (!ok) throw conflict('not_awaiting_approval', 'The send is not awaiting approval');
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.deps.service.view((await this.deps.sends.byId(id))!);
  }

  /** Admin, on suspected abuse: whatever of the send has not left waits. */
  async pause(actor: Actor, id: number, route: string): Promise<SendView> {
    assertAdmin(actor);
    await this.visible(actor, id);
    const ok = await this.deps.sendJobs.hold(
      id,
      ['scheduled', 'awaiting_approval', 'sending'],
      'paused',
      ['scheduled', 'awaiting_approval'],
      { reason: 'paused', by: actor.id },
      { pausedBy: 'send' },
    );
    if (!ok) throw conflict('not_pausable', 'Only a send that is scheduled, awaiting approval or under way can be paused');
    await this.deps.jobs.remove(SEND_QUEUE, `send-${id}`);
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.deps.service.view((await this.deps.sends.byId(id))!);
  }

  /** Admin: a paused send goes on (back to review if it was never approved) or is cancelled. */
  async resume(actor: Actor, id: number, action: 'send' | 'cancel', route: string): Promise<SendView> {
    assertAdmin(actor);
    const send = await this.visible(actor, id);
    if (send.state !== 'paused') throw conflict('not_paused', 'The send is not paused');
    if (send.pausedBy === 'sender' && (await this.deps.policy.holdOf(send.sender)))
      throw conflict('sender_paused', `The sender ${send.sender} is paused; resume the sender`);
    await this.release(send, action, actor.id);
    await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.deps.service.view((await this.deps.sends.byId(id))!);
  }

  /** Admin: every send from the number waits, and new ones are held as they are made. */
  async pauseSender(actor: Actor, sender: string, reason: string | null, route: string): Promise<{ sender: string; paused: number[] }> {
    assertAdmin(actor);
    const created = await this.deps.db.transaction(async (m) => {
      const ok = await this.deps.policy.hold(sender, reason, actor.id, this.deps.clock(), m);
      if (ok) await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_policy', entityId: `pause:${sender}`, route }], m);
      return ok;
    });
    if (!created) throw conflict('already_paused', `${sender} is already paused`);
    const paused: number[] = [];
    for (const s of await this.deps.sends.list({ states: ['scheduled', 'awaiting_approval', 'sending'], sender, limit: 10_000 })) {
      if (
        await this.deps.sendJobs.hold(
          s.id,
          ['scheduled', 'awaiting_approval', 'sending'],
          'paused',
          ['scheduled', 'awaiting_approval'],
          { reason: 'sender_paused', by: actor.id },
          { pausedBy: 'sender' },
        )
      )
        paused.push(s.id);
      await this.deps.jobs.remove(SEND_QUEUE, `send-${s.id}`);
    }
    return { sender, paused };
  }

  async resumeSender(actor: Actor, sender: string, action: 'send' | 'cancel', route: string): Promise<{ sender: string; resumed: number[] }> {
    assertAdmin(actor);
    const released = await this.deps.db.transaction(async (m) => {
      const ok = await this.deps.policy.release(sender, m);
      if (ok) await this.deps.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_policy', entityId: `resume:${sender}`, route }], m);
      return ok;
    });
    if (!released) throw conflict('not_paused', `${sender} is not paused`);
    const resumed: number[] = [];
    for (const s of await this.deps.sends.list({ states: ['paused'], sender, limit: 10_000 })) {
      if (s.pausedBy !== 'sender') continue;
      await this.release(s, action, actor.id);
      resumed.push(s.id);
    }
    return { sender, resumed };
  }

  /** Paused messages go back to review, to their schedule, or are stopped as cancelled. */
  private async release(send: SmsSend, action: 'send' | 'cancel', by: number): Promise<void> {
    if (action === 'cancel') {
      await this.deps.sendJobs.hold(send.id, ['paused'], 'cancelled', ['paused'], { reason: 'cancelled', by });
      return;
    }
    if (send.holdReason && !send.approvedBy) {
      await this.deps.sendJobs.hold(send.id, ['paused'], 'awaiting_approval', ['paused'], { reason: 'resumed', by, ...send.holdReason }, { pausedBy: null });
      return;
    }
    if (await this.deps.sendJobs.hold(send.id, ['paused'], 'scheduled', ['paused'], { reason: 'resumed', by }, { pausedBy: null }))
      await this.deps.sendJobs.enqueue(send);
  }

  /** Only officers and admins review, never the author of the send (admins excepted). */
  private async reviewable(actor: Actor, id: number): Promise<SmsSend> {
    const send = await this.visible(actor, id);
    assertMay(actor, 'reviewSends', 'Only an officer or an administrator may review a send');
    if (!may(actor.role, 'approveOwnSends') && send.createdBy === actor.id) throw forbidden('Another officer or an administrator must review your send');
    return send;
  }

  /** The send if the actor may act on it: admins all, senders their departments'; others get 404. */
  async visible(actor: Actor, id: number): Promise<SmsSend> {
    const send = await this.deps.sends.byId(id);
    const allowed = actsInEveryDepartment(actor) || (may(actor.role, 'sendSms') && send && actor.departmentIds.includes(send.departmentId));
    if (!send || !allowed) throw notFound('Send');
    return send;
  }
}
