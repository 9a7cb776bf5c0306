import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/*
 * Private Dovecot (IMAP) and Postfix (SMTP) instances for one test file, on their own ports on
 * 127.0.0.1 with a Maildir in a temporary folder, built from the templates in test/mail/. The recipe
 * is the one in shared/notes/test-mail-servers.md. Under CI=true a missing server fails the suite;
 * elsewhere the suite is skipped with a loud line.
 */

const TEMPLATES = path.join(__dirname, '..', 'mail');
export const MAIL_PASSWORD = 'test-mail-password';

export interface MailServers {
  dir: string;
  maildir: string;
  imapPort: number;
  smtpPort: number;
  /** imap://user:pass@127.0.0.1:port/INBOX for one of the mailboxes. */
  imapUrl(address: string): string;
  smtpUrl: string;
  /** Raw messages delivered to a mailbox so far (new and cur), oldest first. */
  delivered(address: string): string[];
  stopDovecot(): Promise<void>;
  startDovecot(): Promise<void>;
  /** Makes Dovecot forget the mailbox's UIDs, so it hands out a new UIDVALIDITY (Dovecot must be stopped). */
  forgetUids(address: string): void;
  stop(): Promise<void>;
}

export function mailServersInstalled(): boolean {
  return ['/usr/sbin/dovecot', '/usr/sbin/postfix'].every((p) => fs.existsSync(p));
}

/** `describe` when Dovecot and Postfix are installed; a loud skip (or, under CI=true, a failure) when not. */
export function describeWithMailServers(name: string, fn: () => void): void {
  if (mailServersInstalled()) return describe(name, fn);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Dovecot and Postfix', () => {
        throw new Error('Dovecot and Postfix are required under CI=true; scripts/test-services.sh installs them');
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPING "${name}": Dovecot/Postfix are not installed (run scripts/test-services.sh).\n`);
  describe.skip(name, fn);
}

/*
 * Ports: picking a free port and closing it before the server binds it lets a parallel jest worker
 * (or another run on the machine) take it in between. Instead each jest worker draws from its own
 * range below the kernel's ephemeral ports (so no client socket lands there either), every start
 * carries a unique banner that is read back from the port, and a start whose server could not bind
 * (it exits) or whose port answers with someone else's banner is retried on fresh ports.
 */
const PORT_BASE = 20_000;
const PORTS_PER_WORKER = 1_200;
function candidatePorts(): [number, number] {
  const worker = Number(process.env.JEST_WORKER_ID ?? 0) % 10;
  const first = PORT_BASE + worker * PORTS_PER_WORKER + 2 * Math.floor(Math.random() * (PORTS_PER_WORKER / 2));
  return [first, first + 1];
}

/** A port held by another listener, or a server that exited before listening: worth a retry elsewhere. */
class PortUnavailable extends Error {}

function firstLine(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let got = '';
    const done = (v: string | null) => {
      c.destroy();
      resolve(v);
    };
    c.setTimeout(3000, () => done(got));
    c.on('data', (d) => {
      got += d.toString('utf8');
      if (got.includes('\n')) done(got.split('\n')[0]);
    });
    c.once('error', () => done(null));
    c.once('close', () => done(got || null));
  });
}

/** Waits until `port` greets with `banner`: proof that this instance, not another listener, has it. */
async function waitForBanner(
  port: number,
  banner: string,
  child: () => ChildProcess | null,
  what: string,
  log: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const line = await firstLine(port);
    if (line?.includes(banner)) return;
    const p = child();
    if (!p || p.exitCode !== null || p.signalCode !== null) throw new PortUnavailable(`${what} exited before listening on ${port}:\n${log()}`);
    if (line !== null && line !== '') throw new PortUnavailable(`port ${port} answers for someone else, not ${what}: ${line}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on ${port}:\n${log()}`);
}

/** Servers this process started, killed if it exits without stopping them (a crashed test file). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) {
    try {
      if (p.exitCode === null) process.kill(p.spawnargs[0].endsWith('dovecot') ? -p.pid! : p.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

const folderOf = (address: string) => `${address.split('@')[1]}/${address.split('@')[0]}/`;
function mailboxMap(mailboxes: string[], aliases: Record<string, string>): string {
  const entries = [...mailboxes.map((a) => [a, a]), ...Object.entries(aliases).map(([a, to]) => [a.toLowerCase(), to.toLowerCase()])];
  return entries.map(([a, to]) => `{${a}=${folderOf(to)}}`).join(' ');
}

const fill = (tmpl: string, vars: Record<string, string | number>) => tmpl.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
const idOf = (flag: '-u' | '-g', name: string) => Number(spawnSync('id', [flag, name]).stdout.toString().trim());

/** `aliases` deliver further addresses into a mailbox's folder (address → mailbox address). */
export async function startMailServers(opts: { mailboxes: string[]; aliases?: Record<string, string> }): Promise<MailServers> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, candidatePorts());
    } catch (e) {
      if (!(e instanceof PortUnavailable) || attempt >= 5) throw e;
    }
  }
}

async function startOnce(opts: { mailboxes: string[]; aliases?: Record<string, string> }, [imapPort, smtpPort]: [number, number]): Promise<MailServers> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-mail-'));
  const banner = `servicetorg-test-${process.pid}-${path.basename(dir)}`;
  fs.chmodSync(dir, 0o755);
  const maildir = path.join(dir, 'maildir');
  const etc = path.join(dir, 'postfix-etc');
  fs.mkdirSync(maildir);
  fs.mkdirSync(etc);
  const uid = idOf('-u', 'dovecot');
  const gid = idOf('-g', 'dovecot');
  const mailboxes = opts.mailboxes.map((a) => a.toLowerCase());
  const domains = [...new Set([...mailboxes, ...Object.keys(opts.aliases ?? {})].map((a) => a.split('@')[1].toLowerCase()))];
  const folder = (address: string) => path.join(maildir, address.split('@')[1], address.split('@')[0]);
  for (const a of mailboxes) for (const sub of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(folder(a), sub), { recursive: true });
  spawnSync('chown', ['-R', `${uid}:${gid}`, maildir]);

  const vars = {
    BANNER: banner,
    DIR: dir,
    MAILDIR: maildir,
    IMAP_PORT: imapPort,
    SMTP_PORT: smtpPort,
    UID: uid,
    GID: gid,
    DOMAINS: domains.join(', '),
    MAILBOX_MAP: mailboxMap(mailboxes, opts.aliases ?? {}),
  };
  const dovecotConf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(dovecotConf, fill(fs.readFileSync(path.join(TEMPLATES, 'dovecot.conf.tmpl'), 'utf8'), vars));
  fs.writeFileSync(path.join(dir, 'dovecot-passwd'), mailboxes.map((a) => `${a}:{PLAIN}${MAIL_PASSWORD}\n`).join(''));
  fs.writeFileSync(path.join(etc, 'main.cf'), fill(fs.readFileSync(path.join(TEMPLATES, 'postfix-main.cf.tmpl'), 'utf8'), vars));
  fs.writeFileSync(
    path.join(etc, 'master.cf'),
    fs.readFileSync(path.join(TEMPLATES, 'postfix-master.cf'), 'utf8').replace('SMTPD_LISTEN', `127.0.0.1:${smtpPort}`),
  );
  fs.mkdirSync(path.join(dir, 'postfix-data'));
  fs.mkdirSync(path.join(dir, 'postfix-queue'));
  spawnSync('chown', ['postfix', path.join(dir, 'postfix-data')]);

  const readLog = (name: string) => () => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').slice(-3000) : '(no log)');
  let dovecot: ChildProcess | null = null;
  const startDovecot = async () => {
    // Its own process group, so a stop takes the imap processes serving open connections down too,
    // as a real restart does; the master alone leaves them running.
    dovecot = spawn('/usr/sbin/dovecot', ['-F', '-c', dovecotConf], { stdio: 'ignore', detached: true });
    live.add(dovecot);
    await waitForBanner(imapPort, banner, () => dovecot, 'Dovecot', readLog('dovecot.log'));
  };
  const stopDovecot = async () => {
    const p = dovecot;
    dovecot = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      process.kill(-p.pid!, 'SIGTERM');
    });
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      /* the group is gone already */
    }
  };

  // There is no syslog here: Postfix logs to its stdout (maillog_file), which goes to postfix.log.
  const postfixLog = fs.openSync(path.join(dir, 'postfix.log'), 'a');
  const postfix = spawn('/usr/sbin/postfix', ['-c', etc, 'start-fg'], { stdio: ['ignore', postfixLog, postfixLog] });
  live.add(postfix);
  try {
    await Promise.all([startDovecot(), waitForBanner(smtpPort, banner, () => postfix, 'Postfix', readLog('postfix.log'))]);
  } catch (e) {
    await stopDovecot();
    spawnSync('/usr/sbin/postfix', ['-c', etc, 'stop']);
    postfix.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    dir,
    maildir,
    imapPort,
    smtpPort,
    imapUrl: (address) => `imap://${encodeURIComponent(address)}:${MAIL_PASSWORD}@127.0.0.1:${imapPort}/INBOX`,
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    delivered(address) {
      const f = folder(address.toLowerCase());
      const files = ['new', 'cur'].flatMap((sub) => fs.readdirSync(path.join(f, sub)).map((n) => path.join(f, sub, n)));
      return files.sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs).map((p) => fs.readFileSync(p, 'utf8'));
    },
    stopDovecot,
    startDovecot,
    forgetUids(address) {
      const f = folder(address.toLowerCase());
      for (const n of fs.readdirSync(f)) if (n.startsWith('dovecot')) fs.rmSync(path.join(f, n), { force: true, recursive: true });
    },
    async stop() {
      await stopDovecot();
      spawnSync('/usr/sbin/postfix', ['-c', etc, 'stop']);
      await new Promise<void>((resolve) => {
        if (postfix.exitCode !== null) return resolve();
        const t = setTimeout(() => {
          postfix.kill('SIGKILL');
          resolve();
        }, 5000);
        postfix.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
