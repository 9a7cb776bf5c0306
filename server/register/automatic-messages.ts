import type { Logger } from 'pino';
import type { ChannelSender } from '../inbound/contract';
import type { Database } from '../core/db/database';
import type { Inquiry, Message } from './entities';
import type { Channel } from '../contracts/names';
import type { MessageRepository } from './messages.repository';
import type { RegisterEvents } from './events';
import { replaceableBy } from './message-status.service';

export interface AutomaticMessageInput {
  inquiry: Inquiry;
  /** The channel the message goes out on (a web form's receipt goes by e-mail or SMS). */
  channel: Channel;
  sender: ChannelSender;
  to: string;
  from: string | null;
  subject: string | null;
  body: string;
  purpose: 'receipt';
}

/**
 * Messages the system sends by itself (receipts). Like an agent's reply they are stored first as
 * queued and then handed to the channel, so a failure shows on the timeline; they carry
 * `autoSubmitted` so the channel marks them (Auto-Submitted: auto-replied on e-mail).
 */
export class AutomaticMessages {
  constructor(private readonly deps: { db: Database; messages: MessageRepository; events: RegisterEvents; clock: () => Date; logger: Logger }) {}

  async send(input: AutomaticMessageInput): Promise<Message> {
    const now = this.deps.clock();
    const meta = { automatic: input.purpose };
    const { message } = await this.deps.db.transaction(async (m) => {
      const r = await this.deps.messages.insertOnce(
        {
          inquiryId: input.inquiry.id,
          channel: input.channel,
          direction: 'out',
          kind: 'message',
          body: input.body,
          bodyHtml: null,
          subject: input.subject,
          fromAddress: input.from,
          toAddress: input.to,
          externalId: null,
          status: 'queued',
          meta,
          authorId: null,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.messages.addEvent({ messageId: r.message.id, status: 'queued', providerStatus: null, at: now, detail: null }, m);
      return r;
    });
    try {
      const sent = await input.sender.send({
        messageId: message.id,
        inquiryId: input.inquiry.id,
        to: input.to,
        from: input.from,
        body: input.body,
        subject: input.subject,
        // purpose: the channel limits automatic messages (an SMS receipt can be made to go anywhere).
        meta: { autoSubmitted: 'auto-replied', subjectAsIs: true, purpose: input.purpose },
      });
      const status = await this.deps.db.transaction(async (m) => {
        await this.deps.messages.update(
          message.id,
          { externalId: sent.externalId, fromAddress: sent.from ?? input.from, meta: { ...meta, ...(sent.meta ?? {}) } },
          m,
        );
        // As for an agent's reply: a delivery report that overtook the hand-over is not undone.
        const moved = await this.deps.messages.advanceStatus(message.id, sent.status, replaceableBy(sent.status), m);
        const detail = sent.detail && Object.keys(sent.detail).length ? sent.detail : null;
        await this.deps.messages.addEvent(
          { messageId: message.id, status: sent.status, providerStatus: sent.providerStatus ?? null, at: this.deps.clock(), detail },
          m,
        );
        return moved ? sent.status : ((await this.deps.messages.byId(message.id, m))?.status ?? sent.status);
      });
      Object.assign(message, { externalId: sent.externalId, status, fromAddress: sent.from ?? input.from });
    } catch (e) {
      const reason = (e as Error).message?.slice(0, 500) ?? 'send failed';
      this.deps.logger.warn({ messageId: message.id, inquiryId: input.inquiry.id, err: reason }, 'automatic message failed');
      await this.deps.db.transaction(async (m) => {
        await this.deps.messages.update(message.id, { status: 'failed', meta: { ...meta, error: reason } }, m);
        await this.deps.messages.addEvent(
          { messageId: message.id, status: 'failed', providerStatus: null, at: this.deps.clock(), detail: { error: reason } },
          m,
        );
      });
      message.status = 'failed';
    }
    // The journaling hook: records keeping listens here for every message, outbound included.
    this.deps.events.emit('message:recorded', { inquiry: input.inquiry, message, channel: input.channel });
    return message;
  }
}
