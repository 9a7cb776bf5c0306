import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

/** The one thing the sender needs from nodemailer: send a composed mail, tell what the server said. */
export interface MailToSend {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}
export interface MailSendInfo {
  accepted: unknown[];
  rejected: unknown[];
  response: string;
}
export interface MailTransport {
  readonly simulated: boolean;
  sendMail(mail: MailToSend): Promise<MailSendInfo>;
  close?(): void;
}

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
export class SimulatedMailTransport implements MailTransport {
  readonly simulated = true;
  readonly outbox: SimulatedMail[] = [];

  constructor(private readonly logger: Logger, private readonly clock: () => Date = () => new Date()) {}

  async sendMail(mail: MailToSend): Promise<MailSendInfo> {
    this.outbox.push({ ...mail, headers: mail.headers ?? {}, at: this.clock() });
    if (this.outbox.length > 1000) this.outbox.shift();
    this.logger.info({ messageId: mail.messageId, simulated: true }, 'SIMULATED e-mail recorded, not sent (no SMTP_URL)');
    return { accepted: [mail.to], rejected: [], response: '250 simulated: recorded in memory, not sent' };
  }
}

/** nodemailer over SMTP_URL; certificate checks stay on. */
export class SmtpTransport implements MailTransport {
  readonly simulated = false;
  private readonly t: Transporter;
  constructor(url: string) {
    this.t = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  }
  async sendMail(mail: MailToSend): Promise<MailSendInfo> {
    const info = await this.t.sendMail({ ...mail, references: mail.references?.join(' ') });
    return { accepted: info.accepted ?? [], rejected: info.rejected ?? [], response: String(info.response ?? '') };
  }
  close() {
    this.t.close();
  }
}
