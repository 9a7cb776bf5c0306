/*
 * bench/sms-inbound — signed Twilio inbound webhooks at 200 concurrent connections on MariaDB,
 * the product against a bare express + mysql2 handler doing one INSERT, in the same run.
 *
 *   npx tsx bench/sms-inbound/run.ts        (npm run bench:sms-inbound)
 *
 * Each server runs in a child process of this one, on its own fresh database; autocannon drives
 * both from here with the same bounded number of pre-signed requests (a unique MessageSid each,
 * 5,000 citizens writing 4 messages apiece), to 127.0.0.1 only. A warm-up precedes each
 * measured run. Afterwards the rows are counted: every request answered 2xx must be stored
 * exactly once (a 503 means "not stored, try again", which Twilio does).
 *
 * Environment:
 *   BENCH_MARIADB_URL   server URL without database (default mysql://root@127.0.0.1:3306)
 *   BENCH_REQUESTS      measured requests per server (default 20000)
 *   BENCH_CONNECTIONS   concurrent connections (default 200)
 *   BENCH_ROUNDS        paired rounds, bare and product in alternating order; the goals are
 *                       judged on the median ratios (default 3: one run is at the mercy of
 *                       neighbours on a shared machine)
 *   BENCH_NODE_ARGS     extra node options for both servers (profiling)
 * Each round also prints both servers' event-loop delay during the measured run
 * (perf_hooks.monitorEventLoopDelay in the server process; see servers.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import twilio from 'twilio';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN, BENCH_PUBLIC_URL } from './servers';

const SERVER_URL = (process.env.BENCH_MARIADB_URL || 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const REQUESTS = Number(process.env.BENCH_REQUESTS || '20000');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || '200');
const ROUNDS = Number(process.env.BENCH_ROUNDS || '3');
const WARMUP = 2000;
// For profiling the servers, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
const NODE_ARGS = (process.env.BENCH_NODE_ARGS || '').split(' ').filter(Boolean);
const PATH = '/webhooks/twilio/sms';
const GOAL_THROUGHPUT = 0.5;
const GOAL_P99 = 2;
/** Issue 13: the tail in every round, and throughput at least the bare server's. */
const TAIL_GOAL_P99 = 1.5;
const TAIL_GOAL_THROUGHPUT = 1.0;

if (new URL(SERVER_URL).hostname !== '127.0.0.1') {
  console.error('BENCH_MARIADB_URL must point at 127.0.0.1');
  process.exit(2);
}

interface Signed {
  body: string;
  signature: string;
}

/** Twilio's form for one inbound SMS, signed the way Twilio signs it (HMAC-SHA1 over URL and sorted params). */
function signedRequests(n: number, tag: string): Signed[] {
  const out: Signed[] = [];
  for (let i = 0; i < n; i++) {
    const citizen = 5000 + (i % 5000);
    const params = {
      // Twilio's shape: SM and 32 hex digits; warm-up and measured runs never share one.
      MessageSid: `SM${tag === 'W' ? '0' : '1'}${i.toString(16).padStart(7, '0')}${randomBytes(12).toString('hex')}`,
      AccountSid: BENCH_ACCOUNT_SID,
      From: `+47915${String(citizen).padStart(5, '0')}`,
      To: '+4759440004',
      Body: `Hei, dette er melding ${i} om vannmåleren i Storgata ${citizen % 200}.`,
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    };
    out.push({ body: new URLSearchParams(params).toString(), signature: twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, BENCH_PUBLIC_URL + PATH, params) });
  }
  return out;
}

interface LoopDelay {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  gcMs: number;
  gcMajorMs: number;
  gcMaxMs: number;
}

async function startChild(
  mode: 'product' | 'bare',
  databaseUrl: string,
): Promise<{ port: number; child: ChildProcess; loopDelay: () => Promise<LoopDelay | null> }> {
  const child = spawn(process.execPath, [...NODE_ARGS, '--import', 'tsx', path.join(__dirname, 'servers.ts'), mode, databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = readline.createInterface({ input: child.stdout! });
  const delays: ((d: LoopDelay) => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
    // Diagnostic flags (--trace-gc) print to stdout too: the port and loop-delay lines are the ones that parse; the rest goes to stderr.
    rl.on('line', (line) => {
      const port = /^\{"port":(\d+)\}$/.exec(line)?.[1];
      if (port) return resolve(Number(port));
      if (line.startsWith('{"loopDelay":')) return delays.shift()?.((JSON.parse(line) as { loopDelay: LoopDelay }).loopDelay);
      process.stderr.write(`[${mode}] ${line}\n`);
    });
  });
  /** The server's event-loop delay since it was last asked (SIGUSR2); null if it does not answer within 2 s. */
  const loopDelay = () =>
    new Promise<LoopDelay | null>((resolve) => {
      const t = setTimeout(() => resolve(null), 2000);
      delays.push((d) => (clearTimeout(t), resolve(d)));
      child.kill('SIGUSR2');
    });
  return { port, child, loopDelay };
}

async function load(port: number, requests: Signed[]): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount: requests.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: PATH,
        setupRequest: (req) => {
          const r = requests[next++ % requests.length];
          return { ...req, body: r.body, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': r.signature } };
        },
      },
    ],
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function mariadbPid(): number | undefined {
  try {
    return Number(execFileSync('pidof', ['mariadbd'], { encoding: 'utf8' }).trim().split(' ')[0]) || undefined;
  } catch {
    return undefined;
  }
}

async function measure(mode: 'product' | 'bare', admin: mysql.Connection) {
  const db = `st_bench_sms_${mode}_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const { port, child, loopDelay } = await startChild(mode, `${SERVER_URL}/${db}`);
  try {
    const warm = await load(port, signedRequests(WARMUP, 'W'));
    const requests = signedRequests(REQUESTS, 'M');
    await loopDelay(); // from here on
    const before = { server: cpuSeconds(child.pid), db: cpuSeconds(mariadbPid()) };
    const result = await load(port, requests);
    const after = { server: cpuSeconds(child.pid), db: cpuSeconds(mariadbPid()) };
    const delay = await loopDelay();
    const used = (a: number | null, b: number | null) => (a === null || b === null ? null : ((b - a) / REQUESTS) * 1000);
    const cpu = { server: used(before.server, after.server), db: used(before.db, after.db) };
    const table = mode === 'product' ? "messages WHERE channel = 'sms'" : 'inbound';
    const [[row]] = (await admin.query(`SELECT COUNT(*) AS n FROM \`${db}\`.${table}`)) as unknown as [[{ n: number }]];
    const codes = (r: autocannon.Result) =>
      Object.entries((r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
        .map(([c, v]) => `${c}x${v.count}`)
        .join(' ');
    // Acknowledged (2xx) requests must each be stored once; a 503 says "not stored, retry" as Twilio expects.
    const acknowledged = WARMUP + REQUESTS - warm.non2xx - warm.errors - result.non2xx - result.errors;
    return { mode, result, cpu, delay, stored: Number(row.n), expected: acknowledged, codes: `warm-up ${codes(warm)}; measured ${codes(result)}` };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin.query(`DROP DATABASE IF EXISTS \`${db}\``);
  }
}

type Measured = Awaited<ReturnType<typeof measure>>;

/*
 * Requests per second from the whole run's count and its measured time, rather than autocannon's
 * requests.average, the mean of whole-second samples, in which the last, partial second counts as
 * a full one.
 */
const rate = (x: Measured) => x.result.requests.total / (Math.max(1, new Date(x.result.finish).getTime() - new Date(x.result.start).getTime()) / 1000);

const line = (x: Measured) =>
  `${x.mode.padEnd(8)} ${rate(x).toFixed(0).padStart(7)} req/s   p50 ${String(x.result.latency.p50).padStart(4)} ms   p99 ${String(x.result.latency.p99).padStart(5)} ms   ` +
  `non-2xx ${x.result.non2xx}   errors ${x.result.errors}   timeouts ${x.result.timeouts}   stored ${x.stored} of ${x.expected} acknowledged`;
const ms = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} ms`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const admin = await mysql.createConnection({ uri: SERVER_URL });
  console.log(
    `bench/sms-inbound: ${REQUESTS} signed inbound webhooks per server and round, ${CONNECTIONS} connections, ${ROUNDS} rounds, MariaDB at ${new URL(SERVER_URL).host}`,
  );
  const rounds: { bare: Measured; product: Measured; throughput: number; p50: number; p99: number }[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    console.log(`round ${r}: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores`);
    // Paired, in alternating order, so drift on a shared machine does not always favour one side.
    const first = r % 2 === 1 ? 'bare' : 'product';
    const a = await measure(first, admin);
    const b = await measure(first === 'bare' ? 'product' : 'bare', admin);
    const [bare, product] = first === 'bare' ? [a, b] : [b, a];
    for (const x of [bare, product]) console.log(`  ${line(x)}`);
    for (const x of [bare, product])
      console.log(`  ${x.mode.padEnd(8)} status codes: ${x.codes}; CPU per request: server ${ms(x.cpu.server)}, MariaDB ${ms(x.cpu.db)}`);
    for (const x of [bare, product])
      console.log(
        `  ${x.mode.padEnd(8)} event-loop delay during the measured run: ${x.delay ? `p50 ${x.delay.p50} ms, p99 ${x.delay.p99} ms, p99.9 ${x.delay.p999} ms, max ${x.delay.max} ms, mean ${x.delay.mean} ms; GC ${x.delay.gcMs} ms (major ${x.delay.gcMajorMs} ms), longest pause ${x.delay.gcMaxMs} ms` : 'n/a'}`,
      );
    const round = {
      bare,
      product,
      throughput: rate(product) / rate(bare),
      p50: product.result.latency.p50 / bare.result.latency.p50,
      p99: product.result.latency.p99 / bare.result.latency.p99,
    };
    console.log(`  ratios   throughput ${round.throughput.toFixed(2)}x   p50 ${round.p50.toFixed(2)}x   p99 ${round.p99.toFixed(2)}x`);
    rounds.push(round);
  }
  await admin.end();

  const throughput = median(rounds.map((x) => x.throughput));
  const p50 = median(rounds.map((x) => x.p50));
  const p99 = median(rounds.map((x) => x.p99));
  console.log(
    `median of ${ROUNDS} rounds: throughput ${throughput.toFixed(2)}x bare (goal >= ${GOAL_THROUGHPUT})   p50 ${p50.toFixed(2)}x   p99 ${p99.toFixed(2)}x bare (goal <= ${GOAL_P99})`,
  );
  const complete = rounds.every((x) => x.bare.stored === x.bare.expected && x.product.stored === x.product.expected);
  const met = throughput >= GOAL_THROUGHPUT && p99 <= GOAL_P99;
  console.log(`goals ${met ? 'MET' : 'NOT MET'}; every acknowledged request stored exactly once: ${complete ? 'yes' : 'NO'}`);
  // Issue 13's tighter goals, judged in every round rather than by the median.
  const tailMet = rounds.every((x) => x.p99 <= TAIL_GOAL_P99);
  const rateMet = rounds.every((x) => x.throughput >= TAIL_GOAL_THROUGHPUT);
  console.log(
    `every round: p99 ≤ ${TAIL_GOAL_P99}x bare ${tailMet ? 'met' : 'NOT met'} (${rounds.map((x) => x.p99.toFixed(2)).join(', ')}); throughput ≥ ${TAIL_GOAL_THROUGHPUT}x bare ${rateMet ? 'met' : 'NOT met'} (${rounds.map((x) => x.throughput.toFixed(2)).join(', ')})`,
  );
  process.exit(complete ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
