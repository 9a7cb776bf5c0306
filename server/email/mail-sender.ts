import { randomBytes } from 'node:crypto';
import type { Inquiry, DepartmentRepository, InquiryRepository } from '../register/module';
import type { MailRepository } from './mail.repository';
import type { ChannelSender, OutboundMessage, SendResult } from '../inbound/contract';
import { newMessageId, normaliseMessageId } from '../../channels/mail-format/message-id';
import { replySubject } from '../../channels/mail-format/case-tag';
import type { MailTransport } from '../../channels/smtp/transport';

export interface MailSenderDeps {
  transport: MailTransport;
  mail: MailRepository;
  inquiries: InquiryRepository;
  departments: DepartmentRepository;
  /** Last resort From when neither the department nor the inquiry has an address. */
  defaultFrom: string;
}

/**
 * Sends a reply or receipt as e-mail: from the department's address (or the one the citizen wrote
 * to), with a Message-ID we keep as the message's external id, In-Reply-To and References naming
 * the thread, and the inquiry tag in the subject, so the citizen's answer threads back.
 */
export class MailSender implements ChannelSender {
  constructor(private readonly deps: MailSenderDeps) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    // Without a transport the reply fails visibly with the reason, never reads as sent.
    const missing = this.deps.transport.notConfigured;
    if (missing) return { externalId: null, status: 'failed', detail: { ...missing } };
    const inquiry = m.inquiryId ? await this.deps.inquiries.byId(m.inquiryId) : null;
    const from = await this.fromAddress(inquiry, m.from);
    const thread = (m.inquiryId ? await this.deps.mail.mailIdsOf(m.inquiryId) : []).filter((t) => !t.id.startsWith('sha256:'));
    const answering = [...thread].reverse().find((t) => t.direction === 'in') ?? thread[thread.length - 1];
    const messageId = newMessageId(m.messageId, from, randomBytes(6).toString('hex'));
    const subject = m.meta?.subjectAsIs && m.subject ? m.subject : replySubject(m.subject ?? inquiry?.subject, m.inquiryId);
    const headers: Record<string, string> = {};
    if (m.meta?.autoSubmitted) headers['Auto-Submitted'] = String(m.meta.autoSubmitted);

    const info = await this.deps.transport.sendMail({
      from,
      to: m.to,
      subject,
      text: m.body,
      messageId,
      ...(answering ? { inReplyTo: `<${answering.id}>`, references: thread.slice(-20).map((t) => `<${t.id}>`) } : {}),
      headers,
    });
    // A server that takes the mail but refuses its only recipient has refused the mail.
    if (info.rejected.length && !info.accepted.length) throw new Error(`Refused by the mail server: ${info.response}`);
    return {
      externalId: normaliseMessageId(messageId)!,
      status: 'sent',
      from,
      meta: { smtpResponse: info.response.slice(0, 300), from, ...(this.deps.transport.simulated ? { simulated: true } : {}) },
    };
  }

  /** The citizen's address only if it belongs to the inquiry's department; else the department's own. */
  private async fromAddress(inquiry: Inquiry | null, wroteTo: string | null): Promise<string> {
    if (!inquiry) return wroteTo ?? this.deps.defaultFrom;
    const own = (await this.deps.departments.addresses()).filter((a) => a.channel === 'email' && a.departmentId === inquiry.departmentId);
    const hint = wroteTo?.toLowerCase();
    if (hint && own.some((a) => a.address.toLowerCase() === hint)) return hint;
    const department = await this.deps.departments.byId(inquiry.departmentId);
    return (own.find((a) => a.isDefault) ?? own[0])?.address ?? department?.email ?? wroteTo ?? this.deps.defaultFrom;
  }
}
