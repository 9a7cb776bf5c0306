/*
 * bench/screen-pop/fanout — `call:incoming` to the 200 available agents of one department, across
 * two server processes joined by the Socket.IO Redis adapter, with 2,000 agent sockets connected.
 *
 *   npx tsx bench/screen-pop/fanout.ts          (npm run bench:fanout)
 *
 * It creates a scratch MariaDB database and starts a private redis-server on a free 127.0.0.1 port
 * (Redis pub/sub channels are global to a server, so sharing the one other runs use would mix
 * their broadcasts with ours), forks two server processes (server.ts), logs in 2,000 agents (200 in
 * the measured department, 1,800 in nine others), connects each to one of the two processes, and
 * routes BENCH_FANOUT_CALLS calls through the voice menu, alternating the process that takes the
 * webhook. The clock runs from the routing webhook's send to each agent's receipt, so it holds the
 * webhook's own database work plus the Redis hop plus the client-side delivery.
 * Everything stays on 127.0.0.1; every loop is bounded and the whole run stops itself after 5 minutes.
 *
 * Environment:
 *   BENCH_FANOUT_ADMIN_URL   MariaDB to create the scratch database on (default mysql://root@127.0.0.1:3306/test)
 *   BENCH_FANOUT_CALLS       measured calls (default 30), one every BENCH_FANOUT_GAP_MS (default 100)
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { io as connect, type Socket } from 'socket.io-client';
import { openDatabase } from '../../server/core/db/database';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { UserRepository } from '../../server/auth/users.repository';
import { hashPassword } from '../../server/auth/passwords';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';
import { SIMULATION_AUTH_TOKEN } from '../../server/voice/module';
import { serverReady, type ServerStart } from './server';
import { startRedis } from './procs';
import { schema } from '../../ormconfig';

const ADMIN_URL = process.env.BENCH_FANOUT_ADMIN_URL || 'mysql://root@127.0.0.1:3306/test';
const CALLS = Math.min(500, Math.max(1, Number(process.env.BENCH_FANOUT_CALLS || '30')));
const GAP_MS = Math.min(5000, Math.max(10, Number(process.env.BENCH_FANOUT_GAP_MS || '100')));
const AGENTS = 2000;
const MEASURED = 200;
const OTHER_DEPARTMENTS = 9;
const GOAL_P99_MS = 50;
const PASSWORD = 'bench-fanout-password-1';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms  max ${pct(xs, 100).toFixed(2)} ms  (n=${xs.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => console.log(`[fanout] ${s}`);

async function startServer(start: ServerStart): Promise<{ proc: ChildProcess; url: string; publicBaseUrl: string }> {
  const proc = fork(path.join(__dirname, 'server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<unknown>((resolve, reject) => {
    proc.once('message', resolve);
    proc.once('exit', (code) => reject(new Error(`server process exited (${code}) before it was ready`)));
    proc.send(start);
  });
  const r = serverReady.parse(ready);
  return { proc, url: `http://127.0.0.1:${r.port}`, publicBaseUrl: r.publicBaseUrl };
}

/** Runs fn over items, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)))));
  return out;
}

async function main() {
  const admin = new URL(ADMIN_URL.replace(/^mariadb:/, 'mysql:'));
  if (admin.hostname !== '127.0.0.1') throw new Error(`BENCH_FANOUT_ADMIN_URL must point at 127.0.0.1, not ${admin.hostname}`);
  const dbName = `st_bench_fanout_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ uri: admin.toString() });
  await conn.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(admin.toString());
  dbUrl.pathname = `/${dbName}`;
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  let redis: ChildProcess | null = null;
  onGiveUp = () => redis?.kill();
  try {
    // Schema and people first, so the servers' department caches start out right.
    const db = await openDatabase(dbUrl.toString(), schema);
    const departments = new DepartmentRepository({ db, clock: () => new Date() });
    const users = new UserRepository({ db, clock: () => new Date() });
    const passwordHash = await hashPassword(PASSWORD, 10);
    const deps = await db.transaction(async (m) => {
      const out = [await departments.create({ code: 'fanout', name: 'Fanout', menuDigit: 2 }, m)];
      for (let k = 0; k < OTHER_DEPARTMENTS; k++) out.push(await departments.create({ code: `fanout-other-${k}`, name: `Other ${k}`, menuDigit: null }, m));
      return out;
    });
    const emails = Array.from({ length: AGENTS }, (_, i) => `agent${i}@fanout.bench`);
    await db.transaction(async (m) => {
      for (let i = 0; i < AGENTS; i++) {
        const dep = i < MEASURED ? deps[0] : deps[1 + (i % OTHER_DEPARTMENTS)];
        await users.create({ email: emails[i], name: `Agent ${i}`, passwordHash, role: 'agent', departmentIds: [dep.id] }, m);
      }
    });
    await db.close();

    const r = await startRedis();
    redis = r.proc;
    const start: ServerStart = { databaseUrl: dbUrl.toString(), redisUrl: r.url, maxSeconds: 300 };
    const servers = [await startServer(start)];
    children.push(servers[0].proc);
    servers.push(await startServer(start));
    children.push(servers[1].proc);
    log(`2 server processes on ${servers.map((s) => s.url).join(' and ')}, private Redis at ${r.url}, database ${dbName}`);

    const t0 = performance.now();
    // Five at a time: every log-in is counted against the client (127.0.0.1) before its password is
    // checked and given back after, and more than ten in flight at once would be throttled (429).
    const tokens = await inBatches(emails, 5, async (email, i) => {
      const res = await fetch(`${servers[i % 2].url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
      return ((await res.json()) as { token: string }).token;
    });
    log(`${AGENTS} logins in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const received = new Map<string, number[]>();
    const started = new Map<string, number>();
    let strays = 0;
    const t1 = performance.now();
    await inBatches(tokens, 100, async (token, i) => {
      const s = connect(`${servers[i % 2].url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      await new Promise((resolve) => s.emit('agent:status', { status: 'available' }, resolve));
      s.on('call:incoming', (c: { callSid: string }) => {
        const at = started.get(c.callSid);
        if (at === undefined) return;
        if (i >= MEASURED) strays++;
        else received.get(c.callSid)?.push(performance.now() - at);
      });
    });
    log(
      `${sockets.length} sockets connected (${MEASURED} available in the measured department, half on each process) in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );

    const callOn = (i: number, n: number) => {
      const s = servers[i % 2];
      return new SimulatedCall({
        serverUrl: s.url,
        publicBaseUrl: s.publicBaseUrl,
        authToken: SIMULATION_AUTH_TOKEN,
        accountSid: `AC${'0'.repeat(32)}`,
        from: `+4791${String(n).padStart(6, '0')}`,
        to: '+4771111000',
      });
    };
    const webhook: number[] = [];
    const route = async (i: number, measured: boolean) => {
      const call = callOn(i, i);
      await call.ring();
      if (measured) received.set(call.callSid, []);
      const t = performance.now();
      if (measured) started.set(call.callSid, t);
      const res = await call.press('2');
      if (res.status !== 200) throw new Error(`routing webhook answered ${res.status}`);
      if (measured) webhook.push(performance.now() - t);
    };
    for (let i = 0; i < 5; i++) await route(100000 + i, false); // warm-up: JIT, pools, caches
    const pending: Promise<void>[] = [];
    for (let i = 0; i < CALLS; i++) {
      pending.push(route(i, true));
      await sleep(GAP_MS);
    }
    await Promise.all(pending);
    for (let i = 0; i < 100 && [...received.values()].some((x) => x.length < MEASURED); i++) await sleep(50);

    const all = [...received.values()].flat();
    const last = [...received.values()].filter((x) => x.length === MEASURED).map((x) => Math.max(...x));
    const p99 = pct(all, 99);
    console.log(
      `\ncall:incoming fan-out on MariaDB + Redis, 2 server processes, ${sockets.length} sockets, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(`routing webhook (signed POST → TwiML)            ${fmt(webhook)}`);
    console.log(`routing webhook → call:incoming, each agent     ${fmt(all)}  (${all.length}/${CALLS * MEASURED} delivered, ${strays} to other departments)`);
    console.log(`routing webhook → last of the ${MEASURED} agents         ${fmt(last)}`);
    console.log(`goal p99 ≤ ${GOAL_P99_MS} ms: ${p99 <= GOAL_P99_MS && all.length === CALLS * MEASURED && strays === 0 ? 'met' : 'NOT met'}`);
  } finally {
    for (const s of sockets) s.close();
    for (const c of children) if (c.connected) c.disconnect();
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())));
    redis?.kill();
    await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await conn.end();
  }
}

let onGiveUp = () => undefined as unknown;
setTimeout(() => {
  console.error('[fanout] gave up after 5 minutes');
  onGiveUp(); // the server processes stop on their own when this one goes
  process.exit(1);
}, 300_000).unref();

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
