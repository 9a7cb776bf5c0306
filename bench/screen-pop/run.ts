/*
 * Voice figures on this machine, SQLite by default (DATABASE_URL=mysql://… for MariaDB):
 *  - baseline: a bare indexed SELECT (contact by phone) in the same process
 *  - menu webhook (signed POST → TwiML) p50/p99
 *  - routed call: the menu-choice webhook that queues the call → `screen-pop` received by a
 *    socket.io-client agent who accepts on call:incoming; 50 new calls a second
 *  - speech: a cache hit, and an offline (espeak-ng + sox) synthesis of a 200-character status
 * Everything runs on 127.0.0.1; loops are bounded by count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect } from 'socket.io-client';
import pino from 'pino';
import { loadConfig } from '../../server/config';
import { compose } from '../../server/index';
import { hashPassword } from '../../server/domain/passwords';
import { saySpeech } from '../../ivr/speech/speech';
import { CachedSpeech } from '../../ivr/speech/cached';
import { EspeakEngine } from '../../ivr/speech/espeak';
import { SimulatedCall } from '../../channels/voice/simulator/caller';
import { SIMULATION_AUTH_TOKEN } from '../../channels/voice';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(2)} ms  p99 ${pct(xs, 99).toFixed(2)} ms  (n=${xs.length})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-voice-'));
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'bench.sqlite')}`;
  const app = await compose(loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', DEMO_DATA: 'off' }), { passwordCost: 10, voice: { speech: saySpeech } });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const base = app.config.publicBaseUrl;
  const dep = await app.db.transaction((m) => app.repos.departments.create({ code: 'helse', name: 'Helse', menuDigit: 2 }, m));
  const passwordHash = await hashPassword('bench-password-1', 10);
  await app.db.transaction((m) => app.repos.users.create({ email: 'bench@k.no', name: 'Bench', passwordHash, role: 'agent', departmentIds: [dep.id] }, m));
  // A register to search: 2,000 contacts, each with a case.
  await app.db.transaction(async (m) => {
    for (let i = 0; i < 2000; i++) await app.repos.contacts.create({ name: `Innbygger ${i}`, phones: [`+4790${String(i).padStart(6, '0')}`] }, m);
  });
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@k.no', password: 'bench-password-1' }) });
  const { token } = (await login.json()) as { token: string };

  const baseline: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    await app.repos.contacts.byPhone(`+4790${String(i).padStart(6, '0')}`);
    baseline.push(performance.now() - t);
  }

  const newCall = (i: number) => new SimulatedCall({ serverUrl: url, publicBaseUrl: base, authToken: SIMULATION_AUTH_TOKEN, accountSid: `AC${'0'.repeat(32)}`, from: `+4790${String(i % 2000).padStart(6, '0')}`, to: '+4771111000' });
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
  agent.close();

  const speech = new CachedSpeech({ engines: [new EspeakEngine()], audioBaseUrl: `${base}/a`, secret: 'bench', dir: null, logger: pino({ level: 'silent' }) });
  const status = 'Sak 2026/1234 om tilbygg til enebolig er under behandling. Vi venter på uttalelse fra naboene og regner med å fatte vedtak innen fire uker. Du får svar i posten og på SMS.'.padEnd(200, '.');
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

  console.log(`\nVoice bench on ${app.db.dialect}, ${os.cpus().length} cores`);
  console.log(`baseline  indexed SELECT contact by phone   ${fmt(baseline)}`);
  console.log(`menu      signed webhook → TwiML            ${fmt(menu)}  ratio p99 ${(pct(menu, 99) / pct(baseline, 99)).toFixed(1)}x`);
  console.log(`pop       routing webhook → screen-pop      ${fmt(popLatency)}  at 50 calls/s, ${popLatency.length}/${CALLS} popped  ratio p99 ${(pct(popLatency, 99) / pct(baseline, 99)).toFixed(1)}x`);
  console.log(`tts       cache hit (prepare)               ${fmt(hits)}`);
  console.log(`tts       espeak-ng+sox, 200-char status    ${fmt(synth)}`);
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
