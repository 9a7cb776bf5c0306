import type { Kernel } from '../core/kernel';
import { notConfigured, type Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { InboundService } from '../inbound/module';
import { MailRepository } from './mail.repository';
import { parseImapUrl, type ImapSettings } from '../../channels/imap/imap-url';
import { imapClient } from '../../channels/imap/client';
import { ImapWatcher, type WatcherDeps } from '../../channels/imap/watcher';
import { SmtpTransport, type MailTransport } from '../../channels/smtp/transport';
import { FakeMailTransport } from '../../channels/smtp/fake';
import { DEFAULT_ATTACHMENT_LIMITS, MailIngest, type AttachmentLimits } from './ingest.service';
import { MailSender } from './mail-sender';

export type { MailRepository } from './mail.repository';

export interface EmailChannelOptions {
  /** Send an automatic receipt when a mail opens an inquiry (default on). */
  receipts?: boolean;
  attachmentLimits?: AttachmentLimits;
  /** Watcher tuning; maxMessageBytes caps the size of a mail read (default 25 MB). */
  watcher?: Partial<Pick<WatcherDeps, 'backoff' | 'pollMs' | 'batchSize' | 'maxAttempts' | 'maxMessageBytes'>>;
}

export interface EmailFeature extends Feature {
  sender: MailSender;
  transport: MailTransport;
  ingest: MailIngest;
  /** Attachments of e-mails and web forms, and the mailbox cursor. */
  mail: MailRepository;
  /** Null when IMAP_URL is not set: inbound mail is off. */
  watcher: ImapWatcher | null;
  imap: ImapSettings | null;
}

/** The e-mail channel from config: IMAP_URL enables the watcher, SMTP_URL the real transport (without it: simulated in demo mode, else not configured). */
export function createEmail(kernel: Kernel, deps: { register: Register; inbound: InboundService }, opts: EmailChannelOptions = {}): EmailFeature {
  const { config, db, clock } = kernel;
  const { register } = deps;
  const logger = kernel.logger.child({ channel: 'email' });
  const mail = new MailRepository({ db, clock });
  const imap = config.imapUrl ? parseImapUrl(config.imapUrl) : null;
  const transport: MailTransport = config.smtpUrl
    ? new SmtpTransport(config.smtpUrl)
    : config.simulateProviders
      ? new FakeMailTransport(logger, clock)
      : {
          simulated: false,
          notConfigured: notConfigured('E-mail', ['SMTP_URL']),
          sendMail: () => Promise.reject(new Error('E-mail is not configured: set SMTP_URL')),
        };
  const defaultFrom = imap?.address ?? `servicetorg@${new URL(config.publicBaseUrl).hostname}`;
  const sender = new MailSender({ transport, mail, inquiries: register.inquiries, departments: register.departments, defaultFrom });

  const ownAddresses = async () => {
    const set = new Set<string>();
    for (const a of await register.departments.addresses()) if (a.channel === 'email') set.add(a.address.toLowerCase());
    for (const d of await register.departments.list()) if (d.email) set.add(d.email.toLowerCase());
    if (imap?.address) set.add(imap.address);
    return set;
  };
  const ingest = new MailIngest({
    inbound: deps.inbound,
    mail,
    attachments: register.attachments,
    attachmentPolicy: register.attachmentPolicy,
    messages: register.messages,
    messageStatus: register.messageStatus,
    inquiries: register.inquiries,
    automatic: register.automaticMessages,
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
    channels: { email: transport.notConfigured ? 'not_configured' : transport.simulated ? 'simulated' : 'live' },
    sender,
    transport,
    ingest,
    mail,
    watcher,
    imap,
    background: [
      {
        name: 'IMAP watcher',
        start: () => (watcher ? watcher.start() : logger.info('IMAP_URL is not set: inbound e-mail is off')),
        stop: async () => {
          await watcher?.stop();
          transport.close?.();
        },
      },
    ],
  };
}
