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
