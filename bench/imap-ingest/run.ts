/*
 * bench/imap-ingest — the e-mail watcher against a bare IMAP fetch, with a crash half-way.
 *
 *   npx tsx bench/imap-ingest/run.ts          (npm run bench:imap-ingest)
 *
 * 1. Starts private Dovecot and Postfix (test/support/mail-servers.ts) and places BENCH_MESSAGES
 *    mails straight into the watched Maildir, from 500 different citizens.
 * 2. Baseline: a bare imapflow client fetches every message's source, in the watcher's batch size.
 * 3. Starts the server (bench/imap-ingest/server.ts: the product's compose() with IMAP_URL set,
 *    SMTP simulated, a fresh MariaDB database), counts recorded mails, and kills it with SIGKILL
 *    half-way; starts it again and waits until the register stops growing.
 * 4. Prints the ingest rate of each run and overall, the ratio to the baseline, and how many mails
 *    were lost, recorded twice, or answered with more than one receipt (goals: ≥ 200/s, 0, 0, 0).
 *
 * Environment: BENCH_MESSAGES (default 10000), BENCH_MARIADB_URL (default mysql://root@127.0.0.1:3306),
 * BENCH_RECEIPTS=off to measure ingest without the automatic receipt (on in the product).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import mysql from 'mysql2/promise';
import { MAIL_PASSWORD, startMailServers } from '../../test/support/mail-servers';

const N = Number(process.env.BENCH_MESSAGES || '10000');
const ADMIN_URL = process.env.BENCH_MARIADB_URL || 'mysql://root@127.0.0.1:3306';
const MAILBOX = 'post@kommune.test';
const GOAL_RATE = 200;
const ROOT = path.resolve(__dirname, '..', '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function message(i: number): string {
  const from = `innbygger${i % 500}@innbygger.test`;
  return [
    `From: Innbygger ${i % 500} <${from}>`,
    'To: byggesak@kommune.test',
    `Subject: Spørsmål nummer ${i}`,
    `Message-ID: <bench-${i}@innbygger.test>`,
    `Date: ${new Date(Date.UTC(2026, 2, 1, 8, 0, i % 60)).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Hei, dette er henvendelse ${i}. Jeg lurer på hvordan det går med søknaden min om tilbygg, og når jeg kan vente svar.`,
    '',
  ].join('\r\n');
}

async function baseline(imapPort: number): Promise<number> {
  const c = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: MAILBOX, pass: MAIL_PASSWORD }, logger: false });
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  const started = performance.now();
  const uids = ((await c.search({ all: true }, { uid: true })) || []) as number[];
  let bytes = 0;
  for (let i = 0; i < uids.length; i += 50) {
    for (const m of await c.fetchAll(uids.slice(i, i + 50).join(','), { uid: true, source: true, internalDate: true }, { uid: true }))
      bytes += m.source?.length ?? 0;
  }
  const seconds = (performance.now() - started) / 1000;
  lock.release();
  await c.logout();
  console.log(
    `baseline: bare imapflow fetched ${uids.length} sources (${(bytes / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s = ${(uids.length / seconds).toFixed(0)} messages/s`,
  );
  return uids.length / seconds;
}

async function seenCount(imapPort: number): Promise<number> {
  const c = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: MAILBOX, pass: MAIL_PASSWORD }, logger: false });
  await c.connect();
  const lock = await c.getMailboxLock('INBOX');
  const seen = ((await c.search({ seen: true }, { uid: true })) || []).length;
  lock.release();
  await c.logout();
  return seen;
}

function startServer(env: Record<string, string>, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  // node itself, not the tsx wrapper, so SIGKILL hits the process that holds the connections.
  return spawn(process.execPath, ['--import', 'tsx', 'bench/imap-ingest/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
}

async function main() {
  const ms = await startMailServers({ mailboxes: [MAILBOX], aliases: { 'byggesak@kommune.test': MAILBOX } });
  const admin = await mysql.createConnection({ uri: ADMIN_URL });
  const dbName = `st_bench_imap_${Date.now()}`;
  const children: ChildProcess[] = [];
  try {
    console.log(`placing ${N} mails in the Maildir …`);
    const folder = path.join(ms.maildir, 'kommune.test', 'post', 'new');
    for (let i = 0; i < N; i++) fs.writeFileSync(path.join(folder, `${1790000000 + i}.M${i}P1.bench`), message(i));
    spawnSync('chown', ['-R', 'dovecot:dovecot', ms.maildir]);
    const base = await baseline(ms.imapPort);

    await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const dbUrl = `${ADMIN_URL.replace(/\/+$/, '')}/${dbName}`;
    const env = { DATABASE_URL: dbUrl, IMAP_URL: ms.imapUrl(MAILBOX), PORT: '0', LOG_LEVEL: 'warn', DEMO_DATA: 'off', NODE_ENV: 'development', SMTP_URL: '' };
    const count = async () =>
      Number(((await admin.query(`SELECT COUNT(*) AS n FROM \`${dbName}\`.messages WHERE direction = 'in'`)) as [{ n: number }[], unknown])[0][0].n);
    const log = path.join(ms.dir, 'server.log');

    // Run 1: until half the mail is in, then SIGKILL.
    let child = startServer(env, log);
    children.push(child);
    let first = 0;
    let t0 = 0;
    for (;;) {
      await sleep(50);
      const n = await count().catch(() => 0);
      if (n > 0 && !t0) {
        t0 = performance.now();
        first = n;
      }
      if (n >= N / 2) break;
      if (child.exitCode !== null) throw new Error(`server exited early; see ${log}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const t1 = performance.now();
    const atKill = await count();
    const rate1 = (atKill - first) / ((t1 - t0) / 1000);
    console.log(`run 1: ${atKill} recorded, killed with SIGKILL; ${rate1.toFixed(0)} messages/s`);

    // Run 2: restart and wait until the register stops growing.
    child = startServer(env, log);
    children.push(child);
    let t2 = 0;
    let last = atKill;
    let stableSince = performance.now();
    let lastGrowth = performance.now();
    for (;;) {
      await sleep(50);
      const n = await count();
      if (n > last) {
        if (!t2) t2 = performance.now();
        last = n;
        lastGrowth = stableSince = performance.now();
      }
      if (n >= N && performance.now() - stableSince > 2000) break;
      if (performance.now() - stableSince > 20_000) break;
    }
    const rate2 = (last - atKill) / ((lastGrowth - (t2 || lastGrowth)) / 1000 || 1);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    const q = async (sql: string) => Number(((await admin.query(sql)) as [{ n: number }[], unknown])[0][0].n);
    const distinct = await q(`SELECT COUNT(DISTINCT external_id) AS n FROM \`${dbName}\`.messages WHERE direction = 'in' AND external_id LIKE 'bench-%'`);
    const rows = await q(`SELECT COUNT(*) AS n FROM \`${dbName}\`.messages WHERE direction = 'in' AND external_id LIKE 'bench-%'`);
    const inquiries = await q(`SELECT COUNT(*) AS n FROM \`${dbName}\`.inquiries`);
    const doubleReceipts = await q(
      `SELECT COUNT(*) AS n FROM (SELECT inquiry_id FROM \`${dbName}\`.messages WHERE direction = 'out' GROUP BY inquiry_id HAVING COUNT(*) > 1) x`,
    );
    const receipts = await q(`SELECT COUNT(*) AS n FROM \`${dbName}\`.messages WHERE direction = 'out'`);
    const seen = await seenCount(ms.imapPort);
    const active = (t1 - t0) / 1000 + (lastGrowth - (t2 || lastGrowth)) / 1000;
    const overall = (distinct - first) / active;

    console.log(`run 2: ${last - atKill} more recorded after the restart; ${rate2.toFixed(0)} messages/s`);
    console.log('');
    console.log(
      `machine load average at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    console.log(
      `ingest rate (MariaDB, receipts ${process.env.BENCH_RECEIPTS === 'off' ? 'off' : 'on'}, SMTP simulated): ${overall.toFixed(0)} messages/s overall  (goal ≥ ${GOAL_RATE}: ${overall >= GOAL_RATE ? 'met' : 'NOT met'})`,
    );
    console.log(`ratio to the bare IMAP fetch baseline: ${(overall / base).toFixed(3)} (baseline ${base.toFixed(0)} messages/s)`);
    console.log(`flagged \\Seen on the server: ${seen} of ${N}`);
    console.log(
      `lost: ${N - distinct}   duplicated: ${rows - distinct}   inquiries: ${inquiries}   receipts: ${receipts}, inquiries with more than one receipt: ${doubleReceipts}`,
    );
    console.log(`goals: lost 0 ${N - distinct === 0 ? 'met' : 'NOT met'}; duplicated 0 ${rows - distinct === 0 && doubleReceipts === 0 ? 'met' : 'NOT met'}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``).catch(() => undefined);
    await admin.end();
    await ms.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
