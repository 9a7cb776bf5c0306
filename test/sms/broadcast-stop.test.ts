import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { locality, manySubscribers, street } from './broadcast-fixture';

/*
 * A worker told to stop (SIGTERM → close() → the job queue's stop()) while it dispatches a send to
 * an audience: the batch in hand goes out whole, the batch it had claimed ahead goes back unsent,
 * and the run answers "look again now", so another process goes on at once; nothing is failed and
 * nothing goes twice.
 */

const SENDER = '+4759440014';

describe.each(engines())('a dispatcher that is stopping on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env, sms: { volume: { factor: 5, floor: 1_000_000 }, limits: { dailyPerUser: 1_000_000 } } });
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('ends after the batch in hand, gives back the one claimed ahead, and another run sends the rest once', async () => {
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: SENDER, isDefault: true }, m));
    const officer = (await s.user('officer@stop.pl', 'officer', ['teknisk'])).token;
    const admin = (await s.user('admin@stop.pl', 'admin', [])).token;
    expect((await s.api('PUT', '/api/sms/country-allowlist', { token: admin, body: { countries: ['PL'] } })).status).toBe(200);
    // 100 a second: batches of 200 (two seconds' worth), so the stop lands inside the first one.
    expect((await s.api('PUT', `/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, { token: admin, body: { perSecond: 100 } })).status).toBe(200);
    const town = await locality(s.app.db, 'Stęszew');
    const lane = await street(s.app.db, town, 'ul. Krótka');
    await manySubscribers(s.app.db, town, [lane], 1000, '+4860300');
    const r = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { body: 'Test', audience: { subscribers: { localities: [town] } }, sendAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(r.status).toBe(201);
    const deps = s.app.sms!.sends['deps'];
    await s.app.db.transaction((m) => deps.sends.transition(r.body.id, 'sending', ['scheduled'], m));
    const send = (await deps.sends.byId(r.body.id))!;
    const received = () => standin.messages.filter((m) => m.params.To.startsWith('+4860300'));

    const run = s.app.sms!.broadcast.dispatch(send);
    await eventually(() => received().length >= 20, 'the first batch under way', 10_000, 20);
    const stopped = s.app.jobs.stop();
    const again = await run;
    await stopped;
    // The batch in hand went out whole; the one claimed ahead went back: no claim is left open.
    expect(received()).toHaveLength(200);
    expect(again!.getTime()).toBeLessThanOrEqual(Date.now());
    const open = (await s.app.db.dataSource.query(
      'SELECT COUNT(*) AS n FROM sms_outbound WHERE send_id = ? AND claim IS NOT NULL AND message_id NOT IN (SELECT id FROM messages WHERE external_id IS NOT NULL)',
      [r.body.id],
    )) as { n: number | string }[];
    expect(Number(open[0].n)).toBe(0);

    // Another process (here: this one started again) goes on; rate off so the test is quick.
    await s.app.jobs.start();
    expect((await s.api('PUT', `/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, { token: admin, body: { perSecond: null } })).status).toBe(200);
    expect(await s.app.sms!.broadcast.dispatch(send)).toBeNull();
    expect(received()).toHaveLength(1000);
    expect(new Set(received().map((m) => m.params.To)).size).toBe(1000);
    const progress = await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer });
    expect(progress.body).toMatchObject({ state: 'sent', dispatched: 1000, statuses: { queued: 1000 } });
  }, 60_000);
});
