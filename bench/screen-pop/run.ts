/*
 * bench/screen-pop — the screen pop as a contact centre runs it (issue 13), then the old
 * simulation-mode figures as a second line.
 *
 *   npm run bench:screen-pop                                  50 calls/s for 20 s, then the simulation line
 *   npm run bench:screen-pop -- --rates 10,25,40,50           several rates, each beside the bare floor
 *   npm run bench:screen-pop -- --capacity                    steps 25,50,…,150 calls/s (10 s each) until pop p99 > 30 ms or a call is lost
 *   npm run bench:screen-pop -- --redis                       also two product processes on a private Redis at 100 calls/s
 *   npm run bench:screen-pop -- --register                    callers from bench/register's 1M-contact register (st_bench) instead of a fresh one
 *   npm run bench:screen-pop -- --rates 45 --seconds 10 --skip-simulation     a short run, e.g. for a profile:
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/pop-prof" npm run bench:screen-pop -- --rates 45 --seconds 10 --skip-simulation
 *
 * Production mode: a scratch MariaDB database (dropped afterwards); the product started as
 * production starts it (its own process running server/main.ts through tsx, NODE_ENV=production,
 * PUBLIC_BASE_URL, Twilio credentials, TWILIO_API_URL at the REST stand-in of test/voice in its own
 * process, answering at once); an administrator with TOTP pushes --cases cases (one contact each)
 * through PUT /api/cases; agents of one department log in and connect over Socket.IO; callers arrive
 * at a fixed rate, each walking the signed menu webhook, the menu choice and the <Enqueue> waitUrl;
 * the first idle agent offered a call accepts it, waits for its screen-pop, goes busy for the rest of
 * --talk-ms, then sets itself available again (drive.ts says why calls take 1.8 s at the least: the
 * product allows 20 events per 10 s per connection, so the agent count follows the rate). A bare
 * express + socket.io server (bare.ts) takes the same load in the same run as the floor.
 * Printed per rate: accept → pop and routing → ring p50/p99, calls lost, the floor's p99 and the
 * ratios, and CPU milliseconds per call of the product's processes and of MariaDB (/proc utime +
 * stime; MariaDB's counts every client of it, so run it on a quiet machine).
 *
 * Flags: --rates (default 50), --seconds (20), --capacity [list] (25,50,75,100,125,150),
 * --capacity-seconds (10), --redis [rate] (100), --register, --cases (2000), --talk-ms (1800),
 * --agents (default: enough for the rate), --skip-floor (no bare floor: quicker CPU-per-call
 * comparisons), --skip-simulation, --simulation-only.
 * Environment: BENCH_NODE_ARGS (node options for the product's processes), BENCH_POP_ADMIN_URL
 * (MariaDB for the scratch database, default mysql://root@127.0.0.1:3306/test), BENCH_POP_REGISTER_URL
 * (default mysql://root@127.0.0.1:3306/st_bench), BENCH_POP_LOG_LEVEL (the product's LOG_LEVEL,
 * default info; its output goes to a file under the OS temp dir), and for the simulation line
 * DATABASE_URL (default a temporary SQLite file).
 * Everything runs on 127.0.0.1; every loop is bounded by count or time, and the run gives up after 40 minutes.
 */
import { parseArgs } from 'node:util';
import { runProduction } from './production';
import { runSimulation } from './simulation';
import { TALK_MS_MIN } from './drive';

const list = (s: string) =>
  s.split(',').map((x) => {
    const n = Number(x.trim());
    if (!Number.isFinite(n) || n <= 0 || n > 500) throw new Error(`not a call rate: ${x}`);
    return n;
  });
const int = (s: string, name: string, min: number, max: number) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

async function main() {
  // --capacity and --redis take an optional value; parseArgs wants one or the other, so take it by hand.
  const argv = process.argv.slice(2);
  const optional = (flag: string, fallback: string) => {
    const i = argv.indexOf(flag);
    if (i < 0) return null;
    const v = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv.splice(i + 1, 1)[0] : fallback;
    argv.splice(i, 1);
    return v;
  };
  const capacity = optional('--capacity', '25,50,75,100,125,150');
  const redis = optional('--redis', '100');
  const { values: v } = parseArgs({
    args: argv,
    options: {
      rates: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '20' },
      'capacity-seconds': { type: 'string', default: '10' },
      register: { type: 'boolean', default: false },
      cases: { type: 'string', default: '2000' },
      'talk-ms': { type: 'string', default: String(TALK_MS_MIN) },
      agents: { type: 'string' },
      'skip-simulation': { type: 'boolean', default: false },
      'skip-floor': { type: 'boolean', default: false },
      'simulation-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const talkMs = int(v['talk-ms'], 'talk-ms', 0, 60_000);
  if (talkMs < TALK_MS_MIN) console.warn(`--talk-ms below ${TALK_MS_MIN}: agents will hit the product's 20 events per 10 s per connection`);
  if (!v['simulation-only']) {
    await runProduction({
      rates: list(v.rates),
      seconds: int(v.seconds, 'seconds', 1, 120),
      capacity: capacity ? list(capacity) : null,
      capacitySeconds: int(v['capacity-seconds'], 'capacity-seconds', 1, 120),
      redisRate: redis ? list(redis)[0] : null,
      register: v.register,
      registerUrl: process.env.BENCH_POP_REGISTER_URL || 'mysql://root@127.0.0.1:3306/st_bench',
      adminUrl: process.env.BENCH_POP_ADMIN_URL || 'mysql://root@127.0.0.1:3306/test',
      cases: int(v.cases, 'cases', 1, 100_000),
      talkMs,
      agents: v.agents ? int(v.agents, 'agents', 1, 2000) : null,
      floor: !v['skip-floor'],
      nodeArgs: (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    });
  }
  if (!v['skip-simulation']) {
    console.log('\nSimulation mode (no Twilio credentials, one agent accepting every call, in-process server.ts):');
    await runSimulation();
  }
}

setTimeout(() => {
  console.error('[screen-pop] gave up after 40 minutes');
  process.exit(1); // helper and product processes are killed on exit (procs.ts)
}, 40 * 60_000).unref();
process.on('SIGINT', () => process.exit(130));

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
