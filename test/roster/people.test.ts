import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * The roster's people: pushed one at a time (idempotent: the same body twice changes nothing),
 * removed, imported whole from CSV with a dry run, and seen by staff only within their units.
 */

const kari = {
  name: 'Kari Nordmann',
  phone: '+47 912 34 567',
  kind: 'student',
  unit: 'skole-a',
  groups: ['8A', 'Fotball'],
  startDate: '2024-08-15',
  guardians: [{ name: 'Ola Nordmann', phone: '913 45 678' }],
};

describe.each(engines())('roster people on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let integration: string;
  let officerA: string;
  let officerB: string;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('skole-a');
    await s.department('skole-b');
    admin = (await s.user('admin@roster.no', 'admin', [])).token;
    integration = (await s.user('ums@roster.no', 'integration', [])).token;
    officerA = (await s.user('officer-a@roster.no', 'officer', ['skole-a'])).token;
    officerB = (await s.user('officer-b@roster.no', 'officer', ['skole-b'])).token;
  });
  afterAll(() => s.close());

  const snapshot = async () => {
    const rows = (await s.app.db.dataSource.query('SELECT external_id, name, phone, updated_at, removed_at FROM roster_people ORDER BY id')) as unknown[];
    return {
      people: JSON.stringify(rows),
      groups: await s.count('roster_groups'),
      guardians: await s.count('roster_guardians'),
      audit: await s.count('audit_events'),
    };
  };

  it('creates with 201, answers 200 for the same body and writes nothing, and updates with 200', async () => {
    const created = await s.api('PUT', '/api/roster/people/p-1001', { token: integration, body: kari });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ externalId: 'p-1001', phone: '+4791234567', unit: 'skole-a', groups: ['8A', 'Fotball'], ended: false });
    expect(created.body.guardians).toEqual([{ name: 'Ola Nordmann', phone: '+4791345678' }]);
    const before = await snapshot();
    const again = await s.api('PUT', '/api/roster/people/p-1001', { token: integration, body: kari });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect(await snapshot()).toEqual(before);
    const moved = await s.api('PUT', '/api/roster/people/p-1001', { token: integration, body: { ...kari, groups: ['9A'] } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ groups: ['9A'], changed: true });
  });

  it('refuses bad input with a clear 400 and changes nothing', async () => {
    const before = await snapshot();
    const bad = [
      { ...kari, phone: 'not a number' },
      { ...kari, kind: 'teacher' },
      { ...kari, unit: 'no-such-unit' },
      { ...kari, startDate: '2024-13-40' },
      { ...kari, startDate: '2025-01-01', endDate: '2024-01-01' },
      { ...kari, guardians: [{ name: 'X', phone: '12' }] },
      { ...kari, extra: true },
      { ...kari, name: 'x'.repeat(5000) },
    ];
    for (const body of bad) {
      const r = await s.api('PUT', '/api/roster/people/p-1001', { token: integration, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toMatch(/invalid_input|bad_request/);
    }
    expect((await s.api('PUT', '/api/roster/people/' + encodeURIComponent('bad id!'), { token: integration, body: kari })).status).toBe(400);
    expect((await s.api('PUT', '/api/roster/people/p-2', { token: officerA, body: kari })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('shows staff only the people of their own units', async () => {
    expect(
      (
        await s.api('PUT', '/api/roster/people/p-2001', {
          token: admin,
          body: { ...kari, phone: '+4792000001', unit: 'skole-b', groups: ['Lærere'], kind: 'staff' },
        })
      ).status,
    ).toBe(201);
    const a = await s.api('GET', '/api/roster/people', { token: officerA });
    expect(a.status).toBe(200);
    expect(a.body.items.map((p: { externalId: string }) => p.externalId)).toEqual(['p-1001']);
    const b = await s.api('GET', '/api/roster/people?q=Kari', { token: officerB });
    expect(b.body.items.map((p: { externalId: string }) => p.externalId)).toEqual(['p-2001']);
    expect((await s.api('GET', '/api/roster/people?unit=skole-b', { token: officerA })).status).toBe(403);
    expect((await s.api('GET', '/api/roster/people/p-2001', { token: officerA })).status).toBe(404);
    const groups = await s.api('GET', '/api/roster/groups', { token: officerA });
    expect(groups.body.items).toEqual([{ name: '9A', unit: 'skole-a', people: 1 }]);
    const all = await s.api('GET', '/api/roster/people', { token: admin });
    expect(all.body.items).toHaveLength(2);
  });

  it('removes a person; removing again is a 404', async () => {
    await s.api('PUT', '/api/roster/people/p-3001', { token: integration, body: { ...kari, phone: '+4792000002' } });
    expect((await s.api('DELETE', '/api/roster/people/p-3001', { token: integration })).status).toBe(204);
    expect((await s.api('DELETE', '/api/roster/people/p-3001', { token: integration })).status).toBe(404);
    expect((await s.api('GET', '/api/roster/people/p-3001', { token: admin })).status).toBe(404);
  });

  const csv = [
    'externalId,name,phone,kind,groups,startDate,endDate,guardian1Name,guardian1Phone',
    'c-1,Per Hansen,+4793000001,student,7A;Kor,,,Eva Hansen,+4793000101',
    'c-2,Lise Berg,+4793000002,staff,Lærere,2020-08-01,,,',
    'p-1001,Kari Nordmann,+47 912 34 567,student,9A,2024-08-15,,Ola Nordmann,913 45 678',
  ].join('\n');
  const importCsv = (text: string, dryRun: boolean, token = integration) =>
    fetch(`${s.url}/api/roster/import?unit=skole-a&dryRun=${dryRun}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: text,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('reports in a dry run what an import would change, and writes nothing', async () => {
    const before = await snapshot();
    const r = await importCsv(csv + '\nc-9,No Phone,1234,student,,,,,', true);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: true, rows: 4, creates: ['c-1', 'c-2'], updates: [], unchanged: 1, removals: [] });
    expect(r.body.rejected).toEqual([{ row: 5, externalId: 'c-9', reasons: ['phone: not a valid phone number'] }]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a real import with a rejected row whole, and applies a clean one', async () => {
    const before = await snapshot();
    const refused = await importCsv(csv + '\nc-9,No Phone,1234,student,,,,,', false);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_rows');
    expect(await snapshot()).toEqual(before);
    const ok = await importCsv(csv, false);
    expect(ok.status).toBe(200);
    expect(ok.body.creates).toEqual(['c-1', 'c-2']);
    const per = await s.api('GET', '/api/roster/people/c-1', { token: admin });
    expect(per.body).toMatchObject({ groups: ['7A', 'Kor'], guardians: [{ name: 'Eva Hansen', phone: '+4793000101' }] });
    // The same file again changes nothing; a file without c-2 removes c-2.
    expect((await importCsv(csv, true)).body).toMatchObject({ creates: [], updates: [], unchanged: 3, removals: [] });
    const without = csv
      .split('\n')
      .filter((l) => !l.startsWith('c-2'))
      .join('\n');
    expect((await importCsv(without, false)).body.removals).toEqual(['c-2']);
    expect((await s.api('GET', '/api/roster/people/c-2', { token: admin })).status).toBe(404);
    expect((await importCsv('name,phone\nx,y', false)).status).toBe(400);
    expect((await importCsv(csv, false, officerA)).status).toBe(403);
  });
});
