import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * PUT /api/cases/:caseNumber as the case system uses it: an idempotent upsert that matches case
 * parties to contacts we already know (by normalised number, then by e-mail) before making new ones.
 */

const path = (caseNumber: string) => `/api/cases/${encodeURIComponent(caseNumber)}`;

describe.each(engines())('case upserts on $name', (engine) => {
  let s: TestServer;
  let integration: string;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('bygg');
    await s.department('helse');
    integration = (await s.user('sak@kommune.no', 'integration', [])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', ['bygg'])).token;
    await s.user('saksbehandler@kommune.no', 'caseworker', ['bygg']);
  });
  afterAll(() => s.close());

  const put = (caseNumber: string, body: unknown, token = integration) => s.api('PUT', path(caseNumber), { token, body });
  /** The case as a register reader sees it: the case system itself gets its parties as ids and roles only. */
  const parties = async (caseNumber: string) => (await s.api('GET', path(caseNumber), { token: admin })).body.contacts;
  const updates = async (caseNumber: string) => (await s.app.audit.forEntity('case', caseNumber)).filter((a) => a.action === 'update').length;
  const counts = async () => ({
    cases: await s.count('cases'),
    contacts: await s.count('contacts'),
    phones: await s.count('contact_phones'),
    emails: await s.count('contact_emails'),
    links: await s.count('case_contacts'),
    audit: await s.count('audit_events'),
  });

  it('answers 201 when it creates a case and 200 when it updates it', async () => {
    const body = {
      title: 'Byggesøknad, Storgata 1',
      status: 'Under behandling',
      statusSpoken: 'Saken din er under behandling.',
      department: 'bygg',
      caseworkerEmail: 'saksbehandler@kommune.no',
      contacts: [{ name: 'Ola Nordmann', phone: '+47 912 34 567', email: 'ola@example.no', role: 'søker' }],
    };
    const created = await put('2026/1234', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      caseNumber: '2026/1234',
      title: 'Byggesøknad, Storgata 1',
      status: 'Under behandling',
      statusSpoken: 'Saken din er under behandling.',
      open: true,
      department: 'bygg',
      caseworker: { email: 'saksbehandler@kommune.no' },
      changed: true,
    });
    expect(created.body.contacts).toEqual([{ id: expect.any(Number), role: 'søker' }]);
    expect((await s.app.audit.forEntity('case', '2026/1234')).map((a) => a.action)).toEqual(['create']);
    expect(await parties('2026/1234')).toEqual([
      { id: created.body.contacts[0].id, name: 'Ola Nordmann', role: 'søker', phones: ['+4791234567'], emails: ['ola@example.no'] },
    ]);

    const updated = await put('2026/1234', { ...body, status: 'Avsluttet', title: 'Byggesøknad, Storgata 1 B' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ caseNumber: '2026/1234', title: 'Byggesøknad, Storgata 1 B', status: 'Avsluttet', open: false, changed: true });
    expect(updated.body.contacts[0].id).toBe(created.body.contacts[0].id);
    expect(new Date(updated.body.createdAt).getTime()).toBe(new Date(created.body.createdAt).getTime());
    expect(new Date(updated.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updatedAt).getTime());
    expect(await updates('2026/1234')).toBe(1);

    const read = await s.api('GET', path('2026/1234'), { token: admin });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ title: 'Byggesøknad, Storgata 1 B', status: 'Avsluttet', open: false });
  });

  it('changes nothing when the same body comes twice, even with the numbers and addresses written differently', async () => {
    const body = {
      title: 'Startlån',
      status: 'Mottatt',
      department: 'helse',
      contacts: [
        { name: 'Kari Nordmann', phone: '+47 915 00 001', email: 'kari@example.no', role: 'søker' },
        { name: 'Per Nordmann', phone: '91500002', role: 'medsøker' },
      ],
    };
    const first = await put('2026/2000', body);
    expect(first.status).toBe(201);
    const before = await counts();
    const updatesBefore = await updates('2026/2000');

    const again = await put('2026/2000', body);
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect(again.body.updatedAt).toBe(first.body.updatedAt);
    expect(again.body.contacts).toEqual(first.body.contacts);

    const respelled = await put('2026/2000', {
      ...body,
      contacts: [
        { name: 'Kari Nordmann', phone: '0047 91500001', email: 'Kari@Example.no', role: 'søker' },
        { name: 'Per Nordmann', phone: '+47 91 50 00 02', role: 'medsøker' },
      ],
    });
    expect(respelled.status).toBe(200);
    expect(respelled.body.changed).toBe(false);
    expect(respelled.body.updatedAt).toBe(first.body.updatedAt);

    expect(await counts()).toEqual(before);
    expect(await updates('2026/2000')).toBe(updatesBefore);
    expect((await s.app.register.cases.byNumber('2026/2000'))!.updatedAt.getTime()).toBe(new Date(first.body.updatedAt).getTime());
  });

  it('does not make a second contact for a party known only by name when the body comes again', async () => {
    const body = { title: 'Dødsbo', status: 'Mottatt', department: 'helse', contacts: [{ name: 'Arvingene etter Hansen', role: 'part' }] };
    const first = await put('2026/2002', body);
    expect(first.status).toBe(201);
    const before = await counts();
    const again = await put('2026/2002', body);
    expect(again.body).toMatchObject({ changed: false, updatedAt: first.body.updatedAt });
    expect(again.body.contacts.map((c: { id: number }) => c.id)).toEqual(first.body.contacts.map((c: { id: number }) => c.id));
    expect(await counts()).toEqual(before);
  });

  it('counts a changed role, spoken status or caseworker as a change', async () => {
    const body = { title: 'Skjenkebevilling', status: 'Mottatt', department: 'bygg', contacts: [{ name: 'Lise', phone: '91500010', role: 'søker' }] };
    expect((await put('2026/2001', body)).status).toBe(201);
    const role = await put('2026/2001', { ...body, contacts: [{ name: 'Lise', phone: '91500010', role: 'fullmektig' }] });
    expect(role.body.changed).toBe(true);
    expect(role.body.contacts[0].role).toBe('fullmektig');
    const spoken = await put('2026/2001', {
      ...body,
      statusSpoken: 'Vi har mottatt søknaden.',
      contacts: [{ name: 'Lise', phone: '91500010', role: 'fullmektig' }],
    });
    expect(spoken.body).toMatchObject({ changed: true, statusSpoken: 'Vi har mottatt søknaden.' });
    const cw = await put('2026/2001', {
      ...body,
      statusSpoken: 'Vi har mottatt søknaden.',
      caseworkerEmail: 'saksbehandler@kommune.no',
      contacts: [{ name: 'Lise', phone: '91500010', role: 'fullmektig' }],
    });
    expect(cw.body).toMatchObject({ changed: true, caseworker: { email: 'saksbehandler@kommune.no' } });
    expect(await updates('2026/2001')).toBe(3);
  });

  it('matches a party to a known contact by its number in any notation before making a new one', async () => {
    const before = await counts();
    const a = await put('2026/3001', { title: 'A', status: 'Mottatt', department: 'bygg', contacts: [{ name: 'Nina Hansen', phone: '+47 922 33 444' }] });
    const b = await put('2026/3002', { title: 'B', status: 'Mottatt', department: 'bygg', contacts: [{ phone: '92233444' }] });
    const c = await put('2026/3003', { title: 'C', status: 'Mottatt', department: 'helse', contacts: [{ name: 'N. Hansen', phone: '0047 92233444' }] });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    const id = a.body.contacts[0].id;
    expect(b.body.contacts[0].id).toBe(id);
    expect(c.body.contacts[0].id).toBe(id);
    // The first name given stays; a later spelling does not overwrite it.
    expect((await parties('2026/3003'))[0]).toMatchObject({ name: 'Nina Hansen', phones: ['+4792233444'] });
    const after = await counts();
    expect(after.contacts).toBe(before.contacts + 1);
    expect(after.phones).toBe(before.phones + 1);
    expect(after.links).toBe(before.links + 3);
  });

  it('matches a party by e-mail (any case) and adds the number it now brings on a case it is a party on', async () => {
    const before = await counts();
    const a = await put('2026/3010', { title: 'A', status: 'Mottatt', department: 'bygg', contacts: [{ name: 'Jon Berg', email: 'Jon.Berg@Example.no' }] });
    expect(a.status).toBe(201);
    expect((await parties('2026/3010'))[0].emails).toEqual(['jon.berg@example.no']);
    const b = await put('2026/3010', {
      title: 'A',
      status: 'Mottatt',
      department: 'bygg',
      contacts: [{ name: 'Jon Berg', email: 'jon.berg@example.no', phone: '915 00 020' }],
    });
    expect(b.status).toBe(200);
    expect(await parties('2026/3010')).toEqual([
      expect.objectContaining({ id: a.body.contacts[0].id, phones: ['+4791500020'], emails: ['jon.berg@example.no'] }),
    ]);
    const after = await counts();
    expect(after.contacts).toBe(before.contacts + 1);
    expect(after.emails).toBe(before.emails + 1);
    expect(after.phones).toBe(before.phones + 1);
  });

  it('links a party to the contact an inbound SMS already made', async () => {
    const sms = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-cases-1',
      from: { phone: '+4791500030' },
      to: '+4740000000',
      body: 'Hei',
      receivedAt: new Date(),
    });
    const before = await counts();
    const r = await put('2026/3020', { title: 'A', status: 'Mottatt', department: 'bygg', contacts: [{ name: 'Eva Lie', phone: '915 00 030' }] });
    expect(r.status).toBe(201);
    expect(r.body.contacts).toEqual([{ id: sms.contact!.id, role: null }]);
    expect((await parties('2026/3020'))[0]).toMatchObject({ id: sms.contact!.id, name: 'Eva Lie' });
    expect((await counts()).contacts).toBe(before.contacts);
  });

  it('unlinks a contact the body no longer names, and keeps the contact', async () => {
    const both = {
      title: 'Barnehageplass',
      status: 'Mottatt',
      department: 'bygg',
      contacts: [
        { name: 'Mor', phone: '91500040', role: 'søker' },
        { name: 'Far', phone: '91500041', role: 'medsøker' },
      ],
    };
    const first = await put('2026/4000', both);
    expect(first.status).toBe(201);
    expect(first.body.contacts).toHaveLength(2);
    const before = await counts();

    const one = await put('2026/4000', { ...both, contacts: [both.contacts[0]] });
    expect(one.status).toBe(200);
    expect(one.body.changed).toBe(true);
    expect((await parties('2026/4000')).map((c: { phones: string[] }) => c.phones)).toEqual([['+4791500040']]);
    const after = await counts();
    expect(after.links).toBe(before.links - 1);
    expect(after.contacts).toBe(before.contacts);

    const far = await s.api('GET', '/api/contacts?phone=91500041', { token: admin });
    expect(far.body.items).toHaveLength(1);
    expect(far.body.items[0].cases).toEqual([]);
    const mor = await s.api('GET', '/api/contacts?phone=91500040', { token: admin });
    expect(mor.body.items[0].cases.map((c: { caseNumber: string }) => c.caseNumber)).toEqual(['2026/4000']);

    const none = await put('2026/4000', { ...both, contacts: [] });
    expect(none.body).toMatchObject({ changed: true, contacts: [] });
    expect(await s.count('case_contacts')).toBe(after.links - 1);
  });

  it('refuses an unknown department with 400 and writes nothing', async () => {
    const before = await counts();
    const created = await put('2026/5000', { title: 'X', status: 'Mottatt', department: 'finnes-ikke', contacts: [{ name: 'Ny', phone: '91500050' }] });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: expect.any(String), message: expect.stringContaining('finnes-ikke') });
    const existing = (await s.app.register.cases.byNumber('2026/1234'))!;
    const moved = await put('2026/1234', { title: 'Y', status: 'Mottatt', department: 'finnes-ikke', contacts: [] });
    expect(moved.status).toBe(400);
    expect(await counts()).toEqual(before);
    expect(await s.app.register.cases.byNumber('2026/5000')).toBeNull();
    expect(await s.app.register.cases.byNumber('2026/1234')).toEqual(existing);
  });

  it.each([
    ['+4791234567'],
    ['+47 912 34 567'],
    ['91234567'],
    ['912 34 567'],
    ['0047 91234567'],
    ['0047 912 34 567'],
    ['+47 91 23 45 67'],
    ['(+47) 912-34-567'],
  ])('GET /api/contacts?phone=%s finds the contact with its cases', async (notation) => {
    const r = await s.api('GET', `/api/contacts?phone=${encodeURIComponent(notation)}`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ name: 'Ola Nordmann', phones: ['+4791234567'], emails: ['ola@example.no'] });
    expect(r.body.items[0].cases).toEqual([
      expect.objectContaining({ caseNumber: '2026/1234', title: 'Byggesøknad, Storgata 1 B', status: 'Avsluttet', department: 'bygg', role: 'søker' }),
    ]);
  });

  it('GET /api/contacts?phone= answers an empty list for a number nobody has and 400 for one that is not a number', async () => {
    const none = await s.api('GET', '/api/contacts?phone=99999999', { token: admin });
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
    const bad = await s.api('GET', '/api/contacts?phone=ring-meg', { token: admin });
    expect(bad.status).toBe(400);
  });

  it('shows an agent the contact with only the cases of its own departments', async () => {
    const r = await s.api('GET', '/api/contacts?phone=92233444', { token: agent });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    // 2026/3003 belongs to helse, which this agent is not in.
    expect(r.body.items[0].cases.map((c: { caseNumber: string }) => c.caseNumber).sort()).toEqual(['2026/3001', '2026/3002']);
  });

  it('lets the case system create the same new case from parallel pushes exactly once', async () => {
    const before = await counts();
    const body = { title: 'Parallell', status: 'Mottatt', department: 'bygg', contacts: [{ name: 'Samtidig', phone: '91500060' }] };
    const results = await Promise.all(Array.from({ length: 10 }, () => put('2026/6000', body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const after = await counts();
    expect(after.cases).toBe(before.cases + 1);
    expect(after.contacts).toBe(before.contacts + 1);
    expect(after.links).toBe(before.links + 1);
    expect(new Set(results.map((r) => r.body.contacts[0].id)).size).toBe(1);
  });

  it('an admin may upsert too; an agent may not', async () => {
    const body = { title: 'Admin', status: 'Mottatt', department: 'bygg', contacts: [] };
    expect((await put('2026/7000', body, admin)).status).toBe(201);
    const denied = await put('2026/7001', body, agent);
    expect(denied.status).toBe(403);
    expect(await s.app.register.cases.byNumber('2026/7001')).toBeNull();
  });
});
