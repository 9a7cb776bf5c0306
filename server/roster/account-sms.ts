import type { Database } from '../core/db/database';
import type { ContactRepository, DepartmentRepository, InquiryRepository, MessageRepository } from '../register/module';
import type { SmsFeature } from '../sms/module';
import { toSummary } from '../core/summary';

/*
 * An account SMS (welcome, new password): the register keeps the text with the password masked,
 * the provider gets the real text, and the status is tracked like any SMS. The real text lives only
 * in this call's memory: it is never written, logged or journaled (the journal files the stored,
 * masked message).
 */

export const PASSWORD_MASK = '********';

/** `{{name}}`, `{{account}}` and `{{password}}` filled in; values are used as given (a password may hold any character). */
export function fillAccountText(template: string, values: { name: string; account?: string; password: string }): string {
  return template.replace(/\{\{\s*(name|account|password)\s*\}\}/g, (_m, f: 'name' | 'account' | 'password') => values[f] ?? '');
}

export interface AccountSmsDeps {
  db: Database;
  messages: MessageRepository;
  inquiries: InquiryRepository;
  contacts: ContactRepository;
  departments: DepartmentRepository;
  outbound: SmsFeature['outbound'];
  clock: () => Date;
}

export class AccountSms {
  constructor(private readonly deps: AccountSmsDeps) {}

  /** The unit's own number, else the default sender number; null when there is none. */
  async senderOf(departmentId: number): Promise<string | null> {
    const numbers = (await this.deps.departments.addresses()).filter((a) => a.channel === 'sms');
    const own = numbers.filter((a) => a.departmentId === departmentId);
    return (own.find((a) => a.isDefault) ?? own[0] ?? numbers.find((a) => a.isDefault))?.address ?? null;
  }

  /**
   * Stores the masked text as an outbound message (on `inquiryId`, or a new outbound inquiry of the
   * unit) and hands the real text to the provider. Answers the message's id.
   */
  async send(x: {
    departmentId: number;
    inquiryId: number | null;
    to: string;
    from: string;
    name: string | null;
    text: string;
    masked: string;
    purpose: 'roster-welcome' | 'roster-reset' | 'roster-notice';
    authorId: number | null;
  }): Promise<number> {
    const now = this.deps.clock();
    const messageId = await this.deps.db.transaction(async (m) => {
      let inquiryId = x.inquiryId;
      if (!inquiryId) {
        const { contact } = await this.deps.contacts.findOrCreate({ phone: x.to }, { name: x.name }, m);
        const inquiry = await this.deps.inquiries.insert(
          {
            channel: 'sms',
            direction: 'out',
            state: 'waiting',
            departmentId: x.departmentId,
            assigneeId: null,
            contactId: contact.id,
            caseId: null,
            caseMentioned: false,
            refersToInquiryId: null,
            subject: null,
            summary: toSummary(x.masked),
            channelAddress: x.from,
            citizenAddress: x.to,
            createdAt: now,
            lastActivityAt: now,
            closedAt: null,
          },
          m,
        );
        inquiryId = inquiry.id;
      }
      const { message } = await this.deps.messages.insertOnce(
        {
          inquiryId,
          channel: 'sms',
          direction: 'out',
          kind: 'message',
          body: x.masked,
          bodyHtml: null,
          subject: null,
          fromAddress: x.from,
          toAddress: x.to,
          externalId: null,
          status: 'queued',
          meta: { automatic: x.purpose },
          authorId: x.authorId,
          createdAt: now,
          updatedAt: now,
        },
        m,
      );
      await this.deps.messages.addEvent({ messageId: message.id, status: 'queued', providerStatus: null, at: now, detail: null }, m);
      return message.id;
    });
    await this.deps.outbound.handOver(messageId, x.from, x.to, x.text);
    return messageId;
  }
}
