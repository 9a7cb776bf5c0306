/*
 * bench/screen-pop/statements — the SQL statements one routed call costs the product, step by step
 * (menu webhook, menu choice, waitUrl fetch, accept and pop, the agent available again), so a cut
 * on the hot path can be counted rather than guessed. The product is composed in this process
 * with production settings (Twilio credentials, the REST stand-in of test/voice) on a scratch
 * MariaDB database that is dropped afterwards. Statements are read where TypeORM logs them.
 *
 *   npx tsx bench/screen-pop/statements.ts [--sql] [--calls N]
 *
 * --sql prints each statement, shortened. The call's end (Twilio's status callback) is counted too. --calls N then walks N more calls one after another (the
 * whole exchange, the call's end included) and prints the CPU milliseconds per call of this process,
 * product and load generator together: with no call overlapping another it is a steadier measure
 * of a hot-path cut than the concurrent bench on a busy machine (the generator's share is the same
 * before and after a cut).
 *
 * Environment: BENCH_POP_ADMIN_URL (default mysql://root@127.0.0.1:3306/test). 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import mysql from 'mysql2/promise';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/core/config';
import { compose } from '../../server/index';
import { createLogger } from '../../server/core/logger';
import { hashPassword } from '../../server/auth/passwords';
import { saySpeech } from '../../ivr/speech/speech';
import { SimulatedCall } from '../../channels/twilio-voice/simulator/caller';
import { startVoiceRestStandin } from '../../test/voice/twilio-standin';

const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ADMIN_URL = process.env.BENCH_POP_ADMIN_URL || 'mysql://root@127.0.0.1:3306/test';
const ACCOUNT_SID = `AC${'c3'.repeat(16)}`;
const AUTH_TOKEN = 'bench-statements-token';
const PUBLIC_BASE_URL = 'https://servicetorg.bench.invalid';
const PASSWORD = 'bench-statements-1';
const showSql = process.argv.includes('--sql');
const callsArg = process.argv.indexOf('--calls');
const CALLS = callsArg > 0 ? Math.min(5000, Math.max(1, Number(process.argv[callsArg + 1]) || 0)) : 0;

async function main() {
  const admin = new URL(ADMIN_URL.replace(/^mariadb:/, 'mysql:'));
  if (admin.hostname !== '127.0.0.1') throw new Error(`the bench only talks to 127.0.0.1, not ${admin.hostname}`);
  const name = `st_bench_stmts_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ uri: admin.toString() });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dbUrl = new URL(admin.toString());
  dbUrl.pathname = `/${name}`;
  const standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl.toString(),
    PORT: '0',
    PUBLIC_BASE_URL,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_URL: standin.url,
    DEMO_DATA: 'off',
    LOG_LEVEL: 'silent',
  });
  // One agent takes every call here, faster than the 20 events per 10 s a connection is allowed.
  const app = await compose(config, { logger: createLogger('silent'), voice: { speech: saySpeech }, agents: { eventsPerWindow: 1_000_000 } });
  const sockets: Socket[] = [];
  try {
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    const passwordHash = await hashPassword(PASSWORD, 10);
    const dep = await app.db.transaction((m) => app.register.departments.create({ code: 'bench-pop', name: 'Helse', menuDigit: 2 }, m));
    await app.db.transaction((m) =>
      app.auth.users.create({ email: 'agent@stmts.bench', name: 'Agent', passwordHash, role: 'agent', departmentIds: [dep.id] }, m),
    );
    const phone = '+4790000001';
    await app.db.transaction(async (m) => {
      for (let i = 0; i < 100; i++) await app.register.contacts.create({ name: `Innbygger ${i}`, phones: [`+4790${String(i).padStart(6, '0')}`] }, m);
    });
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@stmts.bench', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const agent = connect(`${url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(agent);
    await new Promise<void>((r) => agent.once('connect', () => r()));
    const emit = (event: string, payload: unknown) => new Promise((r) => agent.emit(event, payload, r));
    await emit('agent:status', { status: 'available' });

    const ds = app.db.dataSource;
    const original = ds.logger;
    let statements: string[] = [];
    ds.logger = new Proxy(original, {
      get: (target, prop, receiver) => (prop === 'logQuery' ? (q: string) => void statements.push(q) : (Reflect.get(target, prop, receiver) as unknown)),
    });
    const step = async (label: string, fn: () => Promise<unknown>) => {
      statements = [];
      await fn();
      await new Promise((r) => setTimeout(r, 100)); // what runs beside the answer (the REST move) is counted too
      console.log(`${String(statements.length).padStart(3)}  ${label}`);
      if (showSql) for (const s of statements) console.log(`       ${s.replace(/\s+/g, ' ').slice(0, 160)}`);
      return statements.length;
    };
    let total = 0;
    for (let round = 0; round < 2; round++) {
      console.log(round === 0 ? 'first call (cold caches):' : 'second call (warm):');
      const call = new SimulatedCall({
        serverUrl: url,
        publicBaseUrl: PUBLIC_BASE_URL,
        authToken: AUTH_TOKEN,
        accountSid: ACCOUNT_SID,
        from: phone,
        to: '+4771111000',
      });
      const incoming = new Promise((r) => agent.once('call:incoming', r));
      total = 0;
      total += await step('menu webhook', () => call.ring());
      total += await step('menu choice (routes, call:incoming)', async () => (await call.press('2'), await incoming));
      total += await step('waitUrl fetch', () => call.hold());
      const pop = new Promise((r) => agent.once('screen-pop', r));
      total += await step('call:accept → screen-pop (and the REST move)', async () => (await emit('call:accept', { callSid: call.callSid }), await pop));
      total += await step('agent:status busy', () => emit('agent:status', { status: 'busy' }));
      total += await step('agent:status available', () => emit('agent:status', { status: 'available' }));
      total += await step('status callback (completed)', () => call.end('completed'));
      console.log(`${String(total).padStart(3)}  in all\n`);
    }
    ds.logger = original;

    if (CALLS) {
      const one = async (i: number) => {
        const from = `+4790${String(i % 100).padStart(6, '0')}`;
        const call = new SimulatedCall({
          serverUrl: url,
          publicBaseUrl: PUBLIC_BASE_URL,
          authToken: AUTH_TOKEN,
          accountSid: ACCOUNT_SID,
          from,
          to: '+4771111000',
        });
        const incoming = new Promise((r) => agent.once('call:incoming', r));
        await call.ring();
        await call.press('2');
        await incoming;
        await call.hold();
        const pop = new Promise((r) => agent.once('screen-pop', r));
        await emit('call:accept', { callSid: call.callSid });
        await pop;
        await emit('agent:status', { status: 'busy' });
        await emit('agent:status', { status: 'available' });
        await call.end('completed');
      };
      for (let i = 0; i < 20; i++) await one(i); // warm-up
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) await one(i);
      const cpu = process.cpuUsage(cpu0);
      const wall = performance.now() - t0;
      console.log(
        `${CALLS} calls one after another: ${((cpu.user + cpu.system) / 1000 / CALLS).toFixed(2)} ms CPU per call (user ${(cpu.user / 1000 / CALLS).toFixed(2)}, system ${(cpu.system / 1000 / CALLS).toFixed(2)}), ${(wall / CALLS).toFixed(1)} ms wall per call; load ${loadavg()}`,
      );
    }
  } finally {
    for (const s of sockets) s.close();
    await app.close();
    await standin.close();
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.end();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
