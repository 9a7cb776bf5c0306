import { randomBytes } from 'node:crypto';
import type { Kernel } from '../core/kernel';
import { notConfigured, repeating, type Feature } from '../core/feature';
import { RATE_LIMIT_PRUNE_EVERY_MS } from '../core/rate-limits';
import type { Register } from '../register/module';
import type { InboundService } from '../inbound/module';
import { SmsGroupRepository } from './groups.repository';
import { SmsSendRepository } from './sends.repository';
import { StopListRepository } from './stop-list.repository';
import { SmsInboundService } from './inbound.service';
import { SmsOutboundService } from './outbound.service';
import { SmsGroupService } from './groups.service';
import { smsRoutes, smsSendRouteDocs } from './sends.routes';
import { smsSendControlRouteDocs, smsSendRoutes } from './send-control.routes';
import { countryOf, SmsSendService } from './sends.service';
import { SEND_QUEUE, SmsSendJobs } from './send-jobs';
import { SmsViewService } from './views.service';
import { SmsViewRepository } from './views.repository';
import { smsViewRouteDocs, smsViewRoutes } from './views.routes';
import { SmsPolicy, type VolumeRule } from './policy.service';
import { SmsPolicyRepository } from './policy.repository';
import { SmsLimits, type SmsLimitRules } from './limits.service';
import { SmsLimitRepository } from './limits.repository';
import { SmsSendControl } from './send-control.service';
import { Router } from 'express';
import { TwilioSmsAdapter, type SmsProvider } from '../../channels/twilio-sms/adapter';
import { createTwilioClient } from '../../channels/twilio/client';
import { SIMULATED_ACCOUNT_SID, FakeTwilioSms, type SimulatorOptions } from '../../channels/twilio-sms/fake';
import { STATUS_PATH, smsWebhookDocs, smsWebhooks } from './webhooks.routes';
import { bilingual } from '../core/texts';
import { AudienceSources } from './audience';
import { BroadcastRepository } from './broadcast.repository';
import { BroadcastService, DEFAULT_SEGMENT_PRICE, type BroadcastOptions } from './broadcast.service';
import { smsReportRouteDocs, smsReportRoutes } from './reports.routes';
import { SmsReportService } from './reports.service';
import { SmsReportRepository } from './reports.repository';
import { SERIES_QUEUE, SmsSeriesService } from './series.service';
import { SmsSeriesRepository } from './series.repository';
import { smsSeriesRouteDocs, smsSeriesRoutes } from './series.routes';

export type { AudienceKind, AudienceMember, AudienceSource, SubscribersAudience } from './audience';
export type { SmsReceived } from './inbound.service';
export type { SmsSend } from './sends.entities';

/** Answer to HELP/HJELP, in both languages the keywords come in. */
export const DEFAULT_HELP_TEXT = bilingual((t) => t.smsHelp);

export interface SmsChannelOptions {
  helpText?: string;
  /** How often messages without a delivery report are checked for the 72-hour limit. */
  sweepEveryMs?: number;
  simulator?: Partial<Pick<SimulatorOptions, 'random' | 'delaysMs' | 'callbackOrigin'>>;
  /** When a send's volume needs approval; default more than 5× the sender's daily average and over 500. */
  volume?: VolumeRule;
  /** Country allow-list aside: daily caps and the batch size a user without TOTP may send without approval. */
  limits?: Partial<SmsLimitRules>;
  /** Sends to audiences: price per segment for the preview, dispatch concurrency, batch, lease, default rate. */
  broadcast?: BroadcastOptions;
}

/**
 * The SMS channel: Twilio through its SDK when credentials are set (at TWILIO_API_URL if given),
 * otherwise in demo mode the in-process simulator, signed with a token made up at start, and
 * outside it not configured. Officers' sends,
 * groups, approval and pause, delivery views and the STOP list live here too.
 */
export interface SmsFeature extends Feature {
  sender: SmsOutboundService;
  outbound: SmsOutboundService;
  inboundSms: SmsInboundService;
  sends: SmsSendService;
  /** The send job and the holding states it shares with cancel, approval and pause. */
  sendJobs: SmsSendJobs;
  stopList: StopListRepository;
  simulator: FakeTwilioSms | null;
  /** Where the root registers the sources of audiences (resident alerts' subscribers; later rosters). */
  audiences: AudienceSources;
  broadcast: BroadcastService;
  /** Recurring sends to an audience. */
  series: SmsSeriesService;
}

export function createSms(kernel: Kernel, deps: { register: Register; inbound: InboundService }, opts: SmsChannelOptions = {}): SmsFeature {
  const { config, logger, clock, db, audit, jobs } = kernel;
  const { register } = deps;
  let simulator: FakeTwilioSms | null = null;
  let authToken: string;
  let provider: SmsProvider;
  if (config.twilio) {
    authToken = config.twilio.authToken;
    provider = new TwilioSmsAdapter({ client: createTwilioClient(config.twilio) });
  } else if (config.simulateProviders) {
    authToken = randomBytes(16).toString('hex');
    simulator = new FakeTwilioSms({ authToken, logger, ...opts.simulator });
    provider = new TwilioSmsAdapter({ client: createTwilioClient({ accountSid: SIMULATED_ACCOUNT_SID, authToken }, simulator) });
  } else {
    // Not configured: a send fails at once with the reason, so nobody reads "delivered" for an
    // alert that never left. A token nobody knows turns every SMS webhook away.
    authToken = randomBytes(16).toString('hex');
    const reason = notConfigured('SMS', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
    provider = {
      send: async () => ({
        externalId: null,
        status: 'failed',
        providerStatus: null,
        error: { code: reason.errorCode, message: reason.errorMessage },
        numSegments: null,
      }),
    };
  }

  const stopList = new StopListRepository({ db });
  const sendRepo = new SmsSendRepository({ db, clock });
  const policyRepo = new SmsPolicyRepository({ db });
  const limits = new SmsLimits({ db, limits: new SmsLimitRepository({ db }), audit, clock, rules: opts.limits });
  const policy = new SmsPolicy({ db, policy: policyRepo, sends: sendRepo, audit, clock, volume: opts.volume, limits });
  const outbound = new SmsOutboundService({
    db,
    messages: register.messages,
    inquiries: register.inquiries,
    contacts: register.contacts,
    departments: register.departments,
    stopList,
    audit,
    provider,
    statusCallbackUrl: config.publicBaseUrl + STATUS_PATH,
    defaultCountry: config.defaultCountry,
    clock,
    events: register.events,
    limits,
    annotate: async (messageId, to) => sendRepo.ensureInfo({ messageId, sendId: null, country: countryOf(to), operator: await policy.operatorOf(to) }),
  });
  const helpText = opts.helpText ?? DEFAULT_HELP_TEXT;
  const inboundSms = new SmsInboundService({
    db,
    inbound: deps.inbound,
    stopList,
    defaultCountry: config.defaultCountry,
    answerHelp: (inquiryId, citizen, ourNumber) =>
      outbound.answerOnInquiry(inquiryId, citizen, ourNumber, helpText).catch((err) => logger.error({ err, inquiryId }, 'HELP answer failed')),
  });

  const audiences = new AudienceSources();
  const broadcasts = new BroadcastRepository({ db });
  const broadcast = new BroadcastService({
    db,
    sends: sendRepo,
    broadcasts,
    inquiries: register.inquiries,
    messages: register.messages,
    audit,
    stopList,
    provider,
    gate: policy,
    audiences,
    events: register.events,
    statusCallbackUrl: config.publicBaseUrl + STATUS_PATH,
    clock,
    stopping: () => jobs.stopping,
    options: opts.broadcast,
  });
  const sendJobs = new SmsSendJobs({
    db,
    messages: register.messages,
    sends: sendRepo,
    outbound,
    jobs,
    gate: policy,
    broadcast,
    broadcasts,
    clock,
    timeZone: config.timeZone,
    quietHours: config.quietHours,
  });
  const sends = new SmsSendService({
    db,
    messages: register.messages,
    inquiries: register.inquiries,
    contacts: register.contacts,
    audit,
    sends: sendRepo,
    outbound,
    jobs: sendJobs,
    gate: policy,
    broadcast,
    broadcasts,
    defaultCountry: config.defaultCountry,
    clock,
  });
  const series = new SmsSeriesService({
    db,
    series: new SmsSeriesRepository({ db }),
    sends: sendRepo,
    service: sends,
    sendJobs,
    outbound,
    broadcast,
    jobs,
    audit,
    clock,
    timeZone: config.timeZone,
  });
  jobs.handle<{ seriesId: number; at: number }>(SERIES_QUEUE, { run: (data) => series.run(Number(data.seriesId), new Date(Number(data.at))) });
  const control = new SmsSendControl({ db, sends: sendRepo, policy: policyRepo, service: sends, sendJobs, jobs, audit, clock });
  jobs.handle<{ sendId: number }>(SEND_QUEUE, { run: (data, ctx) => sendJobs.run(Number(data.sendId), ctx.key) });
  const api = Router();
  // Views first: GET /sms/messages.csv and /sms/messages/:id sit beside POST /sms/messages.
  api.use(
    smsViewRoutes({
      views: new SmsViewService({
        db,
        views: new SmsViewRepository({ db }),
        messages: register.messages,
        inquiries: register.inquiries,
        audit,
        timeZone: config.timeZone,
      }),
    }),
  );
  api.use(
    smsRoutes({
      sms: outbound,
      sends,
      broadcast,
      series,
      groups: new SmsGroupService({
        db,
        groups: new SmsGroupRepository({ db }),
        departments: register.departments,
        defaultCountry: config.defaultCountry,
        clock,
      }),
    }),
  );
  api.use(smsSendRoutes({ control, policy, limits }));
  const reportPrice = opts.broadcast?.segmentPrice ?? DEFAULT_SEGMENT_PRICE;
  const reportDeps = { sends: sendRepo, departments: register.departments, audit, price: reportPrice };
  api.use(smsReportRoutes({ reports: new SmsReportService({ reports: new SmsReportRepository({ db }), ...reportDeps }) }));
  api.use(smsSeriesRoutes({ series }));

  return {
    channels: { sms: config.twilio ? 'live' : simulator ? 'simulated' : 'not_configured' },
    routes: {
      webhooks: smsWebhooks({ authToken, publicBaseUrl: config.publicBaseUrl, inbound: inboundSms, status: register.messageStatus, clock, logger }),
      api,
      docs: [...smsWebhookDocs, ...smsSendRouteDocs, ...smsSendControlRouteDocs, ...smsViewRouteDocs, ...smsReportRouteDocs, ...smsSeriesRouteDocs],
    },
    background: [
      // The daily caps' counters of past days, on the rate-limit store's pruning schedule.
      repeating('prune-sms-daily-counts', RATE_LIMIT_PRUNE_EVERY_MS, () => limits.prune(), logger, { runAtStart: true }),
      repeating('delivery report sweep', opts.sweepEveryMs ?? 3600_000, () => register.messageStatus.markUnreported(), logger),
      // Jobs lost with a Redis flush or never written before a crash: the database says what is due.
      { name: 'scheduled sends recovery', start: () => sendJobs.recover(), stop: () => undefined },
      { name: 'recurring sends recovery', start: () => series.recover(), stop: () => undefined },
      { name: 'SMS simulator', start: () => undefined, stop: () => simulator?.stop() },
    ],
    sender: outbound,
    outbound,
    inboundSms,
    sends,
    sendJobs,
    stopList,
    simulator,
    audiences,
    broadcast,
    series,
  };
}
