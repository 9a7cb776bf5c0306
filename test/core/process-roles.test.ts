/*
 * Process roles (issue 14): a web process (`--role web`) adds the job of a send but never runs it;
 * a worker process (`npm run worker`, i.e. `--role worker`) runs it. Real child processes started
 * the way production starts them, on MariaDB, with the Twilio REST stand-in in this process: once
 * on BullMQ (a private redis-server, so no other run's jobs or sockets mix in) and once on the
 * database queue, which two processes share by claiming each job with a conditional UPDATE.
 * SQLite is left out: a database file belongs to one process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authenticator } from 'otplib';
import { schema } from '../../ormconfig';
import { openDatabase } from '../../server/core/db/database';
import { DepartmentRepository } from '../../server/register/departments.repository';
import { UserRepository } from '../../server/auth/users.repository';
import { hashPassword } from '../../server/auth/passwords';
import { startProduct, startRedis, type Product } from '../../bench/screen-pop/procs';
import { engines } from '../support/engines';
import { startSmsRestStandin, STANDIN_ACCOUNT_SID, STANDIN_AUTH_TOKEN, type StandinMessage } from '../support/twilio-standin';
import { eventually } from '../support/eventually';
import { TEST_PASSWORD } from '../support/server';

const mariadb = engines().find((e) => e.name === 'mariadb')!;
const SENDER = '+4759440077';
const TO = ['+4791110001', '+4791110002', '+4791110003'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

jest.setTimeout(180_000);

async function api<T>(url: string, method: string, token: string | null, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as T };
}

describe.each([
  ['BullMQ on Redis', true],
  ['the database queue', false],
])('a web process and a worker process on MariaDB with %s', (_name, withRedis) => {
  const stop: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const s of stop.reverse()) await Promise.resolve(s()).catch(() => undefined);
    stop.length = 0;
  });

  it('dispatches a send created through the web process in the worker, never in the web process', async () => {
    const created = await mariadb.create();
    stop.push(() => created.drop());
    const secret = authenticator.generateSecret(20);
    const db = await openDatabase(created.url, schema);
    try {
      const clock = () => new Date();
      const departments = new DepartmentRepository({ db, clock });
      const users = new UserRepository({ db, clock });
      const passwordHash = await hashPassword(TEST_PASSWORD, 4);
      await db.transaction(async (m) => {
        const d = await departments.create({ code: 'varsling', name: 'Varsling', menuDigit: null }, m);
        await departments.addAddress({ departmentId: d.id, channel: 'sms', address: SENDER, isDefault: true }, m);
        const u = await users.create({ email: 'officer@roles.test', name: 'Officer', passwordHash, role: 'officer', departmentIds: [d.id] }, m);
        await users.update(u.id, { totpSecret: secret, totpEnabled: true }, m);
      });
    } finally {
      await db.close();
    }
    const standin = await startSmsRestStandin({ callbackOrigin: () => 'http://127.0.0.1:9' });
    stop.push(() => standin.close());
    const redis = withRedis ? await startRedis() : null;
    if (redis) stop.push(() => void redis.proc.kill());
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'process-roles-'));
    stop.push(() => fs.rmSync(logDir, { recursive: true, force: true }));
    const env = {
      NODE_ENV: 'production',
      DEMO_DATA: 'off',
      DATABASE_URL: created.url,
      PUBLIC_BASE_URL: 'https://servicetorg.roles.invalid',
      TWILIO_ACCOUNT_SID: STANDIN_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: STANDIN_AUTH_TOKEN,
      TWILIO_API_URL: standin.url,
      LOG_LEVEL: 'info',
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    const started: Product[] = [];
    stop.push(async () => {
      for (const p of started) await p.stop();
    });
    const web = await startProduct(env, [], logDir, 'web', 'web');
    started.push(web);

    const login = await api<{ token: string }>(`${web.url}/api/auth/login`, 'POST', null, {
      email: 'officer@roles.test',
      password: TEST_PASSWORD,
      totp: authenticator.generate(secret),
    });
    expect(login.status).toBe(200);
    // A send for a moment from now goes through the queue (one for now, of a few numbers, is handed over in the request).
    const sent = await api<{ send: { id: number; state: string } }>(`${web.url}/api/sms/messages`, 'POST', login.json.token, {
      body: 'Vannet er tilbake.',
      to: TO,
      sendAt: new Date(Date.now() + 1000).toISOString(),
    });
    expect(sent.status).toBe(201);
    expect(sent.json.send.state).toBe('scheduled');
    const view = async () => (await api<{ state: string }>(`${web.url}/api/sms/sends/${sent.json.send.id}`, 'GET', login.json.token)).json.state;

    // Long past the queue's poll and BullMQ's pick-up: the web process has the job and does not run it.
    await sleep(4000);
    const ours = () => standin.messages.filter((m: StandinMessage) => TO.includes(m.params.To ?? ''));
    expect(ours()).toHaveLength(0);
    expect(await view()).toBe('scheduled');

    const worker = await startProduct(env, [], logDir, 'worker', 'worker');
    started.push(worker);
    expect(await (await fetch(`${worker.url}/health`)).json()).toEqual({ status: 'ok', role: 'worker' });
    // The worker answers no API: agents and webhooks belong to web processes.
    expect((await fetch(`${worker.url}/api/auth/login`, { method: 'POST' })).status).toBe(404);

    await eventually(async () => ((await view()) === 'sent' ? true : null), 'the send dispatched by the worker');
    expect(
      ours()
        .map((m) => m.params.To)
        .sort(),
    ).toEqual(TO);
    await sleep(500);
    expect(ours()).toHaveLength(TO.length);
    // The web process logged its role, and its log says nothing of the send's job.
    const webLog = fs.readFileSync(web.log, 'utf8');
    expect(webLog).toContain('Web process: it adds jobs but runs none');
    expect(webLog).not.toMatch(/job failed|background work failed/);
    expect(fs.readFileSync(worker.log, 'utf8')).toContain('Servicetorg worker is running');
  });
});
