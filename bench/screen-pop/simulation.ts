/*
 * The simulation-mode line of bench/screen-pop (run.ts runs it after the production scenario).
 * Voice figures on this machine, SQLite by default (DATABASE_URL=mysql://… for MariaDB):
 *  - baseline: a bare indexed SELECT (contact by phone) in the same run
 *  - menu webhook (signed POST → TwiML) p50/p99
 *  - routed call: the menu-choice webhook that queues the call → `screen-pop` received by a
 *    socket.io-client agent who accepts on call:incoming; 50 new calls a second
 *  - speech: a cache hit, and an offline (espeak-ng + sox) synthesis of a 200-character status
 * The server runs in its own process (server.ts), so the load generator's HTTP and socket.io
 * clients do not share its event loop. On a database that already holds a register (the 1M
 * contacts of bench/register: DATABASE_URL=mysql://root@127.0.0.1:3306/st_bench) the callers are
 * existing contacts, and every row the run writes is deleted again at the end, so bench/register
 * still finds its exact counts. Everything runs on 127.0.0.1; loops are bounded by count.
 * Fan-out to 200 agents over Redis is bench/screen-pop/fanout.ts.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import pino from 'pino';
import { openDatabase } from '../../server/core/db/database';
import { ContactRepository } from '../../server/register/contacts.repository';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { UserRepository } from '../../server/auth/users.repository';
import { hashPassword } from '../../server/auth/passwords';
import { CachedSpeech } from '../../ivr/speech/cached';
import { EspeakEngine } from '../../ivr/speech/espeak';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';
import { SIMULATION_AUTH_TOKEN } from '../../server/voice/module';
import { serverReady, type ServerStart } from './server';
import { forgetBenchRows, markBenchRows, sampleNumbers } from './register-data';
import { schema } from '../../ormconfig';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms  (n=${xs.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'bench-password-1';

/** CPU seconds a process has used (Linux /proc; NaN elsewhere): tells a slow server from a starved one. */
function cpuSeconds(pid: number | undefined): { user: number; system: number } {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(f[11]) / 100, system: Number(f[12]) / 100 }; // utime, stime: clock ticks of 1/100 s
  } catch {
    return { user: NaN, system: NaN };
  }
}

/** Runs in this process beside a forked server.ts: no Twilio credentials, so moving a call is a no-op. */
export async function runSimulation(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-voice-'));
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'bench.sqlite')}`;
  const db = await openDatabase(databaseUrl, schema);
  const contacts = new ContactRepository({ db, clock: () => new Date() });
  const departments = new DepartmentRepository({ db, clock: () => new Date() });
  const users = new UserRepository({ db, clock: () => new Date() });
  // On an existing register the callers are its contacts; otherwise 2,000 contacts are made here.
  let numbers = db.dialect === 'mysql' ? await sampleNumbers(databaseUrl, 2000) : [];
  const onRegister = numbers.length === 2000;
  const mark = onRegister ? await markBenchRows(databaseUrl) : null;
  const passwordHash = await hashPassword(PASSWORD, 10);
  const email = 'bench-voice@k.no';
  await db.transaction(async (m) => {
    const dep = (await departments.byCode('bench-voice')) ?? (await departments.create({ code: 'bench-voice', name: 'Helse', menuDigit: 2 }, m));
    if (!(await users.byEmail(email))) await users.create({ email, name: 'Bench', passwordHash, role: 'agent', departmentIds: [dep.id] }, m);
    if (!onRegister) {
      numbers = Array.from({ length: 2000 }, (_, i) => `+4790${String(i).padStart(6, '0')}`);
      for (const [i, e164] of numbers.entries()) if (!(await contacts.byPhone(e164, m))) await contacts.create({ name: `Innbygger ${i}`, phones: [e164] }, m);
    }
  });
  const baseline: number[] = [];
  for (const e164 of numbers) {
    const t = performance.now();
    await contacts.byPhone(e164);
    baseline.push(performance.now() - t);
  }

  const child = fork(path.join(__dirname, 'server.ts'), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = serverReady.parse(
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`server process exited (${code})`)));
      child.send({ databaseUrl, maxSeconds: 600 } satisfies ServerStart);
    }),
  );
  const url = `http://127.0.0.1:${ready.port}`;
  const base = ready.publicBaseUrl;
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };

  const newCall = (i: number) =>
    new SimulatedCall({
      serverUrl: url,
      publicBaseUrl: base,
      authToken: SIMULATION_AUTH_TOKEN,
      accountSid: `AC${'0'.repeat(32)}`,
      from: numbers[i % numbers.length],
      to: '+4771111000',
    });
  const menu: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = performance.now();
    const r = await newCall(i).ring();
    if (r.status !== 200) throw new Error(`menu webhook answered ${r.status}`);
    menu.push(performance.now() - t);
  }

  // One agent accepts every call it is offered; the clock runs from the routing webhook to the pop.
  const agent = connect(`${url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((r) => agent.once('connect', () => r()));
  await new Promise((r) => agent.emit('agent:status', { status: 'available' }, r));
  const started = new Map<string, number>();
  const popLatency: number[] = [];
  agent.on('call:incoming', (c: { callSid: string }) => agent.emit('call:accept', { callSid: c.callSid }, () => undefined));
  agent.on('screen-pop', (p: { callSid: string }) => {
    const t = started.get(p.callSid);
    if (t !== undefined) popLatency.push(performance.now() - t);
  });
  const calls: Promise<unknown>[] = [];
  const CALLS = 250; // 5 seconds at 50 calls a second
  const cpu0 = cpuSeconds(child.pid);
  const wall0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const call = newCall(i);
    calls.push(
      call.ring().then(() => {
        started.set(call.callSid, performance.now());
        return call.press('2');
      }),
    );
    await sleep(20);
  }
  await Promise.all(calls);
  for (let i = 0; i < 100 && popLatency.length < CALLS; i++) await sleep(50);
  const cpu1 = cpuSeconds(child.pid);
  const [cpuUser, cpuSystem] = [cpu1.user - cpu0.user, cpu1.system - cpu0.system];
  const serverCpu = cpuUser + cpuSystem;
  const wall = (performance.now() - wall0) / 1000;
  agent.close();
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  child.disconnect();
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));

  const speech = new CachedSpeech({ engines: [new EspeakEngine()], audioBaseUrl: `${base}/a`, secret: 'bench', dir: null, logger: pino({ level: 'silent' }) });
  const status =
    'Sak 2026/1234 om tilbygg til enebolig er under behandling. Vi venter på uttalelse fra naboene og regner med å fatte vedtak innen fire uker. Du får svar i posten og på SMS.'.padEnd(
      200,
      '.',
    );
  const synth: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await new EspeakEngine().synthesize(status.slice(0, 200 - i), 'nb-NO');
    synth.push(performance.now() - t);
  }
  await speech.prepare([{ text: status, lang: 'nb-NO' }], '');
  const hits: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await speech.prepare([{ text: status, lang: 'nb-NO' }], '');
    hits.push(performance.now() - t);
  }

  console.log(
    `\nVoice bench on ${db.dialect}${onRegister ? ' (callers drawn from the existing register)' : ''}, ${os.cpus().length} cores, load average after the calls ${load}`,
  );
  console.log(`baseline  indexed SELECT contact by phone   ${fmt(baseline)}`);
  console.log(`menu      signed webhook → TwiML            ${fmt(menu)}  ratio p99 ${(pct(menu, 99) / pct(baseline, 99)).toFixed(1)}x`);
  console.log(
    `pop       routing webhook → screen-pop      ${fmt(popLatency)}  at 50 calls/s, ${popLatency.length}/${CALLS} popped  ratio p99 ${(pct(popLatency, 99) / pct(baseline, 99)).toFixed(1)}x`,
  );
  console.log(
    `          server process CPU during the calls: ${serverCpu.toFixed(2)} s over ${wall.toFixed(2)} s wall, ${((serverCpu * 1000) / CALLS).toFixed(1)} ms per call (user ${cpuUser.toFixed(2)} s, system ${cpuSystem.toFixed(2)} s)`,
  );
  console.log(`tts       cache hit (prepare)               ${fmt(hits)}`);
  console.log(`tts       espeak-ng+sox, 200-char status    ${fmt(synth)}`);
  if (mark) await forgetBenchRows(databaseUrl, mark);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
