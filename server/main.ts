import 'reflect-metadata';
import { ConfigError, loadConfigFromEnvironment, type Config } from './core/config';
import { createLogger } from './core/logger';
import { ensureFirstAdmin } from './auth/module';
import { SWITCHBOARD } from './register/module';
import { seedDemo } from './demo/module';
import { compose, PROCESS_ROLES, type ProcessRole } from './index';

/**
 * The command line: `--role web|worker|both` (default both) and, for a worker, `--health-port N`
 * (default none: a worker then listens on no port). Flags, not variables, so no deployment has to set one.
 */
function processArgs(argv: string[]): { role: ProcessRole; healthPort: number | null } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const role = value('--role') ?? 'both';
  if (!(PROCESS_ROLES as readonly string[]).includes(role)) throw new ConfigError(`--role must be one of ${PROCESS_ROLES.join(', ')} (got "${role}")`);
  const port = value('--health-port');
  const healthPort = port === undefined ? null : Number(port);
  if (healthPort !== null && !(Number.isInteger(healthPort) && healthPort >= 0 && healthPort < 65536))
    throw new ConfigError(`--health-port must be a port number (got "${port}")`);
  return { role: role as ProcessRole, healthPort };
}

/** The process: read the environment once, build the server, say what runs, stop cleanly on a signal. */
async function main() {
  let config: Config;
  let args: ReturnType<typeof processArgs>;
  try {
    args = processArgs(process.argv.slice(2));
    config = loadConfigFromEnvironment();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const server = await compose(config, { logger, role: args.role });
  if (args.role === 'worker') {
    await server.start();
    const health = args.healthPort === null ? null : await server.listen(args.healthPort);
    console.log(
      `\nServicetorg worker is running: the job queue (${server.jobs.kind === 'bullmq' ? 'BullMQ on REDIS_URL' : 'the database queue'}) and background work, ${server.db.dialect} database; ` +
        `${health === null ? 'no HTTP port' : `GET /health on port ${health}`}.\n`,
    );
    return stopOnSignal(server, logger);
  }
  const switchboard = await server.register.departments.byCode(SWITCHBOARD);
  const admin = await ensureFirstAdmin({ db: server.db, users: server.auth.users, logger, switchboardId: switchboard?.id ?? null }, config);
  if (config.demoData) await seedDemo(server, { logger });
  const port = await server.listen();

  // The channels' own states, as /health reports them.
  const states = { ...server.sms?.channels, ...server.voice?.channels, ...server.email?.channels };
  const needs: Record<string, [string, string]> = {
    sms: ['SMS (Twilio)', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set'],
    phone: ['voice (Twilio)', 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set'],
    email: ['outbound e-mail (SMTP)', 'SMTP_URL is set'],
  };
  const inState = (state: string) => Object.keys(states).filter((c) => states[c as keyof typeof states] === state && needs[c]);
  const lines = [
    '',
    `Servicetorg is running at ${config.publicBaseUrl} (port ${port}, ${server.db.dialect} database); the agent console is at ${config.publicBaseUrl}/`,
  ];
  const simulated = inState('simulated');
  if (simulated.length)
    lines.push(
      `SIMULATION MODE (demo): ${simulated.map((c) => needs[c][0]).join(', ')} run locally because no credentials are set; nothing leaves this machine.`,
    );
  // Outside demo mode a channel without credentials is not faked: its sends fail, and this says why.
  for (const c of inState('not_configured')) lines.push(`NOT CONFIGURED: ${needs[c][0]}: sends fail until ${needs[c][1]}.`);
  if (!simulated.length && !inState('not_configured').length) lines.push('All providers are live.');
  if (!config.googleCredentials) lines.push('Speech: offline espeak-ng (GOOGLE_APPLICATION_CREDENTIALS is not set).');
  lines.push(
    `${config.imapUrl ? 'Inbound e-mail: watching the IMAP_URL mailbox.' : 'Inbound e-mail is off (IMAP_URL is not set).'} Web forms: ${config.publicBaseUrl}/public/forms/<slug>.`,
  );
  if (admin?.demo) lines.push(`Demo administrator: ${admin.email} / ${admin.password} (enrol TOTP at first log-in)`);
  if (config.demoData) lines.push('Demo agents: agent1@servicetorg.demo … / password "demo-password-1" (see README)');
  if (args.role === 'web') lines.push('Web process: it adds jobs but runs none; `npm run worker` runs the job queue and background work.');
  console.log(lines.join('\n') + '\n');
  stopOnSignal(server, logger);
}

/** SIGTERM/SIGINT: drain (a running send ends after its batch in hand), then exit; forced after 20 s. */
function stopOnSignal(server: { close(): Promise<void> }, logger: { info(o: object, m: string): void }) {
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
