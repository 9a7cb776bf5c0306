import 'reflect-metadata';
import http from 'node:http';
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
// Static, not import(): jest's CommonJS runtime cannot run dynamic imports, and these are small.
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { schema } from '../ormconfig';
import type { Channel } from './contracts/names';
import type { Config } from './core/config';
import { repeating, type BackgroundWork, type Feature } from './core/feature';
import { RATE_LIMIT_PRUNE_EVERY_MS } from './core/rate-limits';
import { consoleRouter } from './core/http/console';
import { outboundHostRouteDocs, outboundHostRoutes } from './core/http/outbound-hosts.routes';
import { createApp } from './core/http/app';
import { operationsRoutes, type ReadinessCheck } from './core/http/operations';
import { openKernel, type Kernel, type KernelOptions } from './core/kernel';
import { createAgents, type Agents, type AgentsOptions } from './core/realtime/agents';
import { createAuth, createStaffAdministration, type AuthFeature, type AuthOptions } from './auth/module';
import { createRegister, createInquiryDesk, type Register } from './register/module';
import { createInbound, type InboundService, type ChannelSender } from './inbound/module';
import { createSms, type SmsChannelOptions, type SmsFeature } from './sms/module';
import { createVoice, type VoiceChannelOptions, type VoiceFeature } from './voice/module';
import { createEmail, type EmailChannelOptions, type EmailFeature } from './email/module';
import { createWebForms, type WebFormOptions, type WebFormsFeature } from './web-forms/module';
import { createJournal, type JournalOptions, type JournalFeature } from './journal/module';
import { createAlerts, type AlertsFeature, type AlertsOptions } from './alerts/module';
import { SubscriberAudience } from './alerts/audience.repository';
import { createBackups, type BackupOptions, type BackupsFeature } from './backups/module';
import { createRecords, type RecordsFeature, type RecordsOptions } from './records/module';
import { createRoster, type RosterFeature, type RosterOptions } from './roster/module';
import type { InquiryService } from './register/inquiries.service';
import { observe } from './operations';

/**
 * What a process runs: `web` answers HTTP and agents' sockets and only adds jobs; `worker` runs the
 * job queue and background work and answers no API (a /health port at most); `both` (the default:
 * the demo, a single-process deployment) does everything.
 */
export type ProcessRole = 'web' | 'worker' | 'both';
export const PROCESS_ROLES = ['web', 'worker', 'both'] as const;

export interface ComposeOptions extends KernelOptions, AuthOptions {
  /** Default `both`. */
  role?: ProcessRole;
  /** Which channels to run (default all four); a server without one cannot carry replies on it. */
  channels?: Channel[];
  sms?: SmsChannelOptions;
  /** Options of the voice channel (tests choose its speech engine and provider). */
  voice?: VoiceChannelOptions;
  /** Options of the e-mail channel (receipts, attachment limits, watcher timing). */
  email?: EmailChannelOptions;
  /** Options of the web forms (rate limit, file size). */
  web?: WebFormOptions;
  journal?: JournalOptions;
  /** Options of resident alerts (code limits, the reminder modules' defaults and tick). */
  alerts?: AlertsOptions;
  /** Retention purge batches and schedule. */
  records?: RecordsOptions;
  /** Options of rosters (password-reset limits). */
  roster?: RosterOptions;
  /** Limits of agents' sockets (re-check of tokens, events per connection). */
  agents?: AgentsOptions;
  /** Options of backups (how often the worker looks whether one is due). */
  backups?: BackupOptions;
  /** The built console to serve at `/` (default client/dist). */
  consoleDir?: string;
}

/** The running server: the kernel, every feature, and the HTTP and Socket.IO servers. */
export interface Composed extends Kernel {
  agents: Agents;
  auth: AuthFeature;
  register: Register;
  inbound: InboundService;
  inquiries: InquiryService;
  sms: SmsFeature | null;
  voice: VoiceFeature | null;
  email: EmailFeature | null;
  webForms: WebFormsFeature | null;
  journal: JournalFeature;
  alerts: AlertsFeature;
  backups: BackupsFeature;
  records: RecordsFeature;
  roster: RosterFeature;
  /** The HTTP app (its router lists every route; the fuzzing suite walks it). */
  http: Express;
  httpServer: http.Server;
  io: SocketServer;
  role: ProcessRole;
  /** Starts what the role runs in the background (the queue's handlers, timers); once. */
  start(): Promise<void>;
  /**
   * Starts, then listens (on every interface unless `host` names one); answers the port. A worker
   * answers only GET /health there, so an orchestrator can watch it.
   */
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The one composition root: the kernel first, then each feature, in the order they need each
 * other, every object built once. Nothing below reads process.env.
 */
export async function compose(config: Config, opts: ComposeOptions = {}): Promise<Composed> {
  const kernel = await openKernel(config, schema, opts);
  const { logger, db } = kernel;
  const role = opts.role ?? 'both';
  const runs = (c: Channel) => !opts.channels || opts.channels.includes(c);

  // Socket.IO first, attached to the HTTP server once the app exists; Redis shares it between processes.
  const io = new SocketServer({ serveClient: false, cors: { origin: false } });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 }) : null;
  const redisSub = redis?.duplicate() ?? null;
  // A deployment's own key prefix (tests give each suite one) keeps its pushes from reaching another's sockets.
  if (redis && redisSub) io.adapter(createAdapter(redis, redisSub, opts.jobs?.prefix ? { key: `${opts.jobs.prefix}:socket.io` } : {}));

  const auth = createAuth(kernel, opts);
  const agents = createAgents(io, { authenticator: auth.service, logger }, opts.agents);
  // A logout, revoke or deactivation closes the sockets that token or user opened, in every process.
  auth.sessions.on('ended', (of) => agents.endSessions(of));
  const register = createRegister(kernel, { staff: auth.users, agents });
  const staffAdministration = createStaffAdministration(kernel, { auth, departments: register.departments }, opts);
  const inbound = createInbound(kernel, { register }).service;
  const sms = runs('sms') ? createSms(kernel, { register, inbound }, opts.sms) : null;
  const email = runs('email') ? createEmail(kernel, { register, inbound }, opts.email) : null;
  const webForms = runs('web') ? createWebForms(kernel, { register, inbound, senders: { email: email?.sender, sms: sms?.sender } }, opts.web) : null;
  const voice = runs('phone') ? createVoice(kernel, { register, inbound, users: auth.users, agents, sms: sms?.sender }, opts.voice) : null;
  const senders: Partial<Record<Channel, ChannelSender>> = {
    ...(sms && { sms: sms.sender }),
    ...(email && { email: email.sender }),
    ...(webForms && { web: webForms.sender }),
  };
  const desk = createInquiryDesk(kernel, { register, staff: auth.users, senders });
  const journal = createJournal(kernel, { register, users: auth.users }, opts.journal);
  const alerts = createAlerts(kernel, { register, sms }, opts.alerts);
  const records = createRecords(kernel, { register }, opts.records);
  // Officers' sends reach residents through this port; the SMS feature knows no alerts table.
  sms?.audiences.register('subscribers', new SubscriberAudience({ db }));
  const backups = createBackups(kernel, opts.backups);
  // Rosters' people, the same way: the send engine plans, re-checks at sending, and sends.
  const roster = createRoster(kernel, { register, sms }, opts.roster);
  sms?.audiences.register('roster', roster.audience);

  // Expired rate-limit counters are deleted from the database (Redis expires its own); every process may do it.
  const pruneRateLimits = repeating('prune-rate-limits', RATE_LIMIT_PRUNE_EVERY_MS, () => kernel.rateLimits.prune(), logger, { runAtStart: true });
  const features: Feature[] = [
    { routes: { api: outboundHostRoutes({ hooks: kernel.outbound }), docs: outboundHostRouteDocs }, background: [pruneRateLimits] },
    auth,
    staffAdministration,
    register,
    desk,
    ...[sms, voice, email, webForms].filter((f): f is NonNullable<typeof f> => f !== null),
    journal,
    alerts,
    backups,
    records,
    roster,
  ];
  const background: BackgroundWork[] = features.flatMap((f) => f.background ?? []);

  await register.departmentService.ensureSwitchboard();

  let draining = false;
  const readiness = observe({ kernel, agents, register, email, redis, runsBackground: role !== 'web' });
  const app = createApp({
    db,
    logger,
    authenticator: auth.service,
    features,
    console: consoleRouter({ dir: opts.consoleDir, logger }),
    isDraining: () => draining,
    trustProxy: config.trustProxy,
    metrics: kernel.metrics,
    metricsToken: config.metricsToken,
    readiness,
  });
  // A worker's HTTP is its health alone: agents and webhooks go to web processes.
  const httpServer =
    role === 'worker'
      ? http.createServer(workerHttp({ isDraining: () => draining, readiness, metrics: kernel.metrics, metricsToken: config.metricsToken, db }))
      : http.createServer(app);
  if (role !== 'worker') io.attach(httpServer);
  // A web process adds jobs but never runs them, so a send to 100,000 never takes its event loop.
  const started = role === 'web' ? background.filter((w) => w.everyProcess) : background;
  let starting: Promise<void> | null = null;
  const start = () =>
    (starting ??= (async () => {
      for (const work of started) await work.start();
      if (role !== 'web') await kernel.jobs.start();
    })());

  return {
    ...kernel,
    agents,
    auth,
    register,
    inbound,
    inquiries: desk.inquiries,
    sms,
    voice,
    email,
    webForms,
    journal,
    alerts,
    backups,
    records,
    roster,
    http: app,
    httpServer,
    io,
    role,
    start,
    async listen(port = config.port, host = '0.0.0.0') {
      await start();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve());
      });
      return (httpServer.address() as AddressInfo).port;
    },
    /**
     * Drains: stop taking work, let in-flight requests and the running jobs' current piece finish (a
     * send to an audience ends after its batch in hand), then stop background work, sockets and the database.
     */
    async close() {
      draining = true;
      await starting?.catch(() => undefined);
      // A web process never started the queue, but its Redis connections are open all the same.
      await kernel.jobs.stop().catch((err) => logger.warn({ err }, 'job queue stop failed'));
      for (const work of background) await Promise.resolve(work.stop()).catch((err) => logger.warn({ err, work: work.name }, 'background work stop failed'));
      await new Promise<void>((resolve) => {
        // A worker's Socket.IO was never attached to a server (io.close() would throw on its missing
        // engine): its namespaces' adapters are closed, then its health port.
        if (role === 'worker')
          void Promise.allSettled([...io._nsps.values()].map(async (nsp) => nsp.adapter.close())).then(() =>
            httpServer.listening ? httpServer.close(() => resolve()) : resolve(),
          );
        else void io.close(() => resolve());
        httpServer.closeIdleConnections?.();
        setTimeout(() => httpServer.closeAllConnections?.(), 10_000).unref();
      });
      for (const client of [redis, redisSub]) await client?.quit().catch(() => undefined);
      await kernel.rateLimits.close();
      await db.close();
    },
  };
}

/** A worker's HTTP: its health, the probes and its metrics (job runs, queue depths), nothing else. */
function workerHttp(deps: { isDraining: () => boolean; readiness: ReadinessCheck[]; metrics: Kernel['metrics']; metricsToken?: string; db: Kernel['db'] }) {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    const draining = deps.isDraining();
    res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ok', role: 'worker' });
  });
  const database: ReadinessCheck = { name: 'database', check: async () => (await deps.db.dataSource.query('SELECT 1'), 'ok') };
  app.use(operationsRoutes({ checks: [database, ...deps.readiness], isDraining: deps.isDraining, metrics: deps.metrics, metricsToken: deps.metricsToken }));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'a worker answers only GET /health, /health/live, /health/ready and /metrics' } });
  });
  return app;
}
