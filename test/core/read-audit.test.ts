import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';

/*
 * Every route that shows message content records who read which message, from where, as
 * GET /api/inquiries/:id does: message detail, the SMS delivery views and CSV, journal posts.
 */

describe.each(engines())('audited reads of message content on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  let records: string;
  let agent: string;
  let sent: number[];

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['teknisk'])).token;
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: ['+4790000001', '+4790000002'], body: 'Vannet stenges i morgen' } });
    expect(r.status).toBe(201);
    sent = (r.body.items as { id: number }[]).map((x) => x.id);
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  const reads = async (entityType: string, id: number | string, route: string) =>
    (await s.app.audit.forEntity(entityType, id)).filter((a) => a.action === 'read' && a.route === route);

  it('records a read of GET /api/messages/:id with the reader, route and address', async () => {
    const r = await s.api('GET', `/api/messages/${sent[0]}`, { token: agent });
    expect(r.status).toBe(200);
    const [row] = await reads('message', sent[0], 'GET /api/messages/:id');
    expect(row).toMatchObject({ entityId: String(sent[0]) });
    expect(row.userId).toEqual(expect.any(Number));
    expect(row.ip).toMatch(/127\.0\.0\.1/);
  });

  it('records every message the SMS list, one message’s history and the CSV export show', async () => {
    expect((await s.api('GET', '/api/sms/messages', { token: officer })).status).toBe(200);
    for (const id of sent) expect(await reads('message', id, 'GET /api/sms/messages')).toHaveLength(1);
    expect((await s.api('GET', `/api/sms/messages/${sent[1]}`, { token: officer })).status).toBe(200);
    expect(await reads('message', sent[1], 'GET /api/sms/messages/:id')).toHaveLength(1);
    const csv = await fetch(`${s.url}/api/sms/messages.csv`, { headers: { authorization: `Bearer ${officer}` } });
    expect(await csv.text()).toContain('Vannet stenges');
    for (const id of sent) expect(await reads('message', id, 'GET /api/sms/messages.csv')).toHaveLength(1);
  });

  it('records journal posts listed and documents read, and the export with its address', async () => {
    expect((await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } })).status).toBe(200);
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4790000003', body: 'Journalført varsel' } });
    expect(r.status).toBe(201);
    const entry = await eventually(async () => {
      const list = await s.api('GET', '/api/journal/entries', { token: records });
      return (list.body.items as { id: number; messageId: number }[]).find((e) => e.messageId === r.body.items[0].id);
    }, 'the journal post');
    expect((await reads('journal', entry.id, 'GET /api/journal/entries')).length).toBeGreaterThanOrEqual(1);
    const doc = await fetch(`${s.url}/api/journal/entries/${entry.id}/document`, { headers: { authorization: `Bearer ${records}` } });
    expect(await doc.text()).toBe('Journalført varsel');
    expect(await reads('journal', entry.id, 'GET /api/journal/entries/:id/document')).toHaveLength(1);
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await s.api('GET', `/api/journal/export?from=${day}&to=${next}`, { token: records })).status).toBe(200);
    const [exp] = await reads('journal', 'export', 'GET /api/journal/export');
    expect(exp.ip).toMatch(/127\.0\.0\.1/);
  });
});
