import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';

/** Demo mode: no Twilio credentials, so the SDK talks to the in-process simulator, which reports back signed. */
describe.each(engines())('SMS simulation (demo mode) on $name', (engine) => {
  let s: TestServer;
  let roll = 0.5;
  let agent: string;
  beforeAll(async () => {
    s = await startServer(engine, {
      channels: ['sms'],
      sms: { simulator: { delaysMs: { sent: 10, final: [30, 60] }, random: () => roll, callbackOrigin: () => s.url } },
    });
    agent = (await s.user('agent@kommune.no', 'agent', ['switchboard'])).token;
  });
  afterAll(() => s.close());

  async function replyAndWait(body: string) {
    const { inquiry } = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
      from: { phone: '+4791234567' },
      to: '+4759440000',
      body: 'Hei',
      receivedAt: new Date(),
    });
    const r = await s.api('POST', `/api/inquiries/${inquiry.id}/messages`, { token: agent, body: { body } });
    expect(r.status).toBe(201);
    expect(r.body.externalId).toMatch(/^SM[0-9a-f]{32}$/);
    return eventually(
      async () => {
        const m = await s.api('GET', `/api/messages/${r.body.id}`, { token: agent });
        return ['delivered', 'undelivered', 'failed'].includes(m.body.status) ? m.body : null;
      },
      `message ${r.body.id} to reach a final status`,
      5000,
      20,
    );
  }

  it('says so in /health', async () => {
    expect((await s.api('GET', '/health')).body.channels).toEqual({ sms: 'simulated' });
  });

  it('answers like Twilio and then posts signed reports that our own webhook accepts', async () => {
    roll = 0.5;
    const final = await replyAndWait('Hei fra demo');
    expect(final.status).toBe('delivered');
    // Every report is kept. Their order is the order they arrived in: the simulator's "sent" can
    // overtake the recording of Twilio's "queued" answer, as Twilio's own callbacks can, and on a
    // busy machine the final report can overtake "sent" too; so wait for all four, not for the final.
    const m = await eventually(
      async () => {
        const now = (await s.api('GET', `/api/messages/${final.id}`, { token: agent })).body;
        return now.events.length >= 4 ? now : null;
      },
      'every report of the message',
      5000,
      20,
    );
    expect(m.status).toBe('delivered');
    const reported: (string | null)[] = m.events.map((e: { providerStatus: string | null }) => e.providerStatus);
    expect(reported[0]).toBeNull();
    expect(reported.slice(1).sort()).toEqual(['delivered', 'queued', 'sent']);
  });

  it('fails some messages with Twilio’s error codes', async () => {
    roll = 0.99;
    const m = await replyAndWait('Denne feiler');
    expect(m.status).toBe('failed');
    expect(m.events.find((e: { status: string }) => e.status === 'failed')).toMatchObject({
      status: 'failed',
      errorCode: '30006',
      errorMessage: 'Landline or unreachable carrier',
    });
  });
});
