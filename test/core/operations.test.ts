import { Writable } from 'node:stream';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import { createLogger } from '../../server/core/logger';

/*
 * What an operator watches: liveness and readiness, Prometheus metrics with their access rule,
 * and the access log whose request id every line of the request carries, redaction still applied.
 */
describe.each(engines())('operations on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: { ...standin.env, METRICS_TOKEN: 'scrape-token-0123456789' }, logger: createLogger('info', sink) });
    const helse = await s.department('helse');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: helse, channel: 'sms', address: '+4759440002', isDefault: false }, m),
    );
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('answers liveness, and readiness naming each dependency', async () => {
    expect((await s.api('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await s.api('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'off', queue: 'ok', mail: 'off' } });
    expect((await s.api('GET', '/health')).body.status).toBe('ok');
  });

  it('counts requests by route, webhooks by channel, inbound messages, jobs and the pool; only for the token', async () => {
    const sms = {
      MessageSid: smsSid(),
      AccountSid: STANDIN_ACCOUNT_SID,
      From: '+4791234567',
      To: '+4759440002',
      Body: 'Hei',
      NumMedia: '0',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    };
    expect((await postSignedForm(s.url, '/webhooks/twilio/sms', sms)).status).toBe(200);
    expect((await postSignedForm(s.url, '/webhooks/twilio/sms', sms, { signature: 'forged' })).status).toBe(403);
    const { token } = await s.user('admin@kommune.no', 'admin', []);
    expect((await s.api('GET', '/api/inquiries/7654321', { token })).status).toBe(404);

    expect((await s.api('GET', '/metrics')).status).toBe(401);
    expect((await s.api('GET', '/metrics', { token: 'wrong-token-0123456789' })).status).toBe(401);
    const res = await s.api('GET', '/metrics', { token: 'scrape-token-0123456789' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = res.body as string;
    expect(text).toMatch(/servicetorg_http_request_duration_seconds_count\{method="GET",route="\/api\/inquiries\/:id",status="404"\} 1/);
    expect(text).not.toContain('/api/inquiries/7654321');
    expect(text).toMatch(/servicetorg_webhook_requests_total\{channel="sms",status="200"\} 1/);
    expect(text).toMatch(/servicetorg_webhook_requests_total\{channel="sms",status="403"\} 1/);
    expect(text).toMatch(/servicetorg_inbound_messages_total\{channel="sms"\} 1/);
    expect(text).toMatch(/servicetorg_connected_agents/);
    expect(text).toMatch(/servicetorg_job_queue_depth/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    if (engine.name === 'mariadb') expect(text).toMatch(/servicetorg_db_pool_connections\{state="open"\} [1-9]/);
  });

  it('echoes a request id and writes it on every line of the request, numbers still masked', async () => {
    const given = await s.api('GET', '/api/contacts?phone=%2B4791234567', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const bad = await s.api('GET', '/health', { headers: { 'x-request-id': 'evil id; DROP' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // The leave page's honeypot logs a warning from inside the route, after awaits: it carries the request's id.
    const leave = await fetch(`${s.url}/public/alerts/leave`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'trace-bot-1' },
      body: new URLSearchParams({ phone: '+4791234567', website: 'http://spam.example' }).toString(),
    });
    expect(leave.status).toBe(200);
    expect(lines.find((l) => l.msg === 'alerts page honeypot filled; nothing sent')?.reqId).toBe('trace-bot-1');
    const access = lines.find((l) => (l.req as { id?: string } | undefined)?.id === 'trace-abc.123');
    expect(access).toBeDefined();
    expect(JSON.stringify(access)).not.toContain('91234567');
    expect((access!.req as { url: string }).url).toBe('/api/contacts?phone=…');
    const ids = lines.filter((l) => l.reqId).map((l) => l.reqId);
    expect(ids).toContain('trace-abc.123');
    expect(lines.filter((l) => l.reqId === 'trace-abc.123').every((l) => !JSON.stringify(l).includes('91234567'))).toBe(true);
  });
});
