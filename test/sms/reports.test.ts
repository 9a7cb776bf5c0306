import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { SmsReportRepository } from '../../server/sms/reports.repository';

/*
 * Reports per send and per period, on both engines. Delivery reports are applied through the
 * register's status service with times we choose (hand-over + a known delay), so the percentiles
 * can be checked against figures worked out by hand; one failure comes through the real signed
 * status webhook.
 */
describe.each(engines())('SMS reports on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  let other: string;
  let admin: string;
  let records: string;
  let agent: string;
  let sendId: number;
  let helseSendId: number;
  const today = new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  // Hand-over to delivery, in ms, for five recipients. Sorted: 1000, 2000, 4000, 8000, 60000.
  // Nearest rank: p50 is the ceil(0.5 × 5) = 3rd value, 4000; p95 the ceil(0.95 × 5) = 5th, 60000.
  const DELAYS: Record<string, number> = { '+4790000001': 8000, '+4790000002': 1000, '+4791000003': 60000, '+4791000004': 2000, '+4790000005': 4000 };
  const TRICKY_REASON = '=HYPERLINK("http://evil.test");ukjent';
  // 200 GSM characters: two segments by the text, but the provider says 1 per message and its count is what is billed.
  const BODY = 'Vannbrudd i Storgata. '.repeat(9) + 'Takk for tolmodet';

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const teknisk = await s.department('teknisk');
    const helse = await s.department('helse');
    await s.app.db.transaction(async (m) => {
      await s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: false }, m);
      await s.app.register.departments.addAddress({ departmentId: helse, channel: 'sms', address: '+4759440002', isDefault: false }, m);
    });
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    other = (await s.user('helse@kommune.no', 'officer', ['helse'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['teknisk'])).token;
    const table = await s.api('PUT', '/api/sms/operators', {
      token: admin,
      body: {
        items: [
          { prefix: '+4790', operator: 'Telenor' },
          { prefix: '+4791', operator: 'Telia' },
        ],
      },
    });
    expect(table.status).toBe(200);

    const to = [...Object.keys(DELAYS), '+4791000006', '+4790000007', '+4790000008'];
    const sent = await s.api('POST', '/api/sms/messages', { token: officer, body: { to, body: BODY } });
    expect(sent.status).toBe(201);
    sendId = sent.body.send.id;
    const ids: Record<string, number> = {};
    for (const x of sent.body.items) ids[x.to] = x.id;
    const helseSend = await s.api('POST', '/api/sms/messages', { token: other, body: { to: '+4790000009', body: 'Helse' } });
    expect(helseSend.status).toBe(201);
    helseSendId = helseSend.body.send.id;

    for (const [number, delay] of Object.entries(DELAYS)) {
      const events = await s.app.register.messages.events(ids[number]);
      const handOver = events.find((e) => e.providerStatus !== null)!;
      expect(handOver).toBeDefined();
      await s.app.register.messageStatus.apply(ids[number], 'delivered', 'delivered', new Date(handOver.at.getTime() + delay), null);
    }
    // The operator's reason through the real status webhook…
    const sid = standin.messages.find((m) => m.params.To === '+4791000006')!.sid;
    expect(await standin.report(sid, 'failed', { ErrorCode: '30006' })).toBe(200);
    // …and one whose text would be a formula in a spreadsheet.
    await s.app.register.messageStatus.apply(ids['+4790000007'], 'undelivered', 'undelivered', new Date(), {
      errorCode: '30003',
      errorMessage: TRICKY_REASON,
    });
    // +4790000008 stays handed over, with no report yet.
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('reports a send: recipients, statuses, segments and cost, p50/p95, failures by reason and operator', async () => {
    const r = await s.api('GET', `/api/sms/sends/${sendId}/report`, { token: officer });
    expect(r.status).toBe(200);
    expect(r.body.send).toMatchObject({ id: sendId, department: 'teknisk', sender: '+4759440004', recipients: 8 });
    expect(r.body.recipients).toBe(8);
    expect(r.body.statuses).toEqual({ delivered: 5, failed: 1, undelivered: 1, queued: 1 });
    expect(r.body.handedOver).toBe(8);
    expect(r.body.segments).toBe(8);
    expect(r.body.cost).toEqual({ amount: 0.64, currency: 'USD', perSegment: 0.08 });
    expect(r.body.timeToDelivery).toEqual({ measured: 5, p50Ms: 4000, p95Ms: 60000 });
    expect(r.body.failures.reasons).toEqual([
      { code: '30003', message: TRICKY_REASON, count: 1 },
      { code: '30006', message: expect.any(String), count: 1 },
    ]);
    expect(r.body.failures.byOperator).toEqual([
      { country: 'NO', operator: 'Telenor', recipients: 5, delivered: 3, failed: 1 },
      { country: 'NO', operator: 'Telia', recipients: 3, delivered: 2, failed: 1 },
    ]);
    expect(r.body.days).toEqual([{ date: today, sent: 8, delivered: 5, failed: 2 }]);
  });

  it('reports a period with a bar per day, scoped to the officer’s departments', async () => {
    const q = `from=${daysAgo(2)}&to=${today}`;
    const mine = await s.api('GET', `/api/sms/reports?${q}`, { token: officer });
    expect(mine.status).toBe(200);
    expect(mine.body.recipients).toBe(8);
    expect(mine.body.timeToDelivery).toEqual({ measured: 5, p50Ms: 4000, p95Ms: 60000 });
    expect(mine.body.days).toEqual([
      { date: daysAgo(2), sent: 0, delivered: 0, failed: 0 },
      { date: daysAgo(1), sent: 0, delivered: 0, failed: 0 },
      { date: today, sent: 8, delivered: 5, failed: 2 },
    ]);
    const all = await s.api('GET', `/api/sms/reports?${q}`, { token: records });
    expect(all.status).toBe(200);
    expect(all.body.recipients).toBe(9);
    expect((await s.api('GET', `/api/sms/reports?${q}&department=helse`, { token: admin })).body.recipients).toBe(1);
    expect((await s.api('GET', `/api/sms/reports?${q}&department=helse`, { token: officer })).status).toBe(403);
    expect((await s.api('GET', `/api/sms/reports?${q}&department=nope`, { token: admin })).status).toBe(404);
    // A moment range that ends before today's messages holds none.
    const before = await s.api('GET', `/api/sms/reports?from=${daysAgo(3)}T00:00:00Z&to=${daysAgo(1)}T00:00:00Z`, { token: admin });
    expect(before.status).toBe(200);
    expect(before.body.recipients).toBe(0);
    expect(before.body.timeToDelivery).toEqual({ measured: 0, p50Ms: null, p95Ms: null });
  });

  it('reads a send page by page by id, each message once with its own events', async () => {
    const repo = new SmsReportRepository({ db: s.app.db });
    const pages: number[][] = [];
    const seen: number[] = [];
    for await (const page of repo.messages({ sendId }, 3)) {
      pages.push(page.map((m) => m.id));
      for (const m of page) {
        seen.push(m.id);
        expect(m.events.length).toBeGreaterThanOrEqual(2);
      }
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 2]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(8);
  });

  it('exports CSV: BOM, semicolons, formula-safe cells, an attachment, and the read is audited', async () => {
    const audits = await s.count('audit_events');
    const res = await fetch(`${s.url}/api/sms/sends/${sendId}/report.csv`, { headers: { authorization: `Bearer ${officer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sms-send-${sendId}-report.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('section;key;detail;value');
    expect(lines).toContain('summary;delivery_p50_ms;;4000');
    expect(lines).toContain('summary;delivery_p95_ms;;60000');
    expect(lines).toContain('summary;cost;USD;0.64');
    expect(lines).toContain("send;sender;;'+4759440004");
    expect(lines).toContain(`failure_reason;30003;"'=HYPERLINK(""http://evil.test"");ukjent";1`);
    expect(lines).toContain('failures_by_operator;NO;Telia;1');
    expect(lines).toContain(`day;${today};failed;2`);
    expect(await s.count('audit_events')).toBe(audits + 1);

    const period = await fetch(`${s.url}/api/sms/reports?from=${today}&to=${today}&format=csv`, { headers: { authorization: `Bearer ${records}` } });
    expect(period.status).toBe(200);
    const text = (await period.text()).replace(/^\uFEFF/, '');
    expect(text.split('\r\n')).toContain('summary;recipients;;9');
  });

  it('lets admin, officer and records read reports, and no one else', async () => {
    expect((await s.api('GET', `/api/sms/sends/${sendId}/report`, { token: admin })).status).toBe(200);
    expect((await s.api('GET', `/api/sms/sends/${sendId}/report`, { token: records })).status).toBe(200);
    expect((await s.api('GET', `/api/sms/sends/${sendId}/report`, { token: agent })).status).toBe(403);
    expect((await s.api('GET', `/api/sms/reports?from=${today}&to=${today}`, { token: agent })).status).toBe(403);
    expect((await s.api('GET', `/api/sms/sends/${sendId}/report`)).status).toBe(401);
    // Another department's send is not there for this officer.
    expect((await s.api('GET', `/api/sms/sends/${sendId}/report`, { token: other })).status).toBe(404);
    expect((await s.api('GET', `/api/sms/sends/${helseSendId}/report`, { token: other })).status).toBe(200);
  });

  it('answers bad input with 400 and records nothing', async () => {
    const audits = await s.count('audit_events');
    const bad = [
      `/api/sms/reports?from=${today}`,
      `/api/sms/reports?from=${today}&to=${daysAgo(1)}`,
      `/api/sms/reports?from=${daysAgo(400)}&to=${today}`,
      `/api/sms/reports?from=yesterday&to=${today}`,
      `/api/sms/reports?from=2026-02-30&to=${today}`,
      `/api/sms/reports?from=${today}&to=${today}&department=Teknisk%3Bx`,
      `/api/sms/reports?from=${today}&to=${today}&format=xlsx`,
      `/api/sms/reports?from=${today}&to=${today}&extra=1`,
      `/api/sms/reports?from=${'9'.repeat(5000)}&to=${today}`,
      `/api/sms/sends/abc/report`,
      `/api/sms/sends/${sendId}/report?format=pdf`,
    ];
    for (const path of bad) {
      const r = await s.api('GET', path, { token: admin });
      expect([path, r.status, r.body?.error?.code]).toEqual([path, 400, 'invalid_input']);
    }
    expect((await s.api('GET', `/api/sms/reports?from=${daysAgo(365)}&to=${today}`, { token: admin })).status).toBe(200);
    expect(await s.count('audit_events')).toBe(audits + 1);
  });
});
