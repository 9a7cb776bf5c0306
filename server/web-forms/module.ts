import type { Kernel } from '../core/kernel';
import { repeating, type Feature } from '../core/feature';
import type { Register } from '../register/module';
import type { InboundService } from '../inbound/module';
import type { ChannelSender, OutboundMessage, SendResult } from '../inbound/contract';
import { WebFormRepository } from './forms.repository';
import os from 'node:os';
import { UploadDir, UploadGate, type UploadLimits } from './multipart';
import { webFormAdminRoutes, webFormPages, webFormRouteDocs } from './routes';
import { WebFormService } from './service';
import { sweepUploads, UPLOAD_SWEEP_EVERY_MS } from './upload-sweep';

export type { WebFormRepository } from './forms.repository';

export interface WebFormOptions {
  /** Submissions per client (IPv4 address or IPv6 /64) and window, over all processes (default 10 per 10 minutes). */
  rateLimit?: { max: number; windowMs: number };
  maxFileBytes?: number;
  /** A whole multipart submission, files and fields (default 25 MB). */
  maxRequestBytes?: number;
  /** Uploads read at once by this process; more get 503 with Retry-After (default 4). */
  maxConcurrentUploads?: number;
  /** Where the private upload folder is made (default: the system's temporary directory, TMPDIR). */
  uploadDir?: string;
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
  /** The private folder uploads stream into while their request lasts. */
  uploads: UploadDir;
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
  const uploads = UploadDir.create(opts.uploadDir ?? os.tmpdir());
  const limits: UploadLimits = {
    maxFileBytes,
    maxRequestBytes: opts.maxRequestBytes ?? 25 * 1024 * 1024,
    maxFieldBytes: 20_000,
    maxFields: 60,
    maxFiles: 5,
  };
  const service = new WebFormService({
    forms,
    departments: deps.register.departments,
    inbound: deps.inbound,
    attachments: deps.register.attachments,
    attachmentPolicy: deps.register.attachmentPolicy,
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
    uploads,
    background: [
      { name: 'web form upload folder', start: () => undefined, stop: () => uploads.remove() },
      // Folders of processes that crashed: their citizens' files must not stay on disk (each web machine's own disk).
      {
        everyProcess: true,
        ...repeating(
          'web form upload sweep',
          UPLOAD_SWEEP_EVERY_MS,
          async () => {
            const removed = await sweepUploads(uploads);
            if (removed.length) logger.info({ removed: removed.length }, 'removed left-over upload files');
          },
          logger,
          { runAtStart: true },
        ),
      },
    ],
    routes: {
      api: webFormAdminRoutes({ service }),
      docs: webFormRouteDocs,
      public: webFormPages({
        service,
        limiter: kernel.rateLimits.limiter('web-form-client', { points: max, durationSec: Math.max(1, Math.ceil(windowMs / 1000)) }),
        limits,
        maxUrlencodedBytes: 200_000,
        uploads,
        gate: new UploadGate(opts.maxConcurrentUploads ?? 4),
        logger,
      }),
    },
  };
}
export { formBody, type FormInput } from './definition';
