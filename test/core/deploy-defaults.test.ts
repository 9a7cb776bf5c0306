import twilio from 'twilio';
import { SIMULATION_AUTH_TOKEN } from '../../server/voice/module';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Defaults that cannot be deployed by mistake (issue 12): in production a channel without
 * credentials is not configured and says so, nothing is faked; X-Forwarded-For is believed only
 * from the proxies TRUST_PROXY names; staff answers are never cached.
 */
const PRODUCTION = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://servicetorg.kommune.test' };

async function smsInquiry(s: TestServer, from: string) {
  const { inquiry } = await s.app.inbound.record({
    channel: 'sms',
    externalId: 'SM' + Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
    from: { phone: from },
    to: '+4759440000',
    body: 'Hei',
    receivedAt: new Date(),
  });
  return inquiry.id;
}

async function mailInquiry(s: TestServer, from: string) {
  const { inquiry } = await s.app.inbound.record({
    channel: 'email',
    externalId: `mail-${Math.random().toString(16).slice(2)}@epost.no`,
    from: { email: from },
    to: 'post@kommune.test',
    subject: 'Spørsmål',
    body: 'Hei',
    receivedAt: new Date(),
  });
  return inquiry.id;
}

describe.each(engines())('deployment defaults on $name', (engine) => {
  describe('in production without provider credentials', () => {
    let s: TestServer;
    let agent: string;
    beforeAll(async () => {
      s = await startServer(engine, { env: PRODUCTION });
      agent = (await s.user('agent@kommune.no', 'agent', ['switchboard'])).token;
    });
    afterAll(() => s.close());

    it('reports every provider channel as not configured in /health', async () => {
      const health = await s.api('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body.channels).toEqual({ sms: 'not_configured', phone: 'not_configured', email: 'not_configured', web: 'live' });
    });

    it('fails an SMS reply at once with the reason, and nothing is handed to a simulator', async () => {
      const inquiryId = await smsInquiry(s, '+4791234567');
      const r = await s.api('POST', `/api/inquiries/${inquiryId}/messages`, { token: agent, body: { body: 'Varsel: vannet er stengt' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ status: 'failed', externalId: null });
      const m = await s.api('GET', `/api/messages/${r.body.id}`, { token: agent });
      expect(m.body.events.at(-1)).toMatchObject({
        status: 'failed',
        errorCode: 'not_configured',
        errorMessage: 'SMS is not configured: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
      });
      expect(s.app.sms!.simulator).toBeNull();
      // No simulated report turns it into "delivered" later.
      await new Promise((done) => setTimeout(done, 300));
      expect((await s.api('GET', `/api/messages/${r.body.id}`, { token: agent })).body.status).toBe('failed');
    });

    it('fails an e-mail reply with the reason instead of marking it sent', async () => {
      const inquiryId = await mailInquiry(s, 'ase@epost.no');
      const r = await s.api('POST', `/api/inquiries/${inquiryId}/messages`, { token: agent, body: { body: 'Svar kommer' } });
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('failed');
      const m = await s.api('GET', `/api/messages/${r.body.id}`, { token: agent });
      expect(m.body.events.at(-1)).toMatchObject({ status: 'failed', errorCode: 'not_configured', errorMessage: 'E-mail is not configured: set SMTP_URL' });
      expect(s.app.email!.transport.simulated).toBe(false);
    });

    it('has no call simulator and refuses voice webhooks signed with the public simulation token', async () => {
      expect((await fetch(`${s.url}/simulator`)).status).toBe(404);
      const form = { CallSid: 'CA' + '1'.repeat(32), AccountSid: 'AC' + '5'.repeat(32), From: '+4791234567', To: '+4759440000', CallStatus: 'ringing' };
      const signature = twilio.getExpectedTwilioSignature(SIMULATION_AUTH_TOKEN, `${PRODUCTION.PUBLIC_BASE_URL}/webhooks/twilio/voice`, form);
      const call = await fetch(`${s.url}/webhooks/twilio/voice`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(form).toString(),
      });
      expect(call.status).toBe(403);
    });

    it('marks every /api answer, failures included, Cache-Control: no-store', async () => {
      expect((await s.api('GET', '/api/inquiries', { token: agent })).headers.get('cache-control')).toBe('no-store');
      expect((await s.api('GET', '/api/inquiries')).headers.get('cache-control')).toBe('no-store');
      expect((await s.api('GET', '/api/no-such-thing', { token: agent })).headers.get('cache-control')).toBe('no-store');
      expect((await s.api('POST', '/api/auth/login', { body: { email: 'x@y.no', password: 'wrong-password' } })).headers.get('cache-control')).toBe('no-store');
    });
  });

  it('without demo data outside production: not configured too, and no call simulator', async () => {
    const s = await startServer(engine, { env: { DEMO_DATA: 'off' } });
    try {
      expect((await s.api('GET', '/health')).body.channels).toEqual({ sms: 'not_configured', phone: 'not_configured', email: 'not_configured', web: 'live' });
      expect((await fetch(`${s.url}/simulator`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  describe.each([
    ['the default (loopback)', {}, 'forwarded'],
    ['TRUST_PROXY=false', { TRUST_PROXY: 'false' }, 'direct'],
    ['TRUST_PROXY naming another proxy', { TRUST_PROXY: '10.0.0.0/8' }, 'direct'],
    ['TRUST_PROXY=127.0.0.1', { TRUST_PROXY: '127.0.0.1' }, 'forwarded'],
  ])('X-Forwarded-For with %s', (_label, env: Record<string, string>, seen) => {
    it(`records the ${seen} address`, async () => {
      const s = await startServer(engine, { env });
      try {
        const { id } = await s.user('ip@kommune.no', 'agent', ['switchboard']);
        const r = await s.api('POST', '/api/auth/login', {
          body: { email: 'ip@kommune.no', password: 'correct-horse-battery' },
          headers: { 'x-forwarded-for': '203.0.113.7' },
        });
        expect(r.status).toBe(200);
        const rows: { ip: string }[] = await s.app.db.dataSource.query(
          `SELECT ip FROM audit_events WHERE action = 'login' AND user_id = ${Number(id)} ORDER BY id DESC`,
        );
        expect(rows[0].ip).toEqual(seen === 'forwarded' ? '203.0.113.7' : expect.stringMatching(/127\.0\.0\.1$/));
      } finally {
        await s.close();
      }
    });
  });
});
