import { randomBytes } from 'node:crypto';
import type { Kernel } from '../core/kernel';
import { notConfigured, type Feature } from '../core/feature';
import type { Agents } from '../core/realtime/agents';
import type { Register, Department } from '../register/module';
import type { InboundService, ChannelSender } from '../inbound/module';
import type { UserRepository } from '../auth/module';
import { buildFlow } from '../../ivr/flow';
import type { Flow } from '../../ivr/schema';
import type { Speech } from '../../ivr/speech/speech';
import { TwilioVoiceProvider, type VoiceProvider } from '../../channels/twilio-voice/adapter';
import { FakeVoiceProvider } from '../../channels/twilio-voice/fake';
import { simulatorPage } from '../../channels/twilio-voice/simulator/page';
import { captioned } from '../../channels/twilio-voice/simulator/captions';
import { CallRepository } from './calls.repository';
import { VerificationRepository } from './verifications.repository';
import { speechFromConfig } from './speech';
import { CaseStatusService, type CaseStatusLimits } from './case-status.service';
import { CallService } from './calls.service';
import { Handover } from './handover.service';
import { agentCallNotifier } from './call-notifier';
import { handleCallSockets } from './sockets';
import { voiceRouteDocs, voiceStaffRoutes, voiceWebhooks } from './webhooks.routes';

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

export interface VoiceFeature extends Feature {
  provider: VoiceProvider;
  speech: Speech;
  calls: CallService;
  handover: Handover;
  caseStatus: CaseStatusService;
  authToken: string;
}

/** Voice without Twilio credentials outside demo mode: every call to Twilio fails, saying what to set. */
class NotConfiguredVoice implements VoiceProvider {
  readonly simulated = false;
  private readonly reason = notConfigured('Voice', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']).errorMessage;
  async redirect(): Promise<void> {
    throw new Error(this.reason);
  }
  async sendSms(): Promise<{ sid: string }> {
    throw new Error(this.reason);
  }
}

/** The voice menu, calls routed to departments, screen pops on answer and on transfer, case status read aloud. */
export function createVoice(
  kernel: Kernel,
  deps: { register: Register; inbound: InboundService; users: UserRepository; agents: Agents; sms?: ChannelSender },
  opts: VoiceChannelOptions = {},
): VoiceFeature {
  const { config, db, logger, clock, audit } = kernel;
  const { register } = deps;
  const provider =
    opts.provider ??
    (config.twilio ? TwilioVoiceProvider.fromConfig(config.twilio) : config.simulateProviders ? new FakeVoiceProvider() : new NotConfiguredVoice());
  // The simulation token is public so the demo's call simulator can sign; anywhere else without
  // Twilio credentials nobody may sign, so a random token makes every voice webhook a 403.
  const authToken = config.twilio?.authToken ?? (config.simulateProviders ? SIMULATION_AUTH_TOKEN : randomBytes(24).toString('hex'));
  // The simulator page signs with the public simulation token, so it exists only where that token
  // is the one in use: demo mode (never production) without Twilio credentials.
  const simulatorOn = !config.twilio && config.simulateProviders;
  const chosenSpeech =
    opts.speech ??
    speechFromConfig({
      googleCredentials: config.googleCredentials,
      publicBaseUrl: config.publicBaseUrl,
      authToken: config.twilio?.authToken,
      cacheDir: opts.speechCacheDir,
      logger,
    });
  const captions = simulatorOn ? captioned(chosenSpeech) : null;
  const speech = captions?.speech ?? chosenSpeech;
  const notifier = agentCallNotifier(deps.agents);
  const calls = new CallService({
    db,
    calls: new CallRepository({ db, clock }),
    contacts: register.contacts,
    departments: register.departments,
    inquiries: register.inquiries,
    messages: register.messages,
    inbound: deps.inbound,
    clock,
    logger,
    defaultCountry: config.defaultCountry,
    notifier,
  });
  const handover = new Handover({
    calls,
    users: deps.users,
    contacts: register.contactService,
    audit,
    provider,
    publicBaseUrl: config.publicBaseUrl,
    notifier,
  });
  const caseStatus = new CaseStatusService({
    verifications: new VerificationRepository({ db }),
    rateLimits: kernel.rateLimits,
    cases: register.cases,
    contacts: register.contacts,
    audit,
    provider,
    sms: deps.sms,
    clock,
    logger,
    defaultCountry: config.defaultCountry,
    limits: opts.caseStatusLimits,
  });
  handleCallSockets(deps.agents, { calls, handover, logger });

  // The flow is rebuilt only when the department list (cached by its repository) changes.
  let built: { from: Department[]; flow: Flow; hours: Record<string, unknown> } | null = null;
  const menu = async () => {
    const departments = await register.departments.list();
    if (built?.from !== departments) {
      built = { from: departments, flow: buildFlow(departments), hours: Object.fromEntries(departments.map((d) => [d.code, d.openingHours])) };
    }
    return built;
  };

  return {
    channels: { phone: provider.simulated ? 'simulated' : provider instanceof NotConfiguredVoice ? 'not_configured' : 'live' },
    provider,
    calls,
    handover,
    caseStatus,
    authToken,
    speech,
    routes: {
      webhooks: voiceWebhooks({ authToken, publicBaseUrl: config.publicBaseUrl, menu, speech, calls, handover, caseStatus, clock, logger }),
      api: voiceStaffRoutes({ handover, caseStatus, audit }),
      public: captions ? simulatorPage({ publicBaseUrl: config.publicBaseUrl, authToken, caption: captions.caption, logger }) : undefined,
      docs: voiceRouteDocs({ audio: Boolean(speech.audio), simulator: Boolean(captions) }),
    },
    // Codes are sent after the caller was answered; the database must outlive the last of them.
    background: [{ name: 'case-status codes', start: () => undefined, stop: () => caseStatus.idle() }],
  };
}
