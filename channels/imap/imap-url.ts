import { z } from 'zod';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
  /** The mailbox's own address when the login is one (it usually is). */
  address: string | null;
  /** Names this mailbox in the cursor table: one cursor per server, account and folder. */
  key: string;
}

const imapUrl = z
  .string()
  .url()
  .refine((v) => /^imaps?:\/\//.test(v), 'must start with imap:// or imaps://');

/** IMAP_URL (imap://user:pass@host:port/INBOX) → connection settings; imaps:// means TLS on 993. */
export function parseImapUrl(raw: string): ImapSettings {
  const u = new URL(imapUrl.parse(raw));
  const secure = u.protocol === 'imaps:';
  const user = decodeURIComponent(u.username);
  if (!user) throw new Error('IMAP_URL names no user');
  const mailbox = decodeURIComponent(u.pathname.replace(/^\/+/, '')) || 'INBOX';
  const port = u.port ? Number(u.port) : secure ? 993 : 143;
  return {
    host: u.hostname,
    port,
    secure,
    user,
    pass: decodeURIComponent(u.password),
    mailbox,
    address: /^[^@\s]+@[^@\s]+$/.test(user) ? user.toLowerCase() : null,
    key: `${user.toLowerCase()}@${u.hostname}:${port}/${mailbox}`.slice(0, 191),
  };
}
