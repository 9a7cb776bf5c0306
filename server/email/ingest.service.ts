import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import {
  checkAttachment,
  MessageEntity,
  type AttachmentPolicy,
  type AutomaticMessages,
  type MessageStatusService,
  type InquiryRepository,
  type AttachmentRepository,
  type MessageRepository,
} from '../register/module';
import { fitsColumn } from '../core/db/columns';
import type { InboundService } from '../inbound/module';
import type { MailRepository } from './mail.repository';
import type { ChannelSender } from '../inbound/contract';
import type { BounceReport } from '../../channels/imap/bounce';
import { parseMail, type MailAttachment } from '../../channels/imap/parse';
import { receiptFor } from './receipt';

export interface AttachmentLimits {
  /** Largest single attachment stored. */
  maxBytes: number;
  /** Largest sum of stored attachments per mail. */
  maxTotalBytes: number;
}
export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxBytes: 10 * 1024 * 1024, maxTotalBytes: 25 * 1024 * 1024 };

export type IngestOutcome =
  | { kind: 'recorded'; inquiryId: number; messageId: number; opened: boolean; duplicate: boolean; receipt: boolean }
  | { kind: 'bounce'; failedMessageIds: number[] }
  | { kind: 'ignored'; reason: string };

export interface MailIngestDeps {
  inbound: InboundService;
  mail: MailRepository;
  attachments: AttachmentRepository;
  /** The file types taken, checked by name and content (the same list as the web forms'). */
  attachmentPolicy: Pick<AttachmentPolicy, 'allowed'>;
  messages: MessageRepository;
  messageStatus: MessageStatusService;
  inquiries: InquiryRepository;
  automatic: AutomaticMessages;
  /** Our own addresses (department mailboxes), lower case. */
  ownAddresses: () => Promise<ReadonlySet<string>>;
  mailboxAddress: string | null;
  sender: ChannelSender;
  /** Send an automatic receipt when a mail opens an inquiry. */
  receipts: boolean;
  limits: AttachmentLimits;
  clock: () => Date;
  logger: Logger;
}

/**
 * One raw mail → the register. Threads by our Message-IDs, then by the inquiry tag, then by a case
 * tag; records through InboundService (idempotent on Message-ID); stores attachments once; marks
 * our outbound message failed when the mail is a bounce; never opens an inquiry for, nor answers,
 * anything automatic.
 */
export class MailIngest {
  constructor(private readonly deps: MailIngestDeps) {}

  async handle(source: Buffer, receivedAt: Date): Promise<IngestOutcome> {
    const mail = await simpleParser(source, { skipImageLinks: true, skipTextLinks: true });
    const parsed = parseMail(mail, {
      receivedAt,
      sourceSha256: createHash('sha256').update(source).digest('hex'),
      ownAddresses: await this.deps.ownAddresses(),
      mailboxAddress: this.deps.mailboxAddress,
    });
    if (!parsed) {
      this.deps.logger.warn({ messageId: mail.messageId }, 'mail without a sender ignored');
      return { kind: 'ignored', reason: 'no sender' };
    }
    if (parsed.kind === 'bounce') return this.bounce(parsed.externalId, parsed.report, receivedAt);

    const { contact } = parsed;
    const citizen = contact.from.email!;
    if ((await this.deps.ownAddresses()).has(citizen)) {
      // One of our own mailboxes writing to another: recording it could loop receipts between them.
      this.deps.logger.warn({ messageId: contact.externalId }, 'mail from one of our own addresses ignored');
      return { kind: 'ignored', reason: 'from our own address' };
    }

    const thread = await this.threadOf(parsed.threadIds, parsed.tags, citizen);
    if (thread) contact.thread = { ...contact.thread, inquiryId: thread.id };
    // An out-of-office or list mail that answers nothing of ours never opens an inquiry; nor does
    // one from another address than the thread's citizen (someone on copy, a forwarder), which
    // InboundService would otherwise record as a stranger's inquiry referring to the thread.
    if (parsed.kind === 'auto-reply' && (!thread || thread.citizenAddress !== citizen.trim().toLowerCase())) {
      this.deps.logger.info({ messageId: contact.externalId, reason: parsed.autoReason }, 'automatic mail outside any thread of its sender ignored');
      return { kind: 'ignored', reason: `automatic: ${parsed.autoReason}` };
    }

    const result = await this.deps.inbound.record(contact);
    await this.storeAttachments(result.message.id, parsed.attachments);

    let receipt = false;
    if (
      this.deps.receipts &&
      parsed.kind === 'message' &&
      !parsed.noAutoResponse &&
      !/^(no-?reply|do-?not-?reply)@/i.test(citizen) &&
      // An address too long to store was left out of the register (inbound/bounds.ts): nothing is sent to it.
      fitsColumn(MessageEntity, 'toAddress', citizen) &&
      (await this.owesReceipt(result))
    ) {
      const r = receiptFor(result.inquiry, contact.subject ?? null);
      await this.deps.automatic.send({
        inquiry: result.inquiry,
        channel: 'email',
        sender: this.deps.sender,
        to: citizen,
        from: contact.to,
        subject: r.subject,
        body: r.body,
        purpose: 'receipt',
      });
      receipt = true;
    }
    return { kind: 'recorded', inquiryId: result.inquiry.id, messageId: result.message.id, opened: result.opened, duplicate: result.duplicate, receipt };
  }

  /**
   * A mail that opened its inquiry gets a receipt. When the mail comes again (we crashed after
   * recording it, before answering) and its inquiry has no automatic answer yet, it is owed still.
   */
  private async owesReceipt(r: { opened: boolean; duplicate: boolean; inquiry: { id: number }; message: { id: number } }): Promise<boolean> {
    if (r.opened) return true;
    if (!r.duplicate) return false;
    const first = await this.deps.messages.firstOf(r.inquiry.id);
    return first?.id === r.message.id && !(await this.deps.mail.hasAutomaticMessage(r.inquiry.id));
  }

  /**
   * The open inquiry this mail names: by a Message-ID we know, our tag, or its case and sender.
   * Whether the sender may write into it is InboundService's decision (it checks the citizen).
   */
  private async threadOf(ids: string[], tags: { inquiryId?: number; caseNumber?: string }, citizen: string) {
    const known = await this.deps.mail.messageByMailIds(ids);
    const candidates = [known?.inquiryId, tags.inquiryId].filter((x): x is number => typeof x === 'number');
    for (const id of candidates) {
      const inquiry = await this.deps.inquiries.byId(id);
      if (inquiry && inquiry.state !== 'closed') return inquiry;
    }
    if (tags.caseNumber) return this.deps.mail.openInquiryOfCase(tags.caseNumber, citizen);
    return null;
  }

  /**
   * Each file once per position: stored (chunked, see AttachmentRepository) or recorded as
   * refused with the reason. A mail delivered again finds its files there.
   */
  private async storeAttachments(messageId: number, list: MailAttachment[]): Promise<void> {
    if (!list.length || (await this.deps.attachments.attachmentCount(messageId)) >= list.length) return;
    const { maxBytes, maxTotalBytes } = this.deps.limits;
    const allowed = await this.deps.attachmentPolicy.allowed();
    let total = 0;
    const now = this.deps.clock();
    for (const [ordinal, a] of list.entries()) {
      const verdict = checkAttachment(a, allowed);
      const base = { messageId, ordinal, filename: verdict.filename, contentType: a.contentType, createdAt: now };
      let reason: string | null = null;
      if (a.size > maxBytes) reason = `larger than the ${mb(maxBytes)} limit (${mb(a.size)})`;
      else if (total + a.size > maxTotalBytes) reason = `the mail's attachments exceed ${mb(maxTotalBytes)} together`;
      else if (!verdict.ok) reason = verdict.reason;
      if (reason || !verdict.ok) {
        const sha256 = createHash('sha256').update(a.content).digest('hex');
        await this.deps.attachments.refuse({ ...base, size: a.size, sha256, reason: reason ?? 'refused' });
        this.deps.logger.warn({ messageId, ordinal, size: a.size, reason }, 'attachment refused');
        continue;
      }
      total += a.size;
      // The type its content showed, not the one the sender's mail program claimed.
      await this.deps.attachments.store({ ...base, contentType: verdict.contentType, content: a.content });
    }
  }

  /** A delivery report marks our outbound message failed with the remote server's reason, once. */
  private async bounce(externalId: string, report: BounceReport, at: Date): Promise<IngestOutcome> {
    const original = await this.deps.mail.messageByMailIds(report.originalMessageIds);
    if (!original || original.direction !== 'out') {
      this.deps.logger.warn({ bounce: externalId }, 'bounce for no message of ours ignored');
      return { kind: 'ignored', reason: 'bounce for an unknown message' };
    }
    if (report.action && report.action !== 'failed') return { kind: 'ignored', reason: `delivery report: ${report.action}` };
    if (original.status !== 'failed') {
      const error = report.diagnostic ?? `bounced (${report.status ?? 'no status'})`;
      await this.deps.messageStatus.apply(original.id, 'failed', report.status, at, { error, recipient: report.recipient, bounce: externalId });
    }
    return { kind: 'bounce', failedMessageIds: [original.id] };
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
