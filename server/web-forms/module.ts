import type { Kernel } from '../core/kernel';
import type { Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { InboundService } from '../inbound/module';
import type { ChannelSender, OutboundMessage, SendResult } from '../inbound/contract';
import { WebFormRepository } from './forms.repository';
import { webFormAdminRoutes, webFormPages } from './routes';
import { WebFormService } from './service';

export type { WebFormRepository } from './forms.repository';

export interface WebFormOptions {
  /** Submissions per client (IPv4 address or IPv6 /64) and window, over all processes (default 10 per 10 minutes). */
  rateLimit?: { max: number; windowMs: number };
  maxFileBytes?: number;
}

/**
 * A reply on a web inquiry goes back the way the citizen can be reached: by e-mail to an address,
 * by SMS to a number (when an SMS channel exists).
 */
class WebReplySender implements ChannelSender {
  constructor(private readonly senders: { email?: ChannelSender; sms?: ChannelSender }) {}
  async send(m: OutboundMessage): Promise<SendResult> {
    const byMail = m.to.includes('@');
    const via = byMail ? this.senders.email : this.senders.sms;
    if (!via) throw new Error(`No channel can reach ${byMail ? 'an e-mail address' : 'a phone number'} on this server`);
    return via.send(m);
  }
}

export interface WebFormsFeature extends Feature {
  sender: ChannelSender;
  forms: WebFormRepository;
}

/** Public web forms: published by admins, filled in by citizens, each submission an inquiry. */
export function createWebForms(
  kernel: Kernel,
  deps: { register: Register; inbound: InboundService; senders: { email?: ChannelSender; sms?: ChannelSender } },
  opts: WebFormOptions = {},
): WebFormsFeature {
  const { db, clock } = kernel;
  const logger = kernel.logger.child({ channel: 'web' });
  const maxFileBytes = opts.maxFileBytes ?? 10 * 1024 * 1024;
  const forms = new WebFormRepository({ db, clock });
  const service = new WebFormService({
    forms,
    departments: deps.register.departments,
    inbound: deps.inbound,
    attachments: deps.register.attachments,
    automatic: deps.register.automaticMessages,
    senders: deps.senders,
    maxFileBytes,
    logger,
    clock,
  });
  const { max, windowMs } = opts.rateLimit ?? { max: 10, windowMs: 10 * 60_000 };
  return {
    channels: { web: 'live' },
    sender: new WebReplySender(deps.senders),
    forms,
    routes: {
      api: webFormAdminRoutes({ service }),
      public: webFormPages({
        service,
        limiter: kernel.rateLimits.limiter('web-form-client', { points: max, durationSec: Math.max(1, Math.ceil(windowMs / 1000)) }),
        limits: { maxFileBytes, maxFieldBytes: 20_000, maxFiles: 5, maxBodyBytes: 200_000 },
        logger,
      }),
    },
  };
}
export { formBody, type FormInput } from './definition';
