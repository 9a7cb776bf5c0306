import type { Logger } from 'pino';
import type { MailSendInfo, MailToSend, MailTransport } from './transport';

export interface SimulatedMail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
  inReplyTo?: string;
  references?: string[];
  at: Date;
}

/**
 * What stands in for SMTP when SMTP_URL is not set: it records what would have gone out, in
 * memory only (the newest 1,000), and logs ids, never bodies or addresses, as citizen data must
 * not reach logs.
 */
export class FakeMailTransport implements MailTransport {
  readonly simulated = true;
  readonly outbox: SimulatedMail[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async sendMail(mail: MailToSend): Promise<MailSendInfo> {
    this.outbox.push({ ...mail, headers: mail.headers ?? {}, at: this.clock() });
    if (this.outbox.length > 1000) this.outbox.shift();
    this.logger.info({ messageId: mail.messageId, simulated: true }, 'SIMULATED e-mail recorded, not sent (no SMTP_URL)');
    return { accepted: [mail.to], rejected: [], response: '250 simulated: recorded in memory, not sent' };
  }
}
