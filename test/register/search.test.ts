import { engines } from '../support/engines';
import { startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * The front desk's one box (GET /api/search?q=): a number in any notation, an e-mail, a name by
 * first name or surname with diacritics and case ignored, a case number, an inquiry number; only
 * what the searcher may see, and every contact shown recorded as read.
 */

type Found = {
  contacts: { id: number; name: string; cases: { caseNumber: string }[] }[];
  cases: { caseNumber: string }[];
  inquiries: { id: number }[];
  understoodAs: string[];
};

describe.each(engines())('the search box on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let agent: { id: number; token: string };
  let inquiryOfAse: number;

  const search = async (q: string, token = agent.token) => {
    const r = await s.api('GET', `/api/search?q=${encodeURIComponent(q)}`, { token });
    expect(r.status).toBe(200);
    return r.body as Found;
  };
  const names = (f: Found) => f.contacts.map((c) => c.name);

  beforeAll(async () => {
    ({ s, admin, record } = await startRegisterServer(engine));
    agent = await s.user('agent@kommune.no', 'agent', ['sosial']);
    const put = async (caseNumber: string, department: string, contacts: { name: string; phone?: string; email?: string }[]) => {
      const r = await s.api('PUT', `/api/cases/${encodeURIComponent(caseNumber)}`, {
        token: admin,
        body: { title: `Sak ${caseNumber}`, status: 'Under behandling', department, contacts },
      });
      expect(r.status).toBe(201);
    };
    await put('2026/100', 'sosial', [{ name: 'Åse Bøe-Ødegård', phone: '+4791234567', email: 'ase@example.no' }]);
    await put('2026/101', 'sosial', [{ name: 'Ola Nordmann', phone: '+4791234568' }]);
    await put('2026/102', 'teknisk', [{ name: 'Kari Nordmann', phone: '+4791234569' }]);
    inquiryOfAse = (await record({ from: { phone: '+4791234567' }, departmentCode: 'sosial' })).inquiry.id;
  });
  afterAll(() => s.close());

  it('finds a citizen by first name or surname, ignoring case and diacritics', async () => {
    for (const q of ['Åse', 'ase', 'ODEGARD', 'ødegård', 'boe', 'bøe ødeg', 'ase boe', 'odegard a'])
      expect([q, names(await search(q))]).toEqual([q, ['Åse Bøe-Ødegård']]);
    expect(names(await search('nordmann', admin))).toEqual(['Kari Nordmann', 'Ola Nordmann']);
    expect(names(await search('zzz'))).toEqual([]);
  });

  it('shows an agent only the citizens of their departments', async () => {
    expect(names(await search('nordmann'))).toEqual(['Ola Nordmann']);
    expect(names(await search('+47 912 34 569'))).toEqual([]);
  });

  it('finds by a number in any notation, by e-mail, by case number and by inquiry number', async () => {
    for (const q of ['91234567', '912 34 567', '+47 912 34 567', '0047 91234567']) {
      const f = await search(q);
      expect([q, names(f)]).toEqual([q, ['Åse Bøe-Ødegård']]);
      expect(f.understoodAs).toContain('phone');
    }
    const byMail = await search('ASE@example.no');
    expect(names(byMail)).toEqual(['Åse Bøe-Ødegård']);
    expect(byMail.contacts[0].cases.map((c) => c.caseNumber)).toEqual(['2026/100']);
    expect(byMail.inquiries.map((i) => i.id)).toContain(inquiryOfAse);

    expect((await search('2026/100')).cases.map((c) => c.caseNumber)).toEqual(['2026/100']);
    expect((await search('2026/102')).cases).toEqual([]);
    expect((await search('2026/102', admin)).cases.map((c) => c.caseNumber)).toEqual(['2026/102']);
    expect((await search(`#${inquiryOfAse}`)).inquiries[0].id).toBe(inquiryOfAse);
  });

  it('records every contact it shows as read', async () => {
    const ase = (await search('ase')).contacts[0].id;
    const before = (await s.app.audit.forEntity('contact', ase)).length;
    await search('odegard');
    const after = await s.app.audit.forEntity('contact', ase);
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ userId: agent.id, action: 'read', route: 'GET /api/search' });
  });

  it('indexes names of contacts stored without search keys (older rows, bulk loads)', async () => {
    await s.app.db.dataSource.query("INSERT INTO contacts (name, kind, created_at, updated_at) VALUES ('Żaneta Łukasiewicz', 'person', ?, ?)", [
      s.app.db.param(new Date()),
      s.app.db.param(new Date()),
    ]);
    expect(names(await search('lukasiewicz', admin))).toEqual([]);
    expect(await s.app.register.contacts.fillNameKeys()).toBe(1);
    expect(names(await search('lukasiewicz', admin))).toEqual(['Żaneta Łukasiewicz']);
    expect(names(await search('zaneta', admin))).toEqual(['Żaneta Łukasiewicz']);
    expect(await s.app.register.contacts.fillNameKeys()).toBe(0);
  });

  it('refuses bad input and roles that may not read the register', async () => {
    for (const q of ['', '?q=', `?q=${'a'.repeat(201)}`, '?q=ase&limit=5']) {
      const r = await s.api('GET', `/api/search${q}`, { token: agent.token });
      expect([q, r.status, r.body.error.code]).toEqual([q, 400, 'invalid_input']);
    }
    const integration = await s.user('sak@kommune.no', 'integration', []);
    expect((await s.api('GET', '/api/search?q=ase', { token: integration.token })).status).toBe(403);
    expect((await s.api('GET', '/api/search?q=ase')).status).toBe(401);
  });
});
