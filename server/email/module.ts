import { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { CoreGraph } from '../index';
import { AutomaticMessages } from '../register/automatic-messages';
import { MailRepository } from './mail.repository';
import type { ChannelModule } from '../inbound/contract';
import { parseImapUrl, type ImapSettings } from '../../channels/imap/imap-url';
import { DEFAULT_ATTACHMENT_LIMITS, MailIngest, type AttachmentLimits } from './ingest.service';
import { attachmentRoutes } from './attachments.routes';
import { MailSender } from './mail-sender';
import type { MailSendInfo, MailToSend, MailTransport } from '../../channels/smtp/transport';
import { FakeMailTransport } from '../../channels/smtp/fake';
import { ImapWatcher, type WatcherDeps } from '../../channels/imap/watcher';

export interface EmailChannelOptions {
  /** Send an automatic receipt when a mail opens an inquiry (default on). */
  receipts?: boolean;
  attachmentLimits?: AttachmentLimits;
  watcher?: Partial<Pick<WatcherDeps, 'backoff' | 'pollMs' | 'batchSize' | 'maxAttempts'>>;
}

export interface EmailChannel extends ChannelModule {
  channel: 'email';
  sender: MailSender;
  transport: MailTransport;
  ingest: MailIngest;
  /** Null when IMAP_URL is not set: inbound mail is off. */
  watcher: ImapWatcher | null;
  imap: ImapSettings | null;
}

/** nodemailer over SMTP_URL; certificate checks stay on. */
class SmtpTransport implements MailTransport {
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

function imapClient(s: ImapSettings, logger: Logger): ImapFlow {
  return new ImapFlow({
    host: s.host,
    port: s.port,
    secure: s.secure,
    auth: { user: s.user, pass: s.pass },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    maxIdleTime: 4 * 60_000,
    // IDLE soon after each sync, so new mail is seen within moments rather than after imapflow's default 15 s.
    autoIdleDelay: 500,
    clientInfo: { name: 'Servicetorg' },
    ...(logger.isLevelEnabled('trace') ? { logger: logger.child({ component: 'imapflow' }) as never } : {}),
  });
}

/** The e-mail channel from config: IMAP_URL enables the watcher, SMTP_URL the real transport. */
export function emailChannel(core: CoreGraph, opts: EmailChannelOptions = {}): EmailChannel {
  const { config, repos, db, events, clock } = core;
  const logger = core.logger.child({ channel: 'email' });
  const mail = new MailRepository({ db, clock });
  const imap = config.imapUrl ? parseImapUrl(config.imapUrl) : null;
  const transport: MailTransport = config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new FakeMailTransport(logger, clock);
  const defaultFrom = imap?.address ?? `servicetorg@${new URL(config.publicBaseUrl).hostname}`;
  const sender = new MailSender({ transport, mail, inquiries: repos.inquiries, departments: repos.departments, defaultFrom });

  const ownAddresses = async () => {
    const set = new Set<string>();
    for (const a of await repos.departments.addresses()) if (a.channel === 'email') set.add(a.address.toLowerCase());
    for (const d of await repos.departments.list()) if (d.email) set.add(d.email.toLowerCase());
    if (imap?.address) set.add(imap.address);
    return set;
  };
  const ingest = new MailIngest({
    inbound: core.inbound,
    mail,
    messages: repos.messages,
    messageStatus: core.messageStatus,
    inquiries: repos.inquiries,
    automatic: new AutomaticMessages({ db, messages: repos.messages, events, clock, logger }),
    ownAddresses,
    mailboxAddress: imap?.address ?? null,
    sender,
    receipts: opts.receipts ?? true,
    limits: opts.attachmentLimits ?? DEFAULT_ATTACHMENT_LIMITS,
    clock,
    logger,
  });
  const watcher = imap
    ? new ImapWatcher({
        connect: () => imapClient(imap, logger),
        mailbox: imap.mailbox,
        cursorKey: imap.key,
        cursors: { get: (k) => mail.cursor(k), save: (k, v, uid) => mail.saveCursor(k, v, uid) },
        handle: ({ source, internalDate }) => ingest.handle(source, internalDate),
        logger,
        ...opts.watcher,
      })
    : null;

  return {
    channel: 'email',
    simulated: transport.simulated,
    sender,
    transport,
    ingest,
    watcher,
    imap,
    router: attachmentRoutes({ auth: core.auth, mail, messages: repos.messages, inquiries: repos.inquiries, audit: repos.audit }),
    async start() {
      if (watcher) watcher.start();
      else logger.info('IMAP_URL is not set: inbound e-mail is off');
    },
    async stop() {
      await watcher?.stop();
      transport.close?.();
    },
  };
}
