import 'reflect-metadata';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadConfigFromEnvironment, type Config } from '../core/config';
import { openDatabase } from '../core/db/database';
import { createLogger } from '../core/logger';
import { compose, type Composed } from '../index';
import { seedDemo, DEMO_PASSWORD } from '../demo/module';
import { schema } from '../../ormconfig';
import { CliError, createAdmin, resetTotp } from './accounts';
import { rejectsCsv, type ImportReport } from './csv-import';
import { importCases, importContacts } from './imports';

/*
 * The operator's command line: `npm run cli -- <command> [options]` (or `node dist/server/cli/index.js`
 * in a production install). It reads the same environment as the server (DATABASE_URL, ...) and
 * does its work on the same database, then exits: 0 done, 1 refused or failed, 2 misused.
 */

export const USAGE = `Usage: npm run cli -- <command> [options]

  migrate                                   apply pending migrations to DATABASE_URL
  create-admin --email E --password P [--name N]
                                            add an administrator (the first one, or another)
  reset-totp --email E [--as ADMIN]         remove a user's authenticator and end their sessions
  import-contacts FILE.csv [--dry-run] [--rejects OUT.csv] [--as ADMIN]
                                            columns: name, phone, email, address, postal_code, city
  import-cases FILE.csv [--dry-run] [--rejects OUT.csv] [--as ADMIN]
                                            columns: case_number, title, status, department, status_spoken,
                                            caseworker_email, category, contact_name, contact_phone,
                                            contact_email, contact_role (one row per party)
  seed-demo                                 the demo departments, agents, cases and messages
`;

export interface CliIo {
  out: Writable;
  err: Writable;
  /** The environment (tests give their own); default the process's, with a .env file. */
  env?: Record<string, string | undefined>;
  /** Where the progress bar goes; none when absent. */
  progress?: Writable;
}

const OPTIONS = {
  email: { type: 'string' },
  password: { type: 'string' },
  name: { type: 'string' },
  as: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  rejects: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const say = (s: string) => io.out.write(s + '\n');
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.err.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const o = parsed.values;
  if (!command || o.help) {
    (o.help ? io.out : io.err).write(USAGE);
    return o.help ? 0 : 2;
  }
  let config: Config;
  try {
    config = io.env ? loadConfig(io.env) : loadConfigFromEnvironment();
  } catch (e) {
    if (e instanceof ConfigError) return (io.err.write(`${e.message}\n`), 2);
    throw e;
  }

  if (command === 'migrate') {
    const db = await openDatabase(config.databaseUrl, schema, { migrate: false });
    try {
      const applied = await db.dataSource.runMigrations({ transaction: db.dialect === 'sqlite' ? 'each' : 'none' });
      say(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date');
    } finally {
      await db.close();
    }
    return 0;
  }

  const commands: Record<string, (server: Composed) => Promise<void>> = {
    'create-admin': async (server) => {
      if (!o.email || !o.password) throw new CliError('create-admin needs --email and --password');
      const admin = await createAdmin(server, { email: o.email, password: o.password, ...(o.name && { name: o.name }) });
      say(`Created administrator ${admin.email} (id ${admin.id}); they enrol TOTP at their first log-in.`);
    },
    'reset-totp': async (server) => {
      if (!o.email) throw new CliError('reset-totp needs --email');
      await resetTotp(server, o.email, o.as);
      say(`Removed the authenticator of ${o.email} and ended their sessions; they enrol again at their next log-in.`);
    },
    'import-contacts': (server) => runImport('contacts', (file) => importContacts(server, file, importOptions())),
    'import-cases': (server) => runImport('cases', (file) => importCases(server, file, importOptions())),
    'seed-demo': async (server) => {
      if (!(await seedDemo(server, { logger: server.logger })))
        throw new CliError('The register already holds contacts or the demo departments: no demo data added');
      say(`Demo data is in place. Demo agents: agent1@servicetorg.demo … / password "${DEMO_PASSWORD}".`);
    },
  };
  const importOptions = () => ({ dryRun: o['dry-run'], progress: io.progress, as: o.as });
  const runImport = async (what: string, run: (file: string) => Promise<ImportReport>) => {
    if (rest.length !== 1) throw new CliError(`import-${what} takes one CSV file`);
    const report = await run(rest[0]);
    say(summary(what, report));
    for (const r of report.rejected.slice(0, 20)) say(`  line ${r.line}: ${r.reason}`);
    if (report.rejected.length > 20) say(`  … and ${report.rejected.length - 20} more`);
    if (o.rejects) {
      fs.writeFileSync(o.rejects, rejectsCsv(report));
      say(`Rejected rows: ${o.rejects}`);
    }
  };
  const handler = commands[command];
  if (!handler) {
    io.err.write(`Unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }

  // The whole server, as a worker that starts nothing: every service and the same migrations, no port, no timers.
  const server = await compose(config, {
    role: 'worker',
    logger: createLogger(config.logLevel === 'info' || config.logLevel === 'warn' ? 'error' : config.logLevel, io.err),
  });
  try {
    await handler(server);
    return 0;
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    io.err.write(`${e.message}\n`);
    return 1;
  } finally {
    await server.close();
  }
}

function summary(what: string, r: ImportReport): string {
  if (r.dryRun) return `Dry run of ${r.rows} ${what}: ${r.accepted} would be stored, ${r.rejected.length} rejected; nothing was written.`;
  return `Imported ${what}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected.length} rejected (of ${r.rows}).`;
}

// Run directly, or through scripts/run.cjs, which names this file as the process's script.
if (require.main === module || process.argv[1] === __filename) {
  runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr, progress: process.stderr }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
