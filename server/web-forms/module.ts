import type { CoreGraph } from '../index';
import type { Channel } from '../contracts/names';
import { AutomaticMessages } from '../register/automatic-messages';
import { MailRepository } from '../email/mail.repository';
import { WebFormRepository } from './forms.repository';
import type { ChannelModule, ChannelSender, OutboundMessage, SendResult } from '../inbound/contract';
import { FixedWindowLimiter } from './rate-limit';
import { webFormRoutes } from './routes';
import { WebFormService } from './service';

export interface WebFormOptions {
  /** Submissions per client IP and window (default 10 per 10 minutes). */
  rateLimit?: { max: number; windowMs: number };
  maxFileBytes?: number;
}

/**
 * A reply on a web inquiry goes back the way the citizen can be reached: by e-mail to an address,
 * by SMS to a number (when an SMS channel exists).
 */
class WebReplySender implements ChannelSender {
  constructor(private readonly senderOf: (c: Channel) => ChannelSender | undefined) {}
  async send(m: OutboundMessage): Promise<SendResult> {
    const via = m.to.includes('@') ? this.senderOf('email') : this.senderOf('sms');
    if (!via) throw new Error(`No channel can reach ${m.to.includes('@') ? 'an e-mail address' : 'a phone number'} on this server`);
    return via.send(m);
  }
}

export function webFormChannel(core: CoreGraph, opts: WebFormOptions = {}): ChannelModule {
  const { db, repos, events, clock } = core;
  // Other channels' senders, filled in by compose() once every channel is built.
  const senderOf = (c: Channel) => core.senders[c];
  const logger = core.logger.child({ channel: 'web' });
  const maxFileBytes = opts.maxFileBytes ?? 10 * 1024 * 1024;
  const service = new WebFormService({
    forms: new WebFormRepository({ db, clock }),
    departments: repos.departments,
    inbound: core.inbound,
    mail: new MailRepository({ db, clock }),
    automatic: new AutomaticMessages({ db, messages: repos.messages, events, clock, logger }),
    senderOf,
    maxFileBytes,
    logger,
    clock,
  });
  const { max, windowMs } = opts.rateLimit ?? { max: 10, windowMs: 10 * 60_000 };
  return {
    channel: 'web',
    simulated: false,
    sender: new WebReplySender(senderOf),
    router: webFormRoutes({
      service,
      auth: core.auth,
      limiter: new FixedWindowLimiter({ max, windowMs }),
      limits: { maxFileBytes, maxFieldBytes: 20_000, maxFiles: 5, maxBodyBytes: 200_000 },
      logger,
    }),
  };
}
