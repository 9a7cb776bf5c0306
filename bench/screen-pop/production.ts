/*
 * The screen-pop scenario of issue 13 in production mode (see run.ts for the command and flags):
 * the product as production starts it (server/main.ts through tsx, NODE_ENV=production, MariaDB,
 * Twilio credentials with TWILIO_API_URL at the REST stand-in in its own process), cases pushed
 * through PUT /api/cases, agents on Socket.IO, callers at fixed rates (drive.ts), and beside each
 * rate the bare express + socket.io floor (bare.ts) under the same load.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { authenticator } from 'otplib';
import { openDatabase } from '../../server/core/db/database';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { UserRepository } from '../../server/auth/users.repository';
import { hashPassword } from '../../server/auth/passwords';
import { schema } from '../../ormconfig';
import { agentsFor, drive, type DriveOptions, type DriveResult, type Target } from './drive';
import { cpuMs, forkHelper, loadavg, mariadbPid, startProduct, startRedis, type Product } from './procs';
import { standinReady, type StandinStart } from './standin';
import { bareReady, type BareStart } from './bare';
import { forgetBenchRows, markBenchRows, sampleNumbers, type BenchMark } from './register-data';

export interface ProductionOptions {
  rates: number[];
  seconds: number;
  /** Rates to step through until pop p99 crosses the goal or calls are lost; null to skip. */
  capacity: number[] | null;
  capacitySeconds: number;
  /** Two processes on Redis at this rate; null to skip. */
  redisRate: number | null;
  /** Use bench/register's 1M-contact register at registerUrl instead of a fresh database. */
  register: boolean;
  registerUrl: string;
  adminUrl: string;
  cases: number;
  talkMs: number;
  /** Agents per rate; null: agentsFor(rate). */
  agents: number | null;
  /** Run the bare floor beside each rate. */
  floor: boolean;
  /** Node options for the product's processes, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof. */
  nodeArgs: string[];
}

const GOAL = { popP99: 30, ringP99: 50 };
const PUBLIC_BASE_URL = 'https://servicetorg.bench.invalid';
const ACCOUNT_SID = `AC${'b2'.repeat(16)}`;
const AUTH_TOKEN = 'bench-pop-twilio-auth-token';
const PASSWORD = 'bench-pop-password-1';
const DEPARTMENT = 'bench-pop';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const log = (s: string) => console.log(`[screen-pop] ${s}`);

async function inBatches<T, R>(items: T[], width: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map((x, j) => fn(x, i + j)))));
  return out;
}

async function post(url: string, body: unknown, token?: string, method = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

interface People {
  admin: { email: string; totpSecret: string };
  agentEmails: string[];
  /** The bench's departments, by the menu digit that reaches each; agent j belongs to departments[j % n]. */
  departments: { code: string; digit: string }[];
}

const MAX_DEPARTMENTS = 8;

/**
 * Up to eight departments on the menu digits no other department holds, an administrator with TOTP
 * (production makes admins enrol it), and the agents spread over the departments.
 */
async function seedPeople(databaseUrl: string, agents: number): Promise<People> {
  const db = await openDatabase(databaseUrl, schema);
  try {
    const clock = () => new Date();
    const departments = new DepartmentRepository({ db, clock });
    const users = new UserRepository({ db, clock });
    const passwordHash = await hashPassword(PASSWORD, 10);
    const tag = randomBytes(3).toString('hex');
    const totpSecret = authenticator.generateSecret(20);
    const agentEmails = Array.from({ length: agents }, (_, i) => `agent${i}-${tag}@pop.bench`);
    const admin = { email: `admin-${tag}@pop.bench`, totpSecret };
    const existing = await departments.list();
    const taken = new Set(existing.filter((d) => !d.code.startsWith(DEPARTMENT)).map((d) => d.menuDigit));
    const digits = [1, 2, 3, 4, 5, 6, 7, 8].filter((d) => !taken.has(d)).slice(0, MAX_DEPARTMENTS);
    if (!digits.length) throw new Error('every menu digit 1–8 belongs to another department');
    const deps = await db.transaction(async (m) => {
      const out = [];
      for (const digit of digits) {
        const code = `${DEPARTMENT}-${digit}`;
        out.push((await departments.byCode(code)) ?? (await departments.create({ code, name: `Avdeling ${digit}`, menuDigit: digit }, m)));
      }
      return out;
    });
    await db.transaction(async (m) => {
      const a = await users.create({ email: admin.email, name: 'Bench admin', passwordHash, role: 'admin', departmentIds: deps.map((d) => d.id) }, m);
      await users.update(a.id, { totpSecret, totpEnabled: true }, m);
      for (const [i, email] of agentEmails.entries())
        await users.create({ email, name: `Agent ${i}`, passwordHash, role: 'agent', departmentIds: [deps[i % deps.length].id] }, m);
    });
    return { admin, agentEmails, departments: deps.map((d) => ({ code: d.code, digit: String(d.menuDigit) })) };
  } finally {
    await db.close();
  }
}

/** The case system's part: one case per caller, each with its one contact, in the department the caller will choose. */
async function pushCases(url: string, token: string, numbers: string[], departments: string[]) {
  const t = performance.now();
  await inBatches(numbers, 10, async (phone, i) => {
    const r = await post(
      `${url}/api/cases/POP-${i}`,
      {
        title: `Byggesak ${i}`,
        status: 'Under behandling',
        department: departments[i % departments.length],
        contacts: [{ name: `Innbygger ${i}`, phone, role: 'søker' }],
      },
      token,
      'PUT',
    );
    if (r.status !== 201 && r.status !== 200) throw new Error(`PUT /api/cases/POP-${i}: ${r.status} ${JSON.stringify(r.json)}`);
  });
  log(`${numbers.length} cases pushed through PUT /api/cases in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function login(url: string, email: string, totp?: string): Promise<string> {
  const r = await post(`${url}/api/auth/login`, { email, password: PASSWORD, ...(totp ? { totp } : {}) });
  if (r.status !== 200 || typeof r.json.token !== 'string') throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token;
}

interface Measured {
  r: DriveResult;
  serverCpuMs: number;
  dbCpuMs: number;
  /** This process (callers and agents) and the REST stand-in: the load's own share of the two cores. */
  loadCpuMs: number;
  load: string;
  /** Per product process, over the calls: its event-loop delay (prom-client resets it at each scrape) and GC time. */
  loop: string[];
}

/** The product's /metrics (loopback may read it without METRICS_TOKEN) as series → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    const m = /^(nodejs_(?:eventloop_lag_\w+|gc_duration_seconds_sum)(?:\{[^}]*\})?) (\S+)$/.exec(l);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** One rate against the product's processes, with CPU counted over the calls only; unpopped calls are ended afterwards. */
async function measure(
  products: Product[],
  helpers: ChildProcess[],
  base: Omit<DriveOptions, 'rate' | 'seconds' | 'tokens'>,
  rate: number,
  seconds: number,
  tokens: string[],
) {
  const dbPid = mariadbPid();
  let c0 = { s: 0, d: 0, l: 0 };
  let c1 = { s: 0, d: 0, l: 0 };
  const snap = () => ({
    s: products.reduce((a, p) => a + cpuMs(p.proc.pid), 0),
    d: dbPid ? cpuMs(dbPid) : NaN,
    l: helpers.reduce((a, h) => a + cpuMs(h.pid), cpuMs(process.pid)),
  });
  const before = await Promise.all(products.map((p) => scrape(p.url)));
  const r = await drive({ ...base, rate, seconds, tokens, window: { start: () => (c0 = snap()), end: () => (c1 = snap()) } });
  const after = await Promise.all(products.map((p) => scrape(p.url)));
  const load = loadavg();
  // Calls left in the queue would be offered to the next rate's agents: end them as Twilio would.
  await inBatches(r.unpopped, 20, (c) => c.end('completed').catch(() => undefined));
  const loop = after.map((a, i) => {
    const gc = (kind: string) =>
      1000 * ((a.get(`nodejs_gc_duration_seconds_sum{kind="${kind}"}`) ?? 0) - (before[i].get(`nodejs_gc_duration_seconds_sum{kind="${kind}"}`) ?? 0));
    return `event-loop delay p99 ${f1(1000 * (a.get('nodejs_eventloop_lag_p99_seconds') ?? NaN))} / max ${f1(1000 * (a.get('nodejs_eventloop_lag_max_seconds') ?? NaN))} ms, GC ${f1(gc('minor'))} ms minor + ${f1(gc('major') + gc('incremental'))} ms major`;
  });
  return { r, serverCpuMs: c1.s - c0.s, dbCpuMs: c1.d - c0.d, loadCpuMs: c1.l - c0.l, load, loop } satisfies Measured;
}

/** The bare floor under the same load, with its server's CPU over the calls. */
async function bareRun(proc: ChildProcess, opts: DriveOptions): Promise<DriveResult & { cpuMs: number }> {
  let t0 = 0;
  let t1 = 0;
  const r = await drive({ ...opts, window: { start: () => (t0 = cpuMs(proc.pid)), end: () => (t1 = cpuMs(proc.pid)) } });
  return { ...r, cpuMs: t1 - t0 };
}

const lost = (r: DriveResult) => r.calls - r.popped;
const passes = (m: Measured) => lost(m.r) === 0 && pct(m.r.acceptToPop, 99) <= GOAL.popP99;

const perCall = (r: DriveResult) =>
  Object.entries(r.pushes)
    .sort((a, b) => b[1] - a[1])
    .map(([event, n]) => `${event} ${f1(n / r.calls)}`)
    .join(', ');

function line(label: string, m: Measured, agents: number, bare?: DriveResult & { cpuMs: number }): string {
  const { r } = m;
  const pop = [pct(r.acceptToPop, 50), pct(r.acceptToPop, 99)];
  const ring = [pct(r.routingToRing, 50), pct(r.routingToRing, 99)];
  const extra = [
    r.webhookErrors ? `${r.webhookErrors} webhook errors` : '',
    Object.keys(r.refused).length ? `refused ${JSON.stringify(r.refused)}` : '',
    r.lostNotices ? `${r.lostNotices} call:lost` : '',
    r.withCases < r.popped ? `${r.popped - r.withCases} pops without the caller's cases` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const out = [
    `${label}: accept → pop p50 ${f1(pop[0])} / p99 ${f1(pop[1])} ms, routing → ring p50 ${f1(ring[0])} / p99 ${f1(ring[1])} ms, ${lost(r)} of ${r.calls} calls lost, ${agents} agents${extra ? ` (${extra})` : ''}`,
  ];
  if (bare) {
    const bp = pct(bare.acceptToPop, 99);
    const br = pct(bare.routingToRing, 99);
    out.push(
      `    bare floor: pop p99 ${f1(bp)} ms, ring p99 ${f1(br)} ms, ${lost(bare)} lost, server CPU ${f1(bare.cpuMs / bare.calls)} ms per call; ratio pop p99 ${f1(pop[1] / bp)}×, ring p99 ${f1(ring[1] / br)}×, CPU per call ${f1(m.serverCpuMs / r.calls / (bare.cpuMs / bare.calls))}×`,
    );
  }
  out.push(
    `    pushes per call: ${perCall(r)}${bare ? `; bare floor ${perCall(bare)}` : ''}`,
    ...m.loop.map((l, i) => `    ${m.loop.length > 1 ? `process ${i + 1}: ` : ''}${l}`),
    `    CPU per call: server ${f1(m.serverCpuMs / r.calls)} ms, MariaDB ${f1(m.dbCpuMs / r.calls)} ms (all of MariaDB, other clients included), callers, agents, REST stand-in (and Redis) ${f1(m.loadCpuMs / r.calls)} ms; load ${m.load}`,
    `    goals (0 lost, pop p99 ≤ ${GOAL.popP99} ms, ring p99 ≤ ${GOAL.ringP99} ms): ${lost(r) === 0 && pop[1] <= GOAL.popP99 && ring[1] <= GOAL.ringP99 ? 'met' : 'NOT met'}`,
  );
  return out.join('\n');
}

export async function runProduction(o: ProductionOptions): Promise<void> {
  const agentsAt = (rate: number) => o.agents ?? agentsFor(rate, o.talkMs);
  const allRates = [...o.rates, ...(o.capacity ?? []), ...(o.redisRate ? [o.redisRate] : []), 10];
  const maxAgents = Math.max(...allRates.map(agentsAt));
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-pop-'));
  const admin = new URL(o.adminUrl.replace(/^mariadb:/, 'mysql:'));
  const registerUrl = new URL(o.registerUrl.replace(/^mariadb:/, 'mysql:'));
  for (const u of [admin, registerUrl]) if (u.hostname !== '127.0.0.1') throw new Error(`the bench only talks to 127.0.0.1, not ${u.hostname}`);

  let databaseUrl: string;
  let numbers: string[];
  let mark: BenchMark | null = null;
  let scratch: string | null = null;
  const conn = await mysql.createConnection({ uri: admin.toString() });
  const products: Product[] = [];
  let redis: ChildProcess | null = null;
  try {
    if (o.register) {
      databaseUrl = registerUrl.toString();
      numbers = await sampleNumbers(databaseUrl, o.cases);
      if (numbers.length < o.cases) throw new Error(`${databaseUrl} holds no register of bench/register (run npm run bench:register first)`);
      mark = await markBenchRows(databaseUrl);
    } else {
      scratch = `st_bench_pop_${randomBytes(4).toString('hex')}`;
      await conn.query(`CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const u = new URL(admin.toString());
      u.pathname = `/${scratch}`;
      databaseUrl = u.toString();
      numbers = Array.from({ length: o.cases }, (_, i) => `+479${String(i).padStart(7, '0')}`);
    }
    const people = await seedPeople(databaseUrl, maxAgents);
    const standin = await forkHelper('standin.ts', { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, maxSeconds: 3000 } satisfies StandinStart, standinReady);
    const bare = await forkHelper('bare.ts', { publicBaseUrl: PUBLIC_BASE_URL, maxSeconds: 3000 } satisfies BareStart, bareReady);
    const env = (extra: Record<string, string> = {}) => ({
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PUBLIC_BASE_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_URL: standin.ready.url,
      DEMO_DATA: 'off',
      LOG_LEVEL: process.env.BENCH_POP_LOG_LEVEL || 'info',
      ...extra,
    });
    products.push(await startProduct(env(), o.nodeArgs, logDir, 'product'));
    const url = products[0].url;
    log(
      `product (NODE_ENV=production, pid ${products[0].proc.pid}) at ${url}, log ${products[0].log}; REST stand-in at ${standin.ready.url}; database ${databaseUrl}`,
    );
    const adminToken = await login(url, people.admin.email, authenticator.generate(people.admin.totpSecret));
    if (!o.register)
      await pushCases(
        url,
        adminToken,
        numbers,
        people.departments.map((d) => d.code),
      );
    const tokens = await inBatches(people.agentEmails, 5, (email) => login(url, email));
    log(`${tokens.length} agents in ${people.departments.length} departments logged in; load ${loadavg()}`);

    const digits = people.departments.map((d) => d.digit);
    const bareTokens = (n: number) => Array.from({ length: n }, (_, j) => `bare:${digits[j % digits.length]}`);
    const common = { digits, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN, accountSid: ACCOUNT_SID, numbers, talkMs: o.talkMs, drainMs: 5000 };
    const productOn = (targets: Target[]) => ({ ...common, targets });
    const bareTarget = [{ url: `http://127.0.0.1:${bare.ready.port}` }];
    // Warm-up (JIT, pools, the menu's speech synthesised once and cached): not reported.
    await measure(products, [standin.proc], productOn([{ url }]), 10, 2, tokens.slice(0, agentsAt(10)));
    await drive({ ...common, targets: bareTarget, tokens: bareTokens(agentsAt(10)), rate: 10, seconds: 2 });

    const results: string[] = [];
    for (const rate of o.rates) {
      const n = agentsAt(rate);
      const floor = o.floor ? await bareRun(bare.proc, { ...common, targets: bareTarget, tokens: bareTokens(n), rate, seconds: o.seconds }) : undefined;
      const m = await measure(products, [standin.proc], productOn([{ url }]), rate, o.seconds, tokens.slice(0, n));
      results.push(line(`${rate} calls/s × ${o.seconds} s, 1 process`, m, n, floor));
      console.log(results[results.length - 1]);
    }
    if (o.capacity) {
      let lastPass: number | null = null;
      let crossed = false;
      for (const rate of o.capacity) {
        const m = await measure(products, [standin.proc], productOn([{ url }]), rate, o.capacitySeconds, tokens.slice(0, agentsAt(rate)));
        const ok = passes(m);
        results.push(line(`capacity step ${rate} calls/s × ${o.capacitySeconds} s`, m, agentsAt(rate)) + (ok ? '' : '  ← crossed'));
        console.log(results[results.length - 1]);
        if (!ok) {
          crossed = true;
          break;
        }
        lastPass = rate;
      }
      results.push(
        `capacity of one process: ${lastPass === null ? `below ${o.capacity[0]}` : `${crossed ? '' : 'at least '}${lastPass}`} calls/s (the last step with pop p99 ≤ ${GOAL.popP99} ms and 0 lost; goal ≥ 100)`,
      );
      console.log(results[results.length - 1]);
    }
    if (o.redisRate) {
      await products.pop()!.stop();
      const r = await startRedis();
      redis = r.proc;
      for (const name of ['product-a', 'product-b']) products.push(await startProduct(env({ REDIS_URL: r.url }), o.nodeArgs, logDir, name));
      const targets = products.map((p) => ({ url: p.url }));
      await measure(products, [standin.proc, r.proc], productOn(targets), 10, 2, tokens.slice(0, agentsAt(10)));
      const n = agentsAt(o.redisRate);
      const floor = o.floor
        ? await bareRun(bare.proc, { ...common, targets: bareTarget, tokens: bareTokens(n), rate: o.redisRate, seconds: o.seconds })
        : undefined;
      const m = await measure(products, [standin.proc, r.proc], productOn(targets), o.redisRate, o.seconds, tokens.slice(0, n));
      results.push(line(`${o.redisRate} calls/s × ${o.seconds} s, 2 processes on Redis (agents and calls split between them)`, m, n, floor));
      console.log(results[results.length - 1]);
    }
    console.log(
      `\nScreen pop, production mode on MariaDB (${o.register ? 'bench/register 1M-contact register' : `fresh register of ${o.cases} cases`}), ${os.cpus().length} cores, talk ${o.talkMs} ms per call:`,
    );
    for (const r of results) console.log(r);
  } finally {
    for (const p of products) await p.stop();
    redis?.kill();
    if (mark) await forgetBenchRows(databaseUrl!, mark);
    if (scratch) await conn.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
    await conn.end();
  }
}
