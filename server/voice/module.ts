import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { ChannelModule } from '../inbound/contract';
import type { CoreGraph } from '../index';
import type { Department } from '../register/departments.entities';
import { CallRepository } from './calls.repository';
import { VerificationRepository } from './verifications.repository';
import type { AgentsNamespace } from '../core/realtime/agents';
import { buildFlow } from '../../ivr/flow';
import type { Flow } from '../../ivr/schema';
import type { Speech } from '../../ivr/speech/speech';
import { speechFromConfig } from './speech';
import { CaseStatusService, type CaseStatusLimits } from './case-status.service';
import { CallService } from './calls.service';
import { Handover } from './handover.service';
import { socketNotifier } from './call-notifier';
import { TwilioVoiceProvider, type VoiceProvider } from '../../channels/twilio-voice/adapter';
import { FakeVoiceProvider } from '../../channels/twilio-voice/fake';
import { attachCallSockets } from './sockets';
import { voiceRoutes } from './webhooks.routes';
import { simulatorPage } from '../../channels/twilio-voice/simulator/page';
import { captioned } from '../../channels/twilio-voice/simulator/captions';

/**
 * The token webhooks are signed with in simulation mode (no Twilio credentials). It is public on
 * purpose: the demo's call simulator signs with it, and nothing real can be reached that way.
 */
export const SIMULATION_AUTH_TOKEN = 'servicetorg-simulation-mode';

export interface VoiceChannelOptions {
  /** Defaults to Twilio's REST API with config.twilio, or the in-memory simulation without it. */
  provider?: VoiceProvider;
  speech?: Speech;
  /** Where synthesised audio is kept (default: the OS temp dir); null keeps it in memory. */
  speechCacheDir?: string | null;
  caseStatusLimits?: Partial<CaseStatusLimits>;
}

export interface VoiceChannel extends ChannelModule {
  provider: VoiceProvider;
  speech: Speech;
  calls: CallService;
  handover: Handover;
  caseStatus: CaseStatusService;
  authToken: string;
}

export function createVoiceChannel(core: CoreGraph, opts: VoiceChannelOptions = {}): VoiceChannel {
  const { config, db, repos, logger, clock } = core;
  const provider = opts.provider ?? (config.twilio ? TwilioVoiceProvider.fromConfig(config.twilio) : new FakeVoiceProvider());
  // The simulation token is public so the demo's call simulator can sign; in production without
  // Twilio credentials nobody may sign, so a random token makes every voice webhook a 403.
  const authToken = config.twilio?.authToken ?? (config.env === 'production' ? randomBytes(24).toString('hex') : SIMULATION_AUTH_TOKEN);
  // The simulator page signs with the public simulation token, so it exists only where that token
  // is the one in use: no Twilio credentials, and never in production.
  const simulatorOn = !config.twilio && config.env !== 'production';
  const chosenSpeech = opts.speech ?? speechFromConfig({ googleCredentials: config.googleCredentials, publicBaseUrl: config.publicBaseUrl, authToken: config.twilio?.authToken, cacheDir: opts.speechCacheDir, logger });
  const captions = simulatorOn ? captioned(chosenSpeech) : null;
  const speech = captions?.speech ?? chosenSpeech;
  const callsRepo = new CallRepository({ db, clock });
  const calls = new CallService({ db, calls: callsRepo, contacts: repos.contacts, departments: repos.departments, inquiries: repos.inquiries, messages: repos.messages, inbound: core.inbound, clock, logger, defaultCountry: config.defaultCountry });
  const handover = new Handover({ calls, users: repos.users, contacts: core.contacts, audit: repos.audit, provider, publicBaseUrl: config.publicBaseUrl });
  const caseStatus = new CaseStatusService({
    verifications: new VerificationRepository({ db }),
    cases: repos.cases,
    contacts: repos.contacts,
    audit: repos.audit,
    provider,
    senders: core.senders,
    clock,
    logger,
    defaultCountry: config.defaultCountry,
    limits: opts.caseStatusLimits,
  });

  // The flow is rebuilt only when the department list (cached by its repository) changes.
  let built: { from: Department[]; flow: Flow; hours: Record<string, unknown> } | null = null;
  const menu = async () => {
    const departments = await repos.departments.list();
    if (built?.from !== departments) {
      built = { from: departments, flow: buildFlow(departments), hours: Object.fromEntries(departments.map((d) => [d.code, d.openingHours])) };
    }
    return built;
  };

  const router = Router();
  router.use(voiceRoutes({ authToken, publicBaseUrl: config.publicBaseUrl, auth: core.auth, audit: repos.audit, menu, speech, calls, handover, caseStatus, clock, logger }));
  if (captions) router.use(simulatorPage({ publicBaseUrl: config.publicBaseUrl, authToken, caption: captions.caption, logger }));

  return {
    channel: 'phone',
    simulated: provider.simulated,
    provider,
    calls,
    handover,
    caseStatus,
    authToken,
    speech,
    router,
    attachRealtime(agents: AgentsNamespace) {
      calls.notifier = socketNotifier(agents);
      attachCallSockets(agents, { calls, handover, logger });
    },
  };
}
