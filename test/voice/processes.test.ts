import { saySpeech } from '../../ivr/speech/speech';
import { loadConfig } from '../../server/core/config';
import { compose, type Composed } from '../../server/index';
import { createLogger } from '../../server/core/logger';
import { hashPassword } from '../../server/auth/passwords';
import { engines, type Engine } from '../support/engines';
import { eventually } from '../support/eventually';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { TEST_PASSWORD, TEST_PASSWORD_COST } from '../support/server';
import { startVoiceRestStandin, type VoiceRestStandin } from './twilio-standin';
import { ACCOUNT_SID, AUTH_TOKEN, accept, agentSocket, caller, next, voiceEnv, type AgentSocket } from './support';

/** Two server processes' worth of compose() on one database, as production runs them. */
async function pair(engine: Engine, standin: VoiceRestStandin, redis: boolean) {
  const db = await engine.create();
  const env = {
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DEMO_DATA: 'off',
    ...voiceEnv(standin),
    ...(redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
  };
  // Its own BullMQ prefix and Socket.IO adapter key: the defaults are shared with every other run on this Redis.
  const prefix = uniquePrefix();
  const start = async () => {
    const app = await compose(loadConfig(env), {
      logger: createLogger('silent'),
      passwordCost: TEST_PASSWORD_COST,
      voice: { speech: saySpeech },
      jobs: { prefix },
    });
    return { app, url: `http://127.0.0.1:${await app.listen(0)}` };
  };
  const a = await start();
  const b = await start();
  const dep = await a.app.db.transaction((m) => a.app.register.departments.create({ code: 'helse', name: 'Helse', menuDigit: 2 }, m));
  b.app.register.departments.invalidate();
  const passwordHash = await hashPassword(TEST_PASSWORD, TEST_PASSWORD_COST);
  const agent = async (email: string, on: { url: string }) => {
    await a.app.db.transaction((m) => a.app.auth.users.create({ email, name: email.split('@')[0], passwordHash, role: 'agent', departmentIds: [dep.id] }, m));
    const res = await fetch(`${on.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: TEST_PASSWORD }),
    });
    return ((await res.json()) as { token: string }).token;
  };
  const closeAll = async (...apps: Composed[]) => {
    for (const x of apps) await x.close().catch(() => undefined);
    await db.drop();
    if (redis) await dropPrefix(prefix);
  };
  return { a, b, agent, closeAll };
}

describe.each(engines())('two server processes on $name', (engine) => {
  let standin: VoiceRestStandin;
  const sockets: AgentSocket[] = [];
  beforeAll(async () => {
    standin = await startVoiceRestStandin(ACCOUNT_SID, AUTH_TOKEN);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await standin.close();
  });

  it('loses no queued call when the process that queued it dies', async () => {
    const { a, b, agent, closeAll } = await pair(engine, standin, false);
    try {
      const token = await agent('survivor@k.no', b);
      const call = caller(a.url, '+4791230000');
      await call.ring();
      await call.press('2');
      // Process A goes away after answering the <Enqueue>; Twilio's next request reaches B.
      a.app.httpServer.closeAllConnections();
      await a.app.close();
      const onB = caller(b.url, '+4791230000', { callSid: call.callSid });
      onB.last = call.last;
      expect((await onB.hold()).status).toBe(200);

      const sock = await agentSocket(b.url, token, 'away');
      sockets.push(sock);
      const offered = next(sock, 'call:incoming');
      sock.emit('agent:status', { status: 'available' });
      expect((await offered).callSid).toBe(call.callSid);
      const pop = next(sock, 'screen-pop');
      expect(await accept(sock, call.callSid)).toEqual({ ok: true });
      expect((await pop).from).toBe('+4791230000');
      expect(
        await eventually(() => {
          const m = standin.calls.filter((c) => c.callSid === call.callSid);
          return m.length ? m : null;
        }, 'the call moved to the agent by REST'),
      ).toHaveLength(1);
    } finally {
      await closeAll(b.app);
    }
  });

  // Several processes share one MariaDB in production; an SQLite file belongs to one process.
  if (engine.name === 'mariadb')
    it('lets exactly one agent win a race across processes sharing Redis', async () => {
      const { a, b, agent, closeAll } = await pair(engine, standin, true);
      try {
        const [t1, t2] = [await agent('r1@k.no', a), await agent('r2@k.no', b)];
        const [s1, s2] = await Promise.all([agentSocket(a.url, t1), agentSocket(b.url, t2)]);
        sockets.push(s1, s2);
        const call = caller(a.url, '+4791239999');
        await call.ring();
        const incoming = Promise.all([next(s1, 'call:incoming'), next(s2, 'call:incoming')]);
        await call.press('2');
        const [i1, i2] = await incoming;
        expect(i1.callSid).toBe(call.callSid);
        expect(i2).toEqual(i1);
        const taken = Promise.all([next(s1, 'call:taken'), next(s2, 'call:taken')]);
        const answers = await Promise.all([accept(s1, call.callSid), accept(s2, call.callSid)]);
        expect(answers.filter((x) => x.ok)).toHaveLength(1);
        expect(answers.find((x) => !x.ok)).toEqual({ ok: false, reason: 'taken' });
        const [k1, k2] = await taken;
        expect(k1).toEqual(k2);
        expect(
          await eventually(() => {
            const m = standin.calls.filter((c) => c.callSid === call.callSid);
            return m.length ? m : null;
          }, 'the call moved to the agent by REST'),
        ).toHaveLength(1);
      } finally {
        await closeAll(a.app, b.app);
      }
    });

  if (engine.name === 'mariadb')
    it('closes a socket held by another process when its token logs out (issue 12)', async () => {
      const { a, b, agent, closeAll } = await pair(engine, standin, true);
      try {
        const token = await agent('leaving@k.no', a);
        const control = await agent('staying@k.no', a);
        const [leaving, staying] = await Promise.all([agentSocket(b.url, token), agentSocket(b.url, control)]);
        sockets.push(leaving, staying);
        const closed = new Promise<void>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('the socket on B stayed open')), 5000);
          leaving.once('disconnect', () => (clearTimeout(t), resolve()));
        });
        // The logout reaches process A; the socket lives on B and only the Redis adapter carries the word.
        const out = await fetch(`${a.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        expect(out.status).toBe(204);
        await closed;
        expect(staying.connected).toBe(true);
      } finally {
        await closeAll(a.app, b.app);
      }
    });
});
