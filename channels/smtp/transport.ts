import nodemailer, { type Transporter } from 'nodemailer';

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
  /** Set when there is no transport at all (no SMTP_URL outside demo mode): the reason a send fails. */
  readonly notConfigured?: { errorCode: string; errorMessage: string };
  sendMail(mail: MailToSend): Promise<MailSendInfo>;
  close?(): void;
}

/** nodemailer over SMTP_URL; certificate checks stay on. */
export class SmtpTransport implements MailTransport {
  readonly simulated = false;
  private readonly transporter: Transporter;
  constructor(url: string) {
    this.transporter = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  }
  async sendMail(mail: MailToSend): Promise<MailSendInfo> {
    const info = await this.transporter.sendMail({ ...mail, references: mail.references?.join(' ') });
    return { accepted: info.accepted ?? [], rejected: info.rejected ?? [], response: String(info.response ?? '') };
  }
  close() {
    this.transporter.close();
  }
}
