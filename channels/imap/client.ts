import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { ImapSettings } from './imap-url';

/** An imapflow client for the mailbox: timeouts on every step, certificate checks on, no logs unless tracing. */
export function imapClient(s: ImapSettings, logger: Logger): ImapFlow {
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
