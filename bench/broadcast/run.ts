/*
 * bench/broadcast (issue 14, "Scale"): sends to audiences of residents in production mode.
 *
 *   npm run bench:broadcast -- [--subscribers 100000] [--bare 20000] [--rate 300] [--store-only]
 *
 * MariaDB at MARIADB_ADMIN_URL (default mysql://root@127.0.0.1:3306/), a database of its own,
 * seeded by SQL: 50 localities of 100 streets, subscribers spread over them (one in five chose a
 * whole locality, the others one or two streets), one to two interests each. The product runs as
 * production starts it (server/main.ts, NODE_ENV=production, Twilio credentials with
 * TWILIO_API_URL at the SMS REST stand-in in its own process). Printed:
 *   - an audience of 300 streets, and one of everyone: POST /api/sms/messages → 201, i.e. the
 *     audience resolved and every recipient's message stored ready to send (goal ≤ 5 s);
 *   - the send to everyone approved and dispatched by the one product process: messages per second
 *     at the stand-in, beside a bare loop that posts the same requests with the twilio SDK from
 *     this process at the same concurrency (the floor), and the ratio; each number once;
 *   - with a rate set on the sender number, the most messages the stand-in saw in any second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { createTwilioClient } from '../../channels/twilio/client';
import { STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN } from '../../test/support/twilio-standin';
import { cpuMs, forkHelper, loadavg, startProduct } from '../screen-pop/procs';
import { standinReady, statsAnswer, type StatsAnswer } from './standin';
import { api, arg, createBenchDatabase, dropBenchDatabase, log, productEnv, secs, seed, SENDER, sleep } from './setup';

const BARE = arg('bare', 20_000);
const RATE = arg('rate', 300);
/** Only store the two audiences (no dispatch, floor or rate): for profiling the store. */
const STORE_ONLY = process.argv.includes('--store-only');
const CONCURRENCY = 64; // the product's default dispatch concurrency (BroadcastOptions.concurrency)

async function main() {
  const { name, databaseUrl, login: loginAt } = await createBenchDatabase();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broadcast-'));
  let product: Awaited<ReturnType<typeof startProduct>> | null = null;
  let standinProc: { kill(): void } | null = null;
  try {
    const conn = await mysql.createConnection({ uri: databaseUrl });
    const { streetIds } = await seed(conn);

    const standin = await forkHelper('../broadcast/standin.ts', { maxSeconds: 3600 }, standinReady);
    standinProc = standin.proc;
    const stats = (prefix: string, since: number) =>
      new Promise<StatsAnswer>((resolve) => {
        standin.proc.once('message', (m) => resolve(statsAnswer.parse(m)));
        standin.proc.send({ stats: { prefix, since } });
      });
    product = await startProduct(productEnv(databaseUrl, standin.ready.url), [], logDir, 'product');
    const url = product.url;
    const login = (role: 'officer' | 'admin') => loginAt(url, role);
    const officer = await login('officer');
    const adminToken = await login('admin');
    await api(`${url}/api/sms/country-allowlist`, 'PUT', adminToken, { countries: ['PL'] });

    const store = async (label: string, audience: unknown, body = 'Awaria wodociągu: {{street}}, {{locality}}. Woda wróci ok. 18:00.') => {
      const t = performance.now();
      const r = await api(`${url}/api/sms/messages`, 'POST', officer, { body, audience });
      const ms = performance.now() - t;
      log(
        `${label}: ${r.recipients} recipients resolved and stored ready to send in ${secs(ms)} s (goal ≤ 5 s: ${ms <= 5000 ? 'met' : 'NOT met'}); state ${r.state}`,
      );
      return r;
    };

    // 300 streets: six of each locality.
    const some = streetIds.flatMap((s) => s.slice(0, 6));
    const streetsSend = await store(`audience of ${some.length} streets`, { subscribers: { streets: some } });
    let t = performance.now();
    await api(`${url}/api/sms/sends/${streetsSend.id}/cancel`, 'POST', officer);
    log(`  cancelled (every message stopped, set-based) in ${secs(performance.now() - t)} s`);

    const allSend = await store(
      'audience of everyone',
      { subscribers: { all: true } },
      'Ostrzeżenie burzowe dla {{locality}} dziś od 16:00. Zabezpiecz rzeczy na balkonie.',
    );
    if (STORE_ONLY) return void (await conn.end());
    const since = Date.now();
    t = performance.now();
    await api(`${url}/api/sms/sends/${allSend.id}/approve`, 'POST', adminToken);
    log(`  approved (messages to scheduled, set-based) in ${secs(performance.now() - t)} s`);
    const polls: number[] = [];
    const cpu0 = cpuMs(product.proc.pid);
    for (;;) {
      const p0 = performance.now();
      const v = await api(`${url}/api/sms/sends/${allSend.id}`, 'GET', officer);
      polls.push(performance.now() - p0);
      if (v.state === 'sent' || v.state === 'cancelled' || v.state === 'paused') {
        log(`  progress: state ${v.state}, dispatched ${v.dispatched} of ${v.recipients}, statuses ${JSON.stringify(v.statuses)}`);
        break;
      }
      await sleep(1000);
    }
    const cpu = cpuMs(product.proc.pid) - cpu0;
    const sent = await stats('+48500', since);
    const productRate = (sent.count / Math.max(1, sent.last! - sent.first!)) * 1000;
    log(
      `  dispatch: ${sent.count} requests at the stand-in for ${allSend.recipients} recipients, ${sent.unique} distinct numbers (${sent.count - sent.unique} duplicates), ` +
        `${productRate.toFixed(0)} messages/s from one process (goal ≥ 1000: ${productRate >= 1000 ? 'met' : 'NOT met'}); product CPU ${(cpu / Math.max(1, sent.count)).toFixed(2)} ms per message`,
    );
    log(
      `  GET /api/sms/sends/:id while it ran: ${polls.length} polls, median ${polls.sort((a, b) => a - b)[Math.floor(polls.length / 2)].toFixed(0)} ms, max ${polls.at(-1)!.toFixed(0)} ms`,
    );
    log(`  a merged text as received: ${JSON.stringify(sent.bodies[0])}`);

    // The floor: the same requests from a bare loop with the twilio SDK, same concurrency.
    const client = createTwilioClient({ accountSid: STANDIN_ACCOUNT_SID, authToken: STANDIN_AUTH_TOKEN, apiUrl: standin.ready.url });
    const bareSince = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < BARE; i = next++)
          await client.messages.create({
            from: SENDER,
            to: `+48790${String(i).padStart(6, '0')}`,
            body: 'Awaria wodociągu: ul. Ulica 1-1, Miejscowość 1. Woda wróci ok. 18:00.',
            statusCallback: 'https://servicetorg.bench.invalid/webhooks/twilio/sms/status',
          });
      }),
    );
    const bare = await stats('+48790', bareSince);
    const bareRate = (bare.count / Math.max(1, bare.last! - bare.first!)) * 1000;
    log(`  bare floor: ${bare.count} SDK requests at ${bareRate.toFixed(0)} messages/s; product/bare ratio ${(productRate / bareRate).toFixed(2)}`);

    // A rate on the sender number: one locality (≈ 2,000) at RATE a second.
    await api(`${url}/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, 'PUT', adminToken, { perSecond: RATE });
    const [firstLocality] = (await conn.query('SELECT id FROM address_localities ORDER BY id LIMIT 1')) as unknown as [{ id: number }[]];
    const paced = await store(`rate ${RATE}/s, one locality`, { subscribers: { localities: [firstLocality[0].id] } });
    const pacedSince = Date.now();
    if (paced.state === 'awaiting_approval') await api(`${url}/api/sms/sends/${paced.id}/approve`, 'POST', adminToken);
    for (;;) {
      const v = await api(`${url}/api/sms/sends/${paced.id}`, 'GET', officer);
      if (v.state !== 'scheduled' && v.state !== 'sending') break;
      await sleep(500);
    }
    const p = await stats('+48500', pacedSince);
    log(
      `  rate ${RATE}/s: ${p.count} messages in ${secs(p.last! - p.first!)} s, at most ${p.maxPerSecond} in any one second (honoured: ${p.maxPerSecond <= RATE + 1 ? 'yes' : 'NO'})`,
    );
    log(`load ${loadavg()}`);
    await conn.end();
  } finally {
    await product?.stop().catch(() => undefined);
    standinProc?.kill();
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
