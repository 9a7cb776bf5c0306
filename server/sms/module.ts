import { randomBytes } from 'node:crypto';
import type { CoreGraph } from '../index';
import { SmsInboundService } from './inbound.service';
import { SmsOutboundService } from './outbound.service';
import { SmsGroupService } from './groups.service';
import { smsRoutes } from './sends.routes';
import { smsSendRoutes } from './send-control.routes';
import { countryOf, SEND_QUEUE, SmsSendService } from './sends.service';
import { SmsViewService } from './views.service';
import { SmsViewRepository } from './views.repository';
import { smsViewRoutes } from './views.routes';
import { SmsPolicy, type VolumeRule } from './policy.service';
import { SmsPolicyRepository } from './policy.repository';
import { SmsSendControl } from './send-control.service';
import { Router } from 'express';
import type { ChannelModule } from '../inbound/contract';
import { TwilioSmsAdapter, type SmsProvider } from '../../channels/twilio-sms/adapter';
import { createTwilioClient } from '../../channels/twilio/client';
import { SIMULATED_ACCOUNT_SID, SimulatedTwilio, type SimulatorOptions } from '../../channels/twilio-sms/fake';
import { STATUS_PATH, smsWebhooks } from './webhooks.routes';

/** Answer to HELP/HJELP, in both languages the keywords come in. */
export const DEFAULT_HELP_TEXT = 'Du har skrevet til kommunen. Svar STOPP for å ikke få flere meldinger fra dette nummeret, START for å få dem igjen. / Reply STOP to opt out, START to opt back in.';

export interface SmsChannelOptions {
  helpText?: string;
  /** How often messages without a delivery report are checked for the 72-hour limit. */
  sweepEveryMs?: number;
  simulator?: Partial<Pick<SimulatorOptions, 'random' | 'delaysMs' | 'callbackOrigin'>>;
  /** When a send's volume needs approval; default more than 5× the sender's daily average and over 500. */
  volume?: VolumeRule;
}

/**
 * The SMS channel: Twilio through its SDK when credentials are set (at TWILIO_API_URL if given),
 * otherwise the in-process simulator, signed with a token made up at start.
 */
export function smsChannel(core: CoreGraph, opts: SmsChannelOptions = {}): ChannelModule & { outbound: SmsOutboundService; inboundSms: SmsInboundService; sends: SmsSendService; simulator: SimulatedTwilio | null } {
  const { config, logger, clock, db, repos } = core;
  let simulator: SimulatedTwilio | null = null;
  let authToken: string;
  let provider: SmsProvider;
  if (config.twilio) {
    authToken = config.twilio.authToken;
    provider = new TwilioSmsAdapter({ client: createTwilioClient(config.twilio) });
  } else {
    authToken = randomBytes(16).toString('hex');
    simulator = new SimulatedTwilio({ authToken, logger, ...opts.simulator });
    provider = new TwilioSmsAdapter({ client: createTwilioClient({ accountSid: SIMULATED_ACCOUNT_SID, authToken }, simulator) });
  }

  const policyRepo = new SmsPolicyRepository({ db });
  const gate = new SmsPolicy({ db, policy: policyRepo, sends: repos.smsSends, audit: repos.audit, clock, volume: opts.volume });
  const outbound = new SmsOutboundService({
    db,
    messages: repos.messages,
    inquiries: repos.inquiries,
    contacts: repos.contacts,
    departments: repos.departments,
    stopList: repos.stopList,
    audit: repos.audit,
    provider,
    statusCallbackUrl: config.publicBaseUrl + STATUS_PATH,
    defaultCountry: config.defaultCountry,
    clock,
    events: core.events,
    annotate: async (messageId, to) => repos.smsSends.ensureInfo({ messageId, sendId: null, country: countryOf(to), operator: await gate.operatorOf(to) }),
  });
  const helpText = opts.helpText ?? DEFAULT_HELP_TEXT;
  const inboundSms = new SmsInboundService({
    db,
    inbound: core.inbound,
    stopList: repos.stopList,
    defaultCountry: config.defaultCountry,
    answerHelp: (inquiryId, citizen, ourNumber) =>
      outbound.answerOnInquiry(inquiryId, citizen, ourNumber, helpText).catch((err) => logger.error({ err, inquiryId }, 'HELP answer failed')),
  });

  const sends = new SmsSendService({ db, messages: repos.messages, inquiries: repos.inquiries, contacts: repos.contacts, audit: repos.audit, sends: repos.smsSends, outbound, jobs: core.jobs, gate, defaultCountry: config.defaultCountry, clock });
  const control = new SmsSendControl({ db, sends: repos.smsSends, policy: policyRepo, service: sends, jobs: core.jobs, audit: repos.audit, clock });
  core.jobs.handle<{ sendId: number }>(SEND_QUEUE, { run: (data) => sends.run(Number(data.sendId)) });
  const apiRouter = Router();
  // Views first: GET /sms/messages.csv and /sms/messages/:id sit beside POST /sms/messages.
  apiRouter.use(smsViewRoutes({ views: new SmsViewService({ db, views: new SmsViewRepository({ db }), messages: repos.messages, inquiries: repos.inquiries }) }));
  apiRouter.use(smsRoutes({ sms: outbound, sends, groups: new SmsGroupService({ db, groups: repos.smsGroups, departments: repos.departments, defaultCountry: config.defaultCountry, clock }) }));
  apiRouter.use(smsSendRoutes({ control, policy: gate }));

  let sweeper: NodeJS.Timeout | null = null;
  return {
    channel: 'sms',
    simulated: simulator !== null,
    router: smsWebhooks({ authToken, publicBaseUrl: config.publicBaseUrl, inbound: inboundSms, status: core.messageStatus, clock, logger }),
    apiRouter,
    sender: outbound,
    outbound,
    inboundSms,
    sends,
    simulator,
    async start() {
      const sweep = () => core.messageStatus.markUnreported().catch((err) => logger.warn({ err }, 'delivery report sweep failed'));
      sweeper = setInterval(() => void sweep(), opts.sweepEveryMs ?? 3600_000);
      sweeper.unref();
      // Jobs lost with a Redis flush or never written before a crash: the database says what is due.
      await sends.recover();
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      simulator?.stop();
    },
  };
}
