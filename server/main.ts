import 'reflect-metadata';
import { ConfigError, loadConfigFromEnvironment, type Config } from './core/config';
import { createLogger } from './core/logger';
import { ensureFirstAdmin } from './auth/module';
import { SWITCHBOARD } from './register/module';
import { seedDemo } from './demo/module';
import { compose } from './index';

/** The process: read the environment once, build the server, say what runs, stop cleanly on a signal. */
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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
