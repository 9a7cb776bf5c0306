import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/* The audit viewer: filters by user, citizen, department and period; CSV; who may; the unusual-reading flag. */
describe.each(engines())('the audit viewer on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let records: string;
  let agent: { id: number; token: string };
  let carer: { id: number; token: string };
  let officer: string;
  const inquiries: Record<string, number> = {};
  const contacts: Record<string, number> = {};

  beforeAll(async () => {
    s = await startServer(engine, { env: { AUDIT_UNUSUAL_READS: '3' } });
    await s.department('teknisk');
    await s.department('sosial');
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    agent = await s.user('nysgjerrig@kommune.no', 'agent', ['teknisk', 'sosial']);
    carer = await s.user('saksbehandler@kommune.no', 'agent', ['teknisk', 'sosial']);
    // A citizen whose name a spreadsheet would take for a formula.
    await s.api('PUT', '/api/cases/2026-1', {
      token: admin,
      body: { title: 'Sak', status: 'Åpen', department: 'teknisk', contacts: [{ name: '=2+3 Nordmann', phone: '+4791000001' }] },
    });
    const people: [string, string, string][] = [
      ['kari', '+4791000001', 'teknisk'],
      ['ola', '+4791000002', 'sosial'],
      ['per', '+4791000003', 'teknisk'],
      ['liv', '+4791000004', 'teknisk'],
    ];
    for (const [who, phone, dep] of people) {
      const r = await s.app.inbound.record({
        channel: 'sms',
        externalId: `SM-${who}`,
        from: { phone },
        to: '+4740000000',
        body: `Hei fra ${who}`,
        receivedAt: new Date(),
        departmentCode: dep,
      });
      inquiries[who] = r.inquiry.id;
      contacts[who] = r.contact!.id;
    }
    // The caseworker has every inquiry assigned: reading them is work. The other agent has none.
    for (const id of Object.values(inquiries))
      expect((await s.api('PATCH', `/api/inquiries/${id}`, { token: admin, body: { assigneeId: carer.id } })).status).toBe(200);
    for (const id of Object.values(inquiries)) {
      expect((await s.api('GET', `/api/inquiries/${id}`, { token: agent.token })).status).toBe(200);
      expect((await s.api('GET', `/api/inquiries/${id}`, { token: carer.token })).status).toBe(200);
    }
  });
  afterAll(() => s.close());

  const list = async (query: string, token = records) => {
    const r = await s.api('GET', `/api/records/audit${query}`, { token });
    expect(r.status).toBe(200);
    return r.body.items as {
      user: { id: number } | null;
      entityType: string;
      entityId: string;
      contact: { id: number; name: string } | null;
      department: string | null;
      route: string;
      ip: string;
    }[];
  };

  it('filters by user, and shows whose data each read was, which department’s, from where', async () => {
    const items = await list(`?user=${agent.id}`);
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.every((x) => x.user?.id === agent.id)).toBe(true);
    const kari = items.find((x) => x.entityType === 'inquiry' && x.entityId === String(inquiries.kari))!;
    expect(kari).toMatchObject({ contact: { id: contacts.kari, name: '=2+3 Nordmann' }, department: 'teknisk', route: 'GET /api/inquiries/:id' });
    expect(kari.ip).toMatch(/127\.0\.0\.1/);
  });

  it('filters by citizen, by department and by period', async () => {
    const kari = await list(`?contact=${contacts.kari}`);
    expect(kari.length).toBeGreaterThanOrEqual(2);
    expect(kari.every((x) => x.contact?.id === contacts.kari)).toBe(true);
    const sosial = await list('?department=sosial');
    expect(sosial.length).toBeGreaterThanOrEqual(2);
    expect(sosial.every((x) => x.department === 'sosial' && x.contact?.id === contacts.ola)).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await list(`?from=${encodeURIComponent(future)}`)).toEqual([]);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await list(`?from=${encodeURIComponent(past)}&user=${carer.id}`)).length).toBeGreaterThanOrEqual(4);
    expect(await list(`?to=${encodeURIComponent(past)}`)).toEqual([]);
  });

  it('pages newest first with a cursor', async () => {
    const r1 = await s.api('GET', `/api/records/audit?user=${agent.id}&limit=2`, { token: records });
    expect(r1.body.items).toHaveLength(2);
    const r2 = await s.api('GET', `/api/records/audit?user=${agent.id}&limit=2&cursor=${r1.body.nextCursor}`, { token: records });
    expect(r2.body.items[0].id).toBeLessThan(r1.body.items[1].id);
  });

  it('exports CSV with a byte-order mark, semicolons and formula-safe cells', async () => {
    const r = await fetch(`${s.url}/api/records/audit.csv?contact=${contacts.kari}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await r.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('id;at;user_id;user;user_email;action;entity_type;entity_id;contact_id;contact;department;route;ip');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[1]).toContain(";'=2+3 Nordmann;");
    expect(lines.some((l) => l.includes('nysgjerrig@kommune.no'))).toBe(true);
  });

  it('flags a user who read many citizens they have no inquiry with, not one whose work it is', async () => {
    const r = await s.api('GET', '/api/records/audit/unusual', { token: records });
    expect(r.status).toBe(200);
    expect(r.body.threshold).toBe(3);
    const flagged = (r.body.items as { user: { id: number }; citizensWithoutInquiry: number }[]).map((x) => x.user.id);
    expect(flagged).toContain(agent.id);
    expect(flagged).not.toContain(carer.id);
    expect(r.body.items.find((x: { user: { id: number } }) => x.user.id === agent.id).citizensWithoutInquiry).toBe(4);
  });

  it('is for records and admin only, and looking is itself audited', async () => {
    for (const token of [agent.token, officer]) {
      expect((await s.api('GET', '/api/records/audit', { token })).status).toBe(403);
      expect((await s.api('GET', '/api/records/audit.csv', { token })).status).toBe(403);
      expect((await s.api('GET', '/api/records/audit/unusual', { token })).status).toBe(403);
    }
    expect((await s.api('GET', '/api/records/audit')).status).toBe(401);
    const before = await s.count('audit_events');
    await list('?limit=1', admin);
    expect(await s.count('audit_events')).toBe(before + 1);
  });

  it('answers bad filters with 400 and writes nothing', async () => {
    const before = await s.count('audit_events');
    for (const q of [
      '?user=abc',
      '?department=ukjent',
      '?from=2026-13-01',
      '?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '?limit=100000',
      '?colour=red',
      `?department=${'x'.repeat(500)}`,
    ]) {
      const r = await s.api('GET', `/api/records/audit${q}`, { token: records });
      expect([r.status, q]).toEqual([400, q]);
      expect(r.body.error.code).toMatch(/invalid_input|bad_request/);
    }
    expect((await s.api('GET', '/api/records/audit/unusual?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { token: records })).status).toBe(400);
    expect(await s.count('audit_events')).toBe(before);
  });
});
