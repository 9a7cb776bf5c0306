import type { DbJobQueue } from '../../server/core/jobs/db-queue';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { locality, manySubscribers, street } from './broadcast-fixture';

/*
 * The status model's holds apply to sends to an audience as to any other (issue 14): a link to a
 * host not on the allow-list, and a volume far above the sender's normal traffic, wait for
 * another officer's approval; a paused sender's scheduled alert waits until an admin resumes it.
 * The server's clock is the wall clock plus `ahead`, and `settle` runs every due job, so "nothing
 * was sent" is checked after the queue has done all it would.
 */

const SENDER = '+4759440006';

describe.each(engines())('approval and pause of sends to an audience on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let author: string;
  let reviewer: string;
  let admin: string;
  let ahead = 0;
  const ids: Record<string, number> = {};
  const phones: Record<string, string[]> = {};
  const settle = () => (s.app.jobs as DbJobQueue).idle();
  const sent = (list: string[]) => list.map((p) => standin.messages.filter((m) => m.params.To === p).length);
  const state = async (id: number) => (await s.api('GET', `/api/sms/sends/${id}`, { token: admin })).body.state;
  const post = (body: Record<string, unknown>) => s.api('POST', '/api/sms/messages', { token: author, body });

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, {
      env: standin.env,
      clock: () => new Date(Date.now() + ahead),
      jobs: { pollMs: 50 },
      sms: { volume: { factor: 5, floor: 20 }, limits: { dailyPerUser: 1_000_000 } },
    });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: SENDER, isDefault: true }, m));
    author = (await s.user('author@kommune.no', 'officer', ['teknisk'])).token;
    reviewer = (await s.user('reviewer@kommune.no', 'officer', ['teknisk'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    const db = s.app.db;
    ids.small = await locality(db, 'Litenby');
    phones.small = await manySubscribers(db, ids.small, [await street(db, ids.small, 'Kortgata')], 3, '+4795');
    ids.large = await locality(db, 'Storby');
    phones.large = await manySubscribers(db, ids.large, [await street(db, ids.large, 'Langgata')], 30, '+4794');
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('holds an alert with a link to a host not on the allow-list until another officer approves it, then sends it once', async () => {
    const r = await post({ body: 'Les mer: https://skjema.example.com/flom', audience: { subscribers: { localities: [String(ids.small)] } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'awaiting_approval', recipients: 3, holdReason: { urls: ['skjema.example.com'] } });
    await settle();
    expect(sent(phones.small)).toEqual([0, 0, 0]);

    expect((await s.api('POST', `/api/sms/sends/${r.body.id}/approve`, { token: author })).status).toBe(403);
    expect((await s.api('POST', `/api/sms/sends/${r.body.id}/approve`, { token: reviewer })).status).toBe(200);
    await eventually(async () => (await state(r.body.id)) === 'sent', 'the approved alert to be sent');
    expect(sent(phones.small)).toEqual([1, 1, 1]);
  });

  it('holds an alert far above the sender’s normal volume; rejected, every message is stopped and none sent', async () => {
    const r = await post({ body: 'Informasjon til alle i Storby', audience: { subscribers: { localities: [String(ids.large)] } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'awaiting_approval', recipients: 30, holdReason: { volume: { recipients: 30 } } });
    const rejected = await s.api('POST', `/api/sms/sends/${r.body.id}/reject`, { token: reviewer });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ state: 'rejected', statuses: { stopped: 30 } });
    await settle();
    expect(sent(phones.large).every((n) => n === 0)).toBe(true);
  });

  it('keeps a paused sender’s scheduled alert waiting past its time, and sends it once when an admin resumes the sender', async () => {
    const sendAt = new Date(Date.now() + ahead + 3600_000).toISOString();
    const r = await post({ body: 'Vannet stenges i morgen', audience: { subscribers: { localities: [String(ids.small)] } }, sendAt });
    expect(r.body).toMatchObject({ state: 'scheduled', recipients: 3 });
    const paused = await s.api('POST', `/api/sms/senders/${SENDER}/pause`, { token: admin, body: { reason: 'Mistenkelig trafikk' } });
    expect(paused.body.paused).toEqual([r.body.id]);
    ahead += 3600_000 + 1000;
    await settle();
    expect(await state(r.body.id)).toBe('paused');
    const before = sent(phones.small);

    const resumed = await s.api('POST', `/api/sms/senders/${SENDER}/resume`, { token: admin, body: { action: 'send' } });
    expect(resumed.body.resumed).toEqual([r.body.id]);
    await eventually(async () => (await state(r.body.id)) === 'sent', 'the resumed alert to be sent');
    expect(sent(phones.small)).toEqual(before.map((n) => n + 1));
  });
});
