import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
// Static, not import(): jest's CommonJS runtime cannot run dynamic imports, and these are small.
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelModule, ChannelSender } from './inbound/contract';
import { createVoiceChannel, type VoiceChannelOptions } from './voice/module';
import { emailChannel, type EmailChannelOptions } from './email/module';
import { webFormChannel, type WebFormOptions } from './web-forms/module';
import { createApp } from './core/http/app';
import { ConfigError, loadConfigFromEnvironment, type Config } from './core/config';
import { openDatabase, type Database } from './core/db/database';
import type { Channel } from './contracts/names';
import { seedDemoForms } from './demo/forms';
import { seedDemoData } from './demo/seed';
import { AdminService } from './auth/administration.service';
import { AuthService } from './auth/auth.service';
import { CaseService } from './register/cases.service';
import { ContactService } from './register/contacts.service';
import { DomainEvents } from './core/events';
import { InboundService } from './inbound/inbound.service';
import { InquiryService } from './register/inquiries.service';
import { ensureFirstAdmin, ensureSwitchboard } from './register/bootstrap';
import { consoleRouter } from './core/http/console';
import { createLogger } from './core/logger';
import { attachAgents, type AgentsNamespace } from './core/realtime/agents';
import { AuditRepository } from './core/audit.repository';
import { AuthFailureRepository, TokenRepository } from './auth/tokens.repository';
import { CaseRepository } from './register/cases.repository';
import { ContactRepository } from './register/contacts.repository';
import { DepartmentRepository } from './register/departments.repository';
import { InquiryRepository } from './register/inquiries.repository';
import { MessageRepository } from './register/messages.repository';
import { StopListRepository } from './sms/stop-list.repository';
import { SmsGroupRepository } from './sms/groups.repository';
import { MessageStatusService } from './register/message-status.service';
import { smsChannel } from './sms/module';
import { UserRepository } from './auth/users.repository';
import { JobRepository } from './core/jobs/jobs.repository';
import { SmsSendRepository } from './sms/sends.repository';
import { createJobQueue, type JobQueueOptions } from './core/jobs/create-queue';
import type { JobQueue } from './core/jobs/queue';
import { JournalRepository } from './journal/journal.repository';
import { JOURNAL_QUEUE, JournalService } from './journal/journal.service';
import { journalRoutes } from './journal/routes';
import { schema } from '../ormconfig';

export interface ComposeOptions {
  logger?: Logger;
  clock?: () => Date;
  /** Lower scrypt cost for test fixtures only; production keeps the default. */
  passwordCost?: number;
  /** Channels built by the caller (tests inject stand-in-backed ones); default: every channel, live or simulated by config. */
  channels?: (core: CoreGraph) => ChannelModule[];
  /** Options of the voice channel built from config (tests choose its speech engine). */
  voice?: VoiceChannelOptions;
  /** The built console to serve at `/` (default client/dist). */
  consoleDir?: string;
  /** Options of the e-mail channel (receipts, attachment limits, watcher timing). */
  email?: EmailChannelOptions;
  /** Options of the web forms (rate limit, file size). */
  web?: WebFormOptions;
  /** Job queue tuning: tests give each run its own Redis prefix and short retry waits. */
  jobs?: JobQueueOptions;
  /** Archive delivery: runs per post before it is a dead letter; how often missed messages are looked for. */
  journal?: { attempts?: number; reconcileEveryMs?: number };
}

/** Everything below the HTTP layer, built once and handed down as plain objects. */
export interface CoreGraph {
  config: Config;
  logger: Logger;
  clock: () => Date;
  db: Database;
  events: DomainEvents;
  repos: {
    departments: DepartmentRepository;
    users: UserRepository;
    tokens: TokenRepository;
    failures: AuthFailureRepository;
    audit: AuditRepository;
    contacts: ContactRepository;
    cases: CaseRepository;
    inquiries: InquiryRepository;
    messages: MessageRepository;
    stopList: StopListRepository;
    smsGroups: SmsGroupRepository;
    jobs: JobRepository;
    smsSends: SmsSendRepository;
    journal: JournalRepository;
  };
  /** Background work: BullMQ with REDIS_URL, the database-backed queue without. */
  jobs: JobQueue;
  auth: AuthService;
  admin: AdminService;
  cases: CaseService;
  contacts: ContactService;
  inbound: InboundService;
  messageStatus: MessageStatusService;
  /** Outbound senders by channel, filled once the channels are built (channels look them up when sending). */
  senders: Partial<Record<Channel, ChannelSender>>;
  journal: JournalService;
}

export interface Composed extends CoreGraph {
  channels: ChannelModule[];
  inquiries: InquiryService;
  httpServer: http.Server;
  io: SocketServer;
  agents: AgentsNamespace;
  listen(port?: number): Promise<number>;
  close(): Promise<void>;
}

/** The one composition root: config in, a running-ready server out. Nothing below reads process.env. */
export async function compose(config: Config, opts: ComposeOptions = {}): Promise<Composed> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? (() => new Date());
  const db = await openDatabase(config.databaseUrl, schema);
  const events = new DomainEvents((event, err) => logger.error({ err, event }, 'domain event listener failed'));

  const repos = {
    departments: new DepartmentRepository({ db }),
    users: new UserRepository({ db }),
    tokens: new TokenRepository({ db }),
    failures: new AuthFailureRepository({ db }),
    audit: new AuditRepository({ db }),
    contacts: new ContactRepository({ db }),
    cases: new CaseRepository({ db }),
    inquiries: new InquiryRepository({ db }),
    messages: new MessageRepository({ db }),
    stopList: new StopListRepository({ db }),
    smsGroups: new SmsGroupRepository({ db }),
    jobs: new JobRepository({ db }),
    smsSends: new SmsSendRepository({ db }),
    journal: new JournalRepository({ db }),
  };
  const jobs = createJobQueue({ redisUrl: config.redisUrl, jobs: repos.jobs, logger, clock }, opts.jobs);
  const { defaultCountry } = config;
  const core: CoreGraph = {
    config,
    logger,
    clock,
    db,
    events,
    repos,
    jobs,
    auth: new AuthService({ db, users: repos.users, tokens: repos.tokens, failures: repos.failures, audit: repos.audit, clock, tokenTtlMs: config.tokenTtlMs, issuer: 'Servicetorg' }),
    admin: new AdminService({ db, departments: repos.departments, users: repos.users, audit: repos.audit, passwordCost: opts.passwordCost, defaultCountry }),
    cases: new CaseService({ db, cases: repos.cases, contacts: repos.contacts, departments: repos.departments, users: repos.users, audit: repos.audit, defaultCountry, clock }),
    contacts: new ContactService({ contacts: repos.contacts, cases: repos.cases, inquiries: repos.inquiries, departments: repos.departments, audit: repos.audit, defaultCountry }),
    inbound: new InboundService({ db, contacts: repos.contacts, cases: repos.cases, inquiries: repos.inquiries, messages: repos.messages, departments: repos.departments, events, defaultCountry }),
    messageStatus: new MessageStatusService({ db, messages: repos.messages, clock }),
    senders: {},
    journal: new JournalService({ db, journal: repos.journal, messages: repos.messages, inquiries: repos.inquiries, cases: repos.cases, contacts: repos.contacts, departments: repos.departments, users: repos.users, audit: repos.audit, jobs, clock, logger, attempts: opts.journal?.attempts }),
  };
  // Journaling listens to every channel's messages; delivery to the archive is a queued job per post.
  core.journal.listen(events);
  jobs.handle<{ entryId: number }>(JOURNAL_QUEUE, { run: (x) => core.journal.deliver(Number(x.entryId)), dead: (x, err) => core.journal.dead(Number(x.entryId), err) });

  await ensureSwitchboard(core);

  // Each channel is built from config here, real or simulated; one line per channel.
  const channels = opts.channels
    ? opts.channels(core)
    : [
        smsChannel(core),
        createVoiceChannel(core, opts.voice),
        emailChannel(core, opts.email),
        webFormChannel(core, opts.web),
      ];
  const senders = core.senders;
  for (const c of channels) if (c.sender) senders[c.channel] = c.sender;
  const inquiries = new InquiryService({ db, inquiries: repos.inquiries, messages: repos.messages, contacts: repos.contacts, cases: repos.cases, departments: repos.departments, users: repos.users, audit: repos.audit, senders, events, clock });

  let draining = false;
  let reconciler: NodeJS.Timeout | null = null;
  const app = createApp({ db, logger, auth: core.auth, admin: core.admin, cases: core.cases, contacts: core.contacts, inquiries, departments: repos.departments, channels, apiRouters: [journalRoutes({ journal: core.journal })], isDraining: () => draining, extraRouters: [{ path: '/', router: consoleRouter({ dir: opts.consoleDir, logger }) }] });
  const httpServer = http.createServer(app);
  const io = new SocketServer(httpServer, { serveClient: false, cors: { origin: false } });
  let redisClients: { quit(): Promise<unknown> }[] = [];
  if (config.redisUrl) {
    const pub = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    io.adapter(createAdapter(pub, sub));
    redisClients = [pub, sub];
  }
  const agents = attachAgents(io, { auth: core.auth, events, logger });
  for (const c of channels) c.attachRealtime?.(agents);

  return {
    ...core,
    channels,
    inquiries,
    httpServer,
    io,
    agents,
    async listen(port = config.port) {
      for (const c of channels) await c.start?.();
      await core.jobs.start();
      const reconcile = () => core.journal.reconcile().catch((err) => logger.warn({ err }, 'journal reconcile failed'));
      void reconcile();
      reconciler = setInterval(() => void reconcile(), opts.journal?.reconcileEveryMs ?? 10 * 60_000);
      reconciler.unref();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, '0.0.0.0', () => resolve());
      });
      return (httpServer.address() as AddressInfo).port;
    },
    /** Drains: stop taking work, let in-flight requests finish, then close channels, sockets and the database. */
    async close() {
      draining = true;
      if (reconciler) clearInterval(reconciler);
      await core.jobs.stop().catch((err) => logger.warn({ err }, 'job queue stop failed'));
      for (const c of channels) await c.stop?.().catch((err) => logger.warn({ err, channel: c.channel }, 'channel stop failed'));
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        httpServer.closeIdleConnections?.();
        setTimeout(() => httpServer.closeAllConnections?.(), 10_000).unref();
      });
      await Promise.all(redisClients.map((c) => c.quit().catch(() => undefined)));
      await db.close();
    },
  };
}

async function main() {
  let config: Config;
  try {
    config = loadConfigFromEnvironment();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const server = await compose(config, { logger });
  const admin = await ensureFirstAdmin(server, config);
  if (config.demoData) await seedDemoData(server, { logger });
  if (config.demoData) await seedDemoForms(server);
  const port = await server.listen();

  const simulated = [
    !config.twilio && 'SMS and voice (Twilio)',
    !config.smtpUrl && 'outbound e-mail (SMTP)',
    !config.googleCredentials && 'speech (Google TTS; offline espeak-ng is used)',
  ].filter(Boolean);
  const lines = [
    '',
    `Servicetorg is running at ${config.publicBaseUrl} (port ${port}, ${server.db.dialect} database); the agent console is at ${config.publicBaseUrl}/`,
    simulated.length ? `SIMULATION MODE: ${simulated.join(', ')} run locally because no credentials are set; nothing leaves this machine.` : 'All providers are live.',
  ];
  lines.push(`${config.imapUrl ? 'Inbound e-mail: watching the IMAP_URL mailbox.' : 'Inbound e-mail is off (IMAP_URL is not set).'} Web forms: ${config.publicBaseUrl}/public/forms/<slug>.`);
  if (admin?.demo) lines.push(`Demo administrator: ${admin.email} / ${admin.password} (enrol TOTP at first log-in)`);
  if (config.demoData) lines.push('Demo agents: agent1@servicetorg.demo … / password "demo-password-1" (see README)');
  console.log(lines.join('\n') + '\n');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
