import { engines, type Engine } from '../support/engines';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { eventually } from '../support/eventually';

const cases = engines().flatMap((engine) =>
  (['database', 'bullmq'] as const).map((queue) => ({ engine, queue, name: `${engine.name} with the ${queue} queue` })),
);

describe.each(cases)('scheduled SMS sends on $name', ({ engine, queue }: { engine: Engine; queue: 'database' | 'bullmq' }) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let database: TestServer['database'];
  let officer: string;
  let admin: string;
  const prefix = uniquePrefix();
  const start = (db = database) =>
    startServer(engine, {
      env: { ...standin.env, ...(queue === 'bullmq' ? { REDIS_URL: TEST_REDIS_URL } : {}) },
      jobs: { prefix, pollMs: 50 },
      database: db,
      keepDatabase: true,
    });
  const sentTo = (phone: string) => standin.messages.filter((m) => m.params.To === phone).length;
  const inAWhile = (ms: number) => new Date(Date.now() + ms).toISOString();

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    database = await engine.create();
    s = await start();
    const teknisk = await s.department('teknisk');
    await s.department('helse');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
  });
  afterAll(async () => {
    await s.close();
    await database.drop();
    await standin.close();
    if (queue === 'bullmq') await dropPrefix(prefix);
  });

  it('holds a send until sendAt, then hands each recipient over once, with the whole history', async () => {
    const sendAt = inAWhile(1500);
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: ['+4791300001', '+4791300002'], body: 'Vannet stenges kl 10.', sendAt } });
    expect(r.status).toBe(201);
    expect(r.body.send).toMatchObject({ state: 'scheduled', sendAt: new Date(sendAt).toISOString(), recipients: 2, statuses: { scheduled: 2 } });
    expect(r.body.items.map((x: { status: string }) => x.status)).toEqual(['scheduled', 'scheduled']);
    const listed = await s.api('GET', '/api/sms/sends?state=scheduled', { token: officer });
    expect(listed.body.items.map((x: { id: number }) => x.id)).toContain(r.body.send.id);

    await eventually(() => sentTo('+4791300001') + sentTo('+4791300002') === 2, 'both scheduled messages at the stand-in');
    // Held until sendAt: the stand-in saw neither before it (no sleep, so a slow machine cannot hide an early send).
    const arrivals = standin.messages.filter((m) => ['+4791300001', '+4791300002'].includes(m.params.To)).map((m) => m.receivedAt);
    for (const at of arrivals) expect(at).toBeGreaterThanOrEqual(new Date(sendAt).getTime());
    await eventually(async () => (await s.api('GET', `/api/sms/sends/${r.body.send.id}`, { token: officer })).body.state === 'sent', 'the send to be sent');
    const history = await s.api('GET', `/api/messages/${r.body.items[0].id}`, { token: admin });
    expect(history.body.events.map((e: { status: string }) => e.status)).toEqual(['scheduled', 'queued', 'queued']);
    expect(history.body.events[0]).toMatchObject({ sendId: r.body.send.id, sendAt: new Date(sendAt).toISOString() });
    expect(history.body.externalId).toMatch(/^SM/);
  });

  it('cancels a scheduled send: every message stopped as cancelled, and nothing reaches the stand-in', async () => {
    const sendAt = inAWhile(1200);
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: ['+4791300011', '+4791300012'], body: 'Avlyst møte', sendAt } });
    expect(r.status).toBe(201);
    const other = (await s.user('helse.officer@kommune.no', 'officer', ['helse'])).token;
    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/cancel`, { token: other })).status).toBe(404);
    const cancelled = await s.api('POST', `/api/sms/sends/${r.body.send.id}/cancel`, { token: officer });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', statuses: { stopped: 2 } });
    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/cancel`, { token: officer })).status).toBe(409);
    // Positive control: a send due just after the cancelled one. Jobs come due in sendAt order, so
    // once the control is at the stand-in, the cancelled send's job has had its turn.
    const control = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { to: '+4791300013', body: 'Kontroll', sendAt: new Date(new Date(sendAt).getTime() + 100).toISOString() },
    });
    expect(control.status).toBe(201);
    await eventually(() => sentTo('+4791300013') === 1, 'the control send at the stand-in');
    expect(sentTo('+4791300011') + sentTo('+4791300012')).toBe(0);
    const history = await s.api('GET', `/api/messages/${r.body.items[1].id}`, { token: admin });
    expect(history.body.status).toBe('stopped');
    expect(history.body.events.at(-1)).toMatchObject({ status: 'stopped', reason: 'cancelled' });
    expect((await s.api('GET', '/api/sms/sends?state=cancelled', { token: officer })).body.items[0].id).toBe(r.body.send.id);
  });

  it('refuses a sendAt in the past, one that is not a date, and cancelling a send that went', async () => {
    const before = await s.count('messages');
    expect((await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791300021', body: 'x', sendAt: inAWhile(-60_000) } })).status).toBe(400);
    expect((await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791300021', body: 'x', sendAt: 'tomorrow' } })).status).toBe(400);
    expect(await s.count('messages')).toBe(before);
    const now = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791300021', body: 'Straks' } });
    expect(now.body.send.state).toBe('sent');
    expect((await s.api('POST', `/api/sms/sends/${now.body.send.id}/cancel`, { token: officer })).status).toBe(409);
  });

  it('survives a restart with jobs pending: each recipient gets the message once, and a later restart sends nothing again', async () => {
    const phones = ['+4791300031', '+4791300032', '+4791300033', '+4791300034'];
    const sendAt = inAWhile(1500);
    for (const pair of [phones.slice(0, 2), phones.slice(2)]) {
      expect((await s.api('POST', '/api/sms/messages', { token: officer, body: { to: pair, body: 'Etter omstart', sendAt } })).status).toBe(201);
    }
    await s.close();
    // The scenario: sendAt passes while no server runs. Waiting for the wall clock is the point here.
    await eventually(() => Date.now() > new Date(sendAt).getTime() + 200, 'sendAt to pass while the server is down', 5000, 50);
    expect(phones.map(sentTo)).toEqual([0, 0, 0, 0]);
    s = await start();
    await eventually(() => phones.every((p) => sentTo(p) >= 1), 'every pending recipient served after the restart');
    await s.close();
    s = await start();
    // Positive control: a send scheduled after the second restart reaches the stand-in, so that
    // server's worker has run; a job left over from before would have sent again by then.
    const control = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { to: '+4791300035', body: 'Kontroll etter omstart', sendAt: inAWhile(200) },
    });
    expect(control.status).toBe(201);
    await eventually(() => sentTo('+4791300035') === 1, 'the control send after the second restart');
    expect(phones.map(sentTo)).toEqual([1, 1, 1, 1]);
    const rows = await s.app.db.dataSource.query("SELECT status, COUNT(*) AS n FROM messages WHERE body = 'Etter omstart' GROUP BY status");
    expect(rows.map((x: { status: string; n: number | string }) => [x.status, Number(x.n)])).toEqual([['queued', 4]]);
    const queuedEvents = await s.app.db.dataSource.query(
      "SELECT COUNT(*) AS n FROM message_events e JOIN messages m ON m.id = e.message_id WHERE m.body = 'Etter omstart' AND e.status = 'queued' AND e.provider_status IS NULL",
    );
    expect(Number(queuedEvents[0].n)).toBe(4);
  });

  it('claims each message before handing it over, so the same job run three times at once sends once', async () => {
    const phones = ['+4791300041', '+4791300042', '+4791300043'];
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: phones, body: 'Tre ganger', sendAt: inAWhile(3600_000) } });
    await s.app.db.transaction((m) => m.query('UPDATE sms_sends SET send_at = ? WHERE id = ?', [s.app.db.param(new Date(Date.now() - 1000)), r.body.send.id]));
    const sms = s.app.sms!;
    // run() hands over inline, so when all three have returned every hand-over has happened.
    await Promise.all([1, 2, 3].map(() => sms.sendJobs.run(r.body.send.id)));
    expect((await s.api('GET', `/api/sms/sends/${r.body.send.id}`, { token: officer })).body.state).toBe('sent');
    expect(phones.map(sentTo)).toEqual([1, 1, 1]);
  });
});
