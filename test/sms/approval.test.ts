import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import type { DbJobQueue } from '../../server/core/jobs/db-queue';
import { eventually } from '../support/eventually';

const phones = (from: number, n: number) => Array.from({ length: n }, (_, i) => `+479140${String(from + i).padStart(4, '0')}`);

describe.each(engines())('SMS sends awaiting approval and paused on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let author: string;
  let reviewer: string;
  let admin: string;
  const sentTo = (phone: string) => standin.messages.filter((m) => m.params.To === phone).length;
  const history = async (id: number) => (await s.api('GET', `/api/messages/${id}`, { token: admin })).body;
  /*
   * The server's clock runs with the wall clock plus `ahead`, so a test moves time on instead of
   * sleeping; the embedded queue takes its times from that clock. `settle` runs every job that is
   * due by it and waits for them: after it, whatever was going to be sent has been sent.
   *
   * Nothing here may depend on how fast the machine is. A scheduled send is an hour ahead (it was
   * under a second, and on a loaded machine its job came due and sent before the test paused it),
   * and a message's history is read only once its send is `sent`: the stand-in has a message
   * before the server has stored the provider's answer, the second `queued` event.
   */
  const HOUR = 3600_000;
  const sendState = async (id: number) => (await s.api('GET', `/api/sms/sends/${id}`, { token: admin })).body.state;
  let ahead = 0;
  const clock = () => new Date(Date.now() + ahead);
  const settle = () => (s.app.jobs as DbJobQueue).idle();

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env, clock, jobs: { pollMs: 50 }, channels: ['sms'], sms: { volume: { factor: 5, floor: 20 } } });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction(async (m) => {
      await s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m);
      await s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440005', isDefault: false }, m);
    });
    author = (await s.user('author@kommune.no', 'officer', ['teknisk'])).token;
    reviewer = (await s.user('reviewer@kommune.no', 'officer', ['teknisk'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('holds a text linking to a host not on the allow-list until another officer approves it, then sends it once', async () => {
    const [a, b] = phones(1, 2);
    const r = await s.api('POST', '/api/sms/messages', { token: author, body: { to: [a, b], body: 'Svar på https://skjema.example.com/x innen fredag' } });
    expect(r.status).toBe(201);
    expect(r.body.send).toMatchObject({ state: 'awaiting_approval', holdReason: { urls: ['skjema.example.com'] }, statuses: { awaiting_approval: 2 } });
    expect((s.app.jobs as DbJobQueue).kind).toBe('database');
    await settle();
    expect(sentTo(a) + sentTo(b)).toBe(0);
    expect((await s.api('GET', '/api/sms/sends?state=awaiting_approval', { token: reviewer })).body.items.map((x: { id: number }) => x.id)).toContain(
      r.body.send.id,
    );

    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/approve`, { token: author })).status).toBe(403);
    const approved = await s.api('POST', `/api/sms/sends/${r.body.send.id}/approve`, { token: reviewer });
    expect(approved.status).toBe(200);
    expect(approved.body.approvedBy).toBeGreaterThan(0);
    await eventually(async () => (await sendState(r.body.send.id)) === 'sent', 'the approved send to be sent');
    expect([sentTo(a), sentTo(b)]).toEqual([1, 1]);
    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/approve`, { token: reviewer })).status).toBe(409);
    const h = await history(r.body.items[0].id);
    expect(h.events.map((e: { status: string }) => e.status)).toEqual(['awaiting_approval', 'scheduled', 'queued', 'queued']);
    expect(h.events[0]).toMatchObject({ reason: 'needs_approval', urls: ['skjema.example.com'] });
    expect(h.events[1]).toMatchObject({ reason: 'approved' });
    await settle();
    expect(sentTo(a) + sentTo(b)).toBe(2);
  });

  it('rejects a held send: stopped, nothing sent; an allow-listed host (or its subdomain) is not held', async () => {
    const [a] = phones(11, 1);
    const r = await s.api('POST', '/api/sms/messages', { token: author, body: { to: a, body: 'Se www.kommune.no/vann' } });
    expect(r.body.send.state).toBe('awaiting_approval');
    const rejected = await s.api('POST', `/api/sms/sends/${r.body.send.id}/reject`, { token: reviewer });
    expect(rejected.body).toMatchObject({ state: 'rejected', statuses: { stopped: 1 } });
    expect((await history(r.body.items[0].id)).events.at(-1)).toMatchObject({ status: 'stopped', reason: 'rejected' });

    expect((await s.api('POST', '/api/sms/url-allowlist', { token: author, body: { host: 'kommune.no' } })).status).toBe(403);
    expect((await s.api('POST', '/api/sms/url-allowlist', { token: admin, body: { host: 'not a host' } })).status).toBe(400);
    expect((await s.api('POST', '/api/sms/url-allowlist', { token: admin, body: { host: 'https://Kommune.no/' } })).body).toEqual({
      host: 'kommune.no',
      created: true,
    });
    expect((await s.api('GET', '/api/sms/url-allowlist', { token: author })).body.items.map((x: { host: string }) => x.host)).toEqual(['kommune.no']);
    const again = await s.api('POST', '/api/sms/messages', { token: author, body: { to: a, body: 'Se www.kommune.no/vann' } });
    expect(again.body.send.state).toBe('sent');
    expect(again.body.items[0].status).toBe('queued');
    expect(sentTo(a)).toBe(1);
  });

  it('holds a send far above the sender’s normal volume, and not one at the floor', async () => {
    const atFloor = await s.api('POST', '/api/sms/messages', { token: author, body: { to: phones(100, 20), body: 'Tjue', from: '+4759440005' } });
    expect(atFloor.body.send.state).toBe('sent');
    const over = await s.api('POST', '/api/sms/messages', { token: author, body: { to: phones(200, 21), body: 'Tjueen', from: '+4759440005' } });
    expect(over.body.send).toMatchObject({ state: 'awaiting_approval', holdReason: { volume: { recipients: 21, dailyAverage: 0.7 } } });
    expect(
      phones(200, 21)
        .map(sentTo)
        .reduce((x, y) => x + y),
    ).toBe(0);
    await s.api('POST', `/api/sms/sends/${over.body.send.id}/approve`, { token: admin });
    await eventually(async () => (await sendState(over.body.send.id)) === 'sent', 'the approved large send to be sent');
    expect(phones(200, 21).map(sentTo)).toEqual(Array(21).fill(1));
  });

  it('pauses a sender: its scheduled and new sends wait, and go once when an admin resumes it', async () => {
    const [a, b, c] = phones(300, 3);
    const scheduled = await s.api('POST', '/api/sms/messages', {
      token: author,
      body: { to: a, body: 'Planlagt', sendAt: new Date(clock().getTime() + HOUR).toISOString() },
    });
    expect((await s.api('POST', '/api/sms/senders/+4759440004/pause', { token: author, body: {} })).status).toBe(403);
    const paused = await s.api('POST', '/api/sms/senders/+4759440004/pause', { token: admin, body: { reason: 'Mistenkelig trafikk' } });
    expect(paused.body.paused).toEqual([scheduled.body.send.id]);
    const now = await s.api('POST', '/api/sms/messages', { token: author, body: { to: [b, c], body: 'Straks' } });
    expect(now.body.send).toMatchObject({ state: 'paused', pausedBy: 'sender', statuses: { paused: 2 } });
    // Past the scheduled send's time, and every due job run: a paused send must still not go.
    ahead += HOUR + 1000;
    await settle();
    expect([a, b, c].map(sentTo)).toEqual([0, 0, 0]);
    expect((await s.api('POST', `/api/sms/sends/${now.body.send.id}/resume`, { token: admin, body: {} })).status).toBe(409);

    const resumed = await s.api('POST', '/api/sms/senders/+4759440004/resume', { token: admin, body: { action: 'send' } });
    expect(resumed.body.resumed.sort()).toEqual([scheduled.body.send.id, now.body.send.id].sort());
    for (const id of [scheduled.body.send.id, now.body.send.id]) await eventually(async () => (await sendState(id)) === 'sent', `send ${id} to be sent`);
    expect([a, b, c].map(sentTo)).toEqual([1, 1, 1]);
    expect((await history(now.body.items[0].id)).events.map((e: { status: string }) => e.status)).toEqual(['paused', 'scheduled', 'queued', 'queued']);
  });

  it('pauses one send and cancels it on resume: stopped as cancelled, nothing sent', async () => {
    const [a] = phones(400, 1);
    const r = await s.api('POST', '/api/sms/messages', {
      token: author,
      body: { to: a, body: 'Senere', sendAt: new Date(clock().getTime() + HOUR).toISOString() },
    });
    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/pause`, { token: reviewer })).status).toBe(403);
    expect((await s.api('POST', `/api/sms/sends/${r.body.send.id}/pause`, { token: admin })).body).toMatchObject({
      state: 'paused',
      pausedBy: 'send',
      statuses: { paused: 1 },
    });
    ahead += HOUR + 1000;
    await settle();
    expect(sentTo(a)).toBe(0);
    const cancelled = await s.api('POST', `/api/sms/sends/${r.body.send.id}/resume`, { token: admin, body: { action: 'cancel' } });
    expect(cancelled.body).toMatchObject({ state: 'cancelled', statuses: { stopped: 1 } });
    expect((await history(r.body.items[0].id)).events.map((e: { status: string; reason?: string }) => [e.status, e.reason])).toEqual([
      ['scheduled', undefined],
      ['paused', 'paused'],
      ['stopped', 'cancelled'],
    ]);
  });
});
