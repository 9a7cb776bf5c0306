import type { SendState, SmsSend } from '../db/entities-sms-sends';
import type { JobQueue } from '../jobs/queue';
import type { AuditRepository } from '../repositories/audit';
import type { SmsSendRepository } from '../repositories/sms-sends';
import type { Actor } from './access';
import { conflict, forbidden, notFound } from './errors';
import { decodeCursor, encodeCursor } from './inquiries';
import { SENDING_ROLES } from './sms-outbound';
import { SEND_QUEUE, type SendView, type SmsSendService } from './sms-sends';

export interface SmsSendControlDeps {
  sends: SmsSendRepository;
  service: SmsSendService;
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
  constructor(private readonly d: SmsSendControlDeps) {}

  async list(actor: Actor, q: { states?: SendState[]; cursor?: string; limit?: number }): Promise<{ items: SendView[]; nextCursor: string | null }> {
    if (!SENDING_ROLES.includes(actor.role)) throw forbidden('Your role may not see SMS sends');
    const limit = q.limit ?? 50;
    const rows = await this.d.sends.list({ states: q.states, departmentIds: actor.role === 'admin' ? undefined : actor.departmentIds, beforeId: q.cursor ? decodeCursor(q.cursor) : undefined, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const counts = await this.d.sends.statusCounts(page.map((s) => s.id));
    return { items: await Promise.all(page.map((s) => this.d.service.view(s, counts.get(s.id) ?? {}))), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async get(actor: Actor, id: number): Promise<SendView & { messages: { id: number; to: string; status: string }[] }> {
    const send = await this.visible(actor, id);
    const messages = await this.d.sends.messagesOf(id);
    return { ...(await this.d.service.view(send)), messages: messages.map((x) => ({ id: x.id, to: x.toAddress, status: x.status })) };
  }

  /** Everything not yet sent becomes stopped (cancelled); a send already under way or done cannot be. */
  async cancel(actor: Actor, id: number, route: string): Promise<SendView> {
    const send = await this.visible(actor, id);
    const ok = await this.d.service.hold(id, CANCELLABLE, 'cancelled', ['scheduled', 'awaiting_approval', 'paused'], { reason: 'cancelled', by: actor.id });
    if (!ok) throw conflict('not_cancellable', `The send is ${(await this.d.sends.byId(id))?.state ?? send.state}; only a send that has not started can be cancelled`);
    await this.d.jobs.remove(SEND_QUEUE, `send-${id}`);
    await this.d.audit.record([{ userId: actor.id, action: 'update', entityType: 'sms_send', entityId: id, route }]);
    return this.d.service.view((await this.d.sends.byId(id))!);
  }

  /** The send if the actor may act on it: admins all, senders their departments'; others get 404. */
  async visible(actor: Actor, id: number): Promise<SmsSend> {
    const send = await this.d.sends.byId(id);
    const allowed = actor.role === 'admin' || (SENDING_ROLES.includes(actor.role) && send && actor.departmentIds.includes(send.departmentId));
    if (!send || !allowed) throw notFound('Send');
    return send;
  }
}
