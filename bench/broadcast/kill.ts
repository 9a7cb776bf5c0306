/*
 * bench/broadcast --kill (issue 14, "Scale"): two worker processes share the queue on Redis; one
 * is killed with SIGKILL in the middle of a send to 100,000 and started again.
 *
 *   npm run bench:broadcast:kill -- [--subscribers 100000] [--kill-at 30000]
 *
 * One web process (`--role web`) takes the send and adds its job; two workers (`--role worker`)
 * run the queue on a private redis-server; the SMS REST stand-in has its own process. When the
 * stand-in has seen `--kill-at` requests, the worker using the CPU (the one dispatching) gets
 * SIGKILL and is started again. BullMQ hands the stalled job to a living worker; the batches the
 * dead one had claimed become failed `dispatch_interrupted` once their lease (2 minutes, the
 * production default, unchanged here) is over, and are never sent again. Printed at the end:
 * requests at the stand-in, distinct numbers, duplicates, messages by final status in the
 * register (failed by reason), and lost = recipients with neither a request nor a final failure.
 * Goal: 0 duplicates, 0 lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { cpuMs, forkHelper, loadavg, startProduct, startRedis, type Product } from '../screen-pop/procs';
import { standinReady, statsAnswer, type StatsAnswer } from './standin';
import { api, arg, createBenchDatabase, dropBenchDatabase, log, productEnv, secs, seed, sleep, SUBSCRIBERS } from './setup';

const KILL_AT = arg('kill-at', Math.round(SUBSCRIBERS * 0.3));
const PREFIX = '+48500'; // the seeded subscribers' numbers

async function main() {
  const { name, databaseUrl, login } = await createBenchDatabase();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broadcast-kill-'));
  const products: Product[] = [];
  let standinProc: { kill(): void } | null = null;
  let redisProc: { kill(): void } | null = null;
  try {
    const conn = await mysql.createConnection({ uri: databaseUrl });
    await seed(conn);
    const standin = await forkHelper('../broadcast/standin.ts', { maxSeconds: 3600 }, standinReady);
    standinProc = standin.proc;
    const stats = (since: number, numbers = false) =>
      new Promise<StatsAnswer>((resolve) => {
        standin.proc.once('message', (m) => resolve(statsAnswer.parse(m)));
        standin.proc.send({ stats: { prefix: PREFIX, since, numbers } });
      });
    const redis = await startRedis();
    redisProc = redis.proc;
    const env = productEnv(databaseUrl, standin.ready.url, { REDIS_URL: redis.url });
    const start = async (label: string, role: 'web' | 'worker') => {
      const p = await startProduct(env, [], logDir, label, role);
      products.push(p);
      return p;
    };
    const web = await start('web', 'web');
    const workers = [await start('worker-1', 'worker'), await start('worker-2', 'worker')];
    log(`one web process (pid ${web.proc.pid}) and two workers (pids ${workers.map((w) => w.proc.pid).join(', ')}) on a private Redis; logs in ${logDir}`);

    const officer = await login(web.url, 'officer');
    const admin = await login(web.url, 'admin');
    await api(`${web.url}/api/sms/country-allowlist`, 'PUT', admin, { countries: ['PL'] });
    const send = await api(`${web.url}/api/sms/messages`, 'POST', officer, {
      body: 'Ostrzeżenie burzowe dla {{locality}} dziś od 16:00.',
      audience: { subscribers: { all: true } },
    });
    log(`send ${send.id} to everyone: ${send.recipients} recipients stored, state ${send.state}`);
    const since = Date.now();
    if (send.state === 'awaiting_approval') await api(`${web.url}/api/sms/sends/${send.id}/approve`, 'POST', admin);

    // Wait for the kill point, then SIGKILL whichever worker is dispatching (the one using CPU).
    for (;;) {
      const s = await stats(since);
      if (s.count >= KILL_AT) break;
      await sleep(100);
    }
    const before = workers.map((w) => cpuMs(w.proc.pid));
    await sleep(300);
    const used = workers.map((w, i) => cpuMs(w.proc.pid) - before[i]);
    const victim = used[0] >= used[1] ? 0 : 1;
    const gone = new Promise((r) => workers[victim].proc.once('exit', r));
    workers[victim].proc.kill('SIGKILL');
    await gone;
    const atKill = await stats(since);
    log(
      `SIGKILL to worker-${victim + 1} (pid ${workers[victim].proc.pid}, ${used[victim].toFixed(0)} ms CPU in the last 300 ms against ${used[1 - victim].toFixed(0)}) ` +
        `after ${atKill.count} requests at the stand-in, ${secs(Date.now() - since)} s into the send`,
    );
    const restarted = await start(`worker-${victim + 1}-again`, 'worker');
    log(`worker-${victim + 1} started again (pid ${restarted.proc.pid})`);

    let last = 0;
    let view = send;
    for (const until = Date.now() + 15 * 60_000; Date.now() < until;) {
      view = await api(`${web.url}/api/sms/sends/${send.id}`, 'GET', officer);
      if (view.state !== 'sending' && view.state !== 'scheduled') break;
      if (Date.now() - last > 20_000) {
        last = Date.now();
        log(`  ${secs(Date.now() - since)} s: state ${view.state}, dispatched ${view.dispatched}, statuses ${JSON.stringify(view.statuses)}`);
      }
      await sleep(1000);
    }
    log(`send finished: state ${view.state} after ${secs(Date.now() - since)} s (the interrupted claims wait out their 2-minute lease)`);

    const s = await stats(since, true);
    const requested = new Set(s.numbers);
    log(`stand-in: ${s.count} requests, ${s.unique} distinct numbers, ${s.count - s.unique} duplicates`);
    const [rows] = (await conn.query(
      'SELECT x.id AS id, x.to_address AS phone, x.status AS status FROM sms_outbound o JOIN messages x ON x.id = o.message_id WHERE o.send_id = ?',
      [send.id],
    )) as unknown as [{ id: number; phone: string; status: string }[]];
    const [failures] = (await conn.query(
      "SELECT e.message_id AS id, e.detail AS detail FROM message_events e JOIN sms_outbound o ON o.message_id = e.message_id WHERE o.send_id = ? AND e.status = 'failed'",
      [send.id],
    )) as unknown as [{ id: number; detail: string | null }[]];
    const reason = new Map(failures.map((f) => [f.id, (JSON.parse(f.detail ?? '{}') as { errorCode?: string }).errorCode ?? 'no reason']));
    const byStatus: Record<string, number> = {};
    const failedBy: Record<string, number> = {};
    let lost = 0;
    let interruptedButRequested = 0;
    for (const r of rows) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      if (r.status === 'failed') {
        const why = reason.get(r.id) ?? 'no reason';
        failedBy[why] = (failedBy[why] ?? 0) + 1;
        if (requested.has(r.phone)) interruptedButRequested++;
      } else if (!requested.has(r.phone)) lost++;
    }
    log(`register: ${rows.length} messages by final status ${JSON.stringify(byStatus)}; failed by reason ${JSON.stringify(failedBy)}`);
    log(`  of the failed, ${interruptedButRequested} had reached the stand-in before the kill (outcome never recorded): failed, and not sent again`);
    log(`duplicates ${s.count - s.unique} (goal 0), lost ${lost} (goal 0): ${s.count === s.unique && lost === 0 ? 'met' : 'NOT met'}`);
    log(`load ${loadavg()}`);
    await conn.end();
  } finally {
    for (const p of products.reverse()) await p.stop().catch(() => undefined);
    standinProc?.kill();
    redisProc?.kill();
    await dropBenchDatabase(name);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
