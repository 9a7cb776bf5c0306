import type { Role } from '../../server/contracts/names';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * The access policy of server/domain/access.ts as a matrix: every role against every register
 * route, on rows of two departments. Frontline roles see their own departments; a contact is
 * visible through any visible case or inquiry; admin sees and does all; records reads all and
 * changes nothing; integration upserts cases and reads only the ones it wrote; officers have no
 * register access at all.
 */

type Dep = 'A' | 'B';
type CaseKey = 'A' | 'B';
type ContactKey = 'caseA' | 'caseB' | 'smsA' | 'smsB';

interface RoleRow {
  role: Role;
  /** Departments whose register rows the role reads; null: no register access (403). */
  reads: Dep[] | null;
  /** May assign, change state and write notes (within what it reads). */
  works: boolean;
  upsertsCases: boolean;
  admin: boolean;
  /** Case files GET /api/cases/:caseNumber answers 200 for. */
  cases: CaseKey[];
  departments: string[];
}

const CODE: Record<Dep, string> = { A: 'avd-a', B: 'avd-b' };
const CASE_NUMBER: Record<CaseKey, string> = { A: '2026/0001', B: '2026/0002' };
const CASE_DEP: Record<CaseKey, Dep> = { A: 'A', B: 'B' };
const PHONE: Record<ContactKey, string> = { caseA: '+4791000001', caseB: '+4791000002', smsA: '+4791000003', smsB: '+4791000004' };
/** Where each contact shows up: caseA is a party on case A and also wrote an SMS to department B. */
const CONTACT_DEPS: Record<ContactKey, Dep[]> = { caseA: ['A', 'B'], caseB: ['B'], smsA: ['A'], smsB: ['B'] };
const CONTACT_CASES: Record<ContactKey, CaseKey[]> = { caseA: ['A'], caseB: ['B'], smsA: [], smsB: [] };

const ROLES: RoleRow[] = [
  { role: 'admin', reads: ['A', 'B'], works: true, upsertsCases: true, admin: true, cases: ['A', 'B'], departments: [] },
  { role: 'agent', reads: ['A'], works: true, upsertsCases: false, admin: false, cases: ['A'], departments: [CODE.A] },
  { role: 'caseworker', reads: ['B'], works: true, upsertsCases: false, admin: false, cases: ['B'], departments: [CODE.B] },
  { role: 'officer', reads: null, works: false, upsertsCases: false, admin: false, cases: [], departments: [CODE.A, CODE.B] },
  { role: 'records', reads: ['A', 'B'], works: false, upsertsCases: false, admin: false, cases: ['A', 'B'], departments: [] },
  // The integration user wrote case A; case B was written by another integration account.
  { role: 'integration', reads: null, works: false, upsertsCases: true, admin: false, cases: ['A'], departments: [] },
];

/** Inquiries: one per department, plus one in B from the contact of case A. */
type InquiryKey = 'A' | 'B' | 'sharedB';
const INQUIRY_DEP: Record<InquiryKey, Dep> = { A: 'A', B: 'B', sharedB: 'B' };
const INQUIRY_KEYS: InquiryKey[] = ['A', 'B', 'sharedB'];
const CONTACT_KEYS: ContactKey[] = ['caseA', 'caseB', 'smsA', 'smsB'];
const CASE_KEYS: CaseKey[] = ['A', 'B'];

const sees = (row: RoleRow, deps: Dep[]) => row.reads !== null && deps.some((d) => row.reads!.includes(d));
const enc = (caseNumber: string) => encodeURIComponent(caseNumber);

function expectDenied(res: { status: number; body: any }) {
  expect([403, 404]).toContain(res.status);
  expect(typeof res.body.error.code).toBe('string');
  expect(typeof res.body.error.message).toBe('string');
}

describe.each(engines())('access matrix on $name', (engine) => {
  let s: TestServer;
  const token: Partial<Record<Role, string>> = {};
  const inquiryId = {} as Record<InquiryKey, number>;
  const messageId = {} as Record<InquiryKey, number>;
  const contactId = {} as Record<ContactKey, number>;

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department(CODE.A);
    await s.department(CODE.B);
    for (const row of ROLES) token[row.role] = (await s.user(`${row.role}@kommune.no`, row.role, row.departments)).token;
    const otherIntegration = await s.user('integration2@kommune.no', 'integration', []);

    const putCase = async (key: CaseKey, tok: string) => {
      const r = await s.api('PUT', `/api/cases/${enc(CASE_NUMBER[key])}`, {
        token: tok,
        body: {
          title: `Case ${key}`,
          status: 'under behandling',
          department: CODE[CASE_DEP[key]],
          contacts: [{ name: `Party ${key}`, phone: PHONE[key === 'A' ? 'caseA' : 'caseB'] }],
        },
      });
      expect(r.status).toBe(201);
    };
    await putCase('A', token.integration!);
    await putCase('B', otherIntegration.token);

    const sms = async (key: InquiryKey, from: string) => {
      const r = await s.app.inbound.record({
        channel: 'sms',
        externalId: `SM-matrix-${key}`,
        from: { phone: from },
        to: '+4740000000',
        body: `Hello from ${key}`,
        receivedAt: new Date(),
        departmentCode: CODE[INQUIRY_DEP[key]],
      });
      inquiryId[key] = r.inquiry.id;
      messageId[key] = r.message.id;
    };
    await sms('A', PHONE.smsA);
    await sms('B', PHONE.smsB);
    await sms('sharedB', PHONE.caseA);

    for (const key of CONTACT_KEYS) contactId[key] = (await s.app.register.contacts.byPhone(PHONE[key]))!.id;
  });
  afterAll(() => s.close());

  it('built distinct fixtures in both departments', () => {
    expect(new Set(Object.values(inquiryId)).size).toBe(3);
    expect(new Set(Object.values(contactId)).size).toBe(4);
  });

  it.each([
    ['GET', '/api/inquiries'],
    ['GET', '/api/inquiries/1'],
    ['PATCH', '/api/inquiries/1'],
    ['POST', '/api/inquiries/1/notes'],
    ['GET', '/api/contacts?phone=91000001'],
    ['GET', '/api/contacts/1'],
    ['GET', '/api/cases/2026%2F0001'],
    ['PUT', '/api/cases/2026%2F0001'],
    ['POST', '/api/departments'],
    ['POST', '/api/users'],
    ['GET', '/api/messages/1'],
  ])('answers %s %s without a token with 401', async (method, path) => {
    const r = await s.api(method, path, { body: method === 'GET' ? undefined : {} });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthenticated');
  });

  describe.each(ROLES)('as $role', (row) => {
    const tok = () => token[row.role]!;

    it('GET /api/inquiries lists exactly the inquiries of its departments, or 403', async () => {
      const r = await s.api('GET', '/api/inquiries?limit=200', { token: tok() });
      if (row.reads === null) {
        expect(r.status).toBe(403);
        return;
      }
      expect(r.status).toBe(200);
      const ids = r.body.items.map((i: { id: number }) => i.id).sort();
      const expected = INQUIRY_KEYS.filter((k) => row.reads!.includes(INQUIRY_DEP[k]))
        .map((k) => inquiryId[k])
        .sort();
      expect(ids).toEqual(expected);
      const allowedCodes = row.reads.map((d) => CODE[d]);
      for (const item of r.body.items) expect(allowedCodes).toContain(item.department);
    });

    it.each(['A', 'B'] as Dep[])('GET /api/inquiries?department= of department %s shows no rows outside its scope', async (dep) => {
      const r = await s.api('GET', `/api/inquiries?department=${CODE[dep]}`, { token: tok() });
      if (row.reads === null) {
        expect(r.status).toBe(403);
        return;
      }
      expect(r.status).toBe(200);
      const expected = row.reads.includes(dep)
        ? INQUIRY_KEYS.filter((k) => INQUIRY_DEP[k] === dep)
            .map((k) => inquiryId[k])
            .sort()
        : [];
      expect(r.body.items.map((i: { id: number }) => i.id).sort()).toEqual(expected);
    });

    it.each(CONTACT_KEYS)('GET /api/inquiries?contact= for contact %s shows no rows outside its scope', async (key) => {
      const r = await s.api('GET', `/api/inquiries?contact=${contactId[key]}`, { token: tok() });
      if (row.reads === null) {
        expect(r.status).toBe(403);
        return;
      }
      expect(r.status).toBe(200);
      const from: Record<InquiryKey, ContactKey> = { A: 'smsA', B: 'smsB', sharedB: 'caseA' };
      const expected = INQUIRY_KEYS.filter((k) => from[k] === key && row.reads!.includes(INQUIRY_DEP[k])).map((k) => inquiryId[k]);
      expect(r.body.items.map((i: { id: number }) => i.id)).toEqual(expected);
    });

    it.each(INQUIRY_KEYS)('GET /api/inquiries/:id of inquiry %s', async (key) => {
      const r = await s.api('GET', `/api/inquiries/${inquiryId[key]}`, { token: tok() });
      if (sees(row, [INQUIRY_DEP[key]])) {
        expect(r.status).toBe(200);
        expect(r.body.id).toBe(inquiryId[key]);
        expect(r.body.department).toBe(CODE[INQUIRY_DEP[key]]);
        expect(r.body.timeline.map((t: { id: number }) => t.id)).toContain(messageId[key]);
      } else {
        expectDenied(r);
        expect(JSON.stringify(r.body)).not.toContain(`Hello from ${key}`);
      }
    });

    it.each(INQUIRY_KEYS)('GET /api/messages/:id of the message on inquiry %s', async (key) => {
      const r = await s.api('GET', `/api/messages/${messageId[key]}`, { token: tok() });
      if (sees(row, [INQUIRY_DEP[key]])) {
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ id: messageId[key], channel: 'sms', direction: 'in', status: 'delivered' });
        expect(Array.isArray(r.body.events)).toBe(true);
      } else {
        expectDenied(r);
        expect(JSON.stringify(r.body)).not.toContain(`Hello from ${key}`);
      }
    });

    it.each(INQUIRY_KEYS)('PATCH /api/inquiries/:id of inquiry %s', async (key) => {
      const id = inquiryId[key];
      const before = (await s.app.register.inquiries.byId(id))!;
      const audits = await s.count('audit_events');
      const next = before.state === 'waiting' ? 'open' : 'waiting';
      const r = await s.api('PATCH', `/api/inquiries/${id}`, { token: tok(), body: { state: next } });
      const after = (await s.app.register.inquiries.byId(id))!;
      if (row.works && sees(row, [INQUIRY_DEP[key]])) {
        expect(r.status).toBe(200);
        expect(r.body.state).toBe(next);
        expect(after.state).toBe(next);
        expect(await s.count('audit_events')).toBe(audits + 1);
      } else {
        expectDenied(r);
        expect(after).toEqual(before);
        expect(await s.count('audit_events')).toBe(audits);
      }
    });

    it.each(INQUIRY_KEYS)('POST /api/inquiries/:id/notes on inquiry %s', async (key) => {
      const id = inquiryId[key];
      const messages = await s.count('messages');
      const r = await s.api('POST', `/api/inquiries/${id}/notes`, { token: tok(), body: { body: `note by ${row.role}` } });
      if (row.works && sees(row, [INQUIRY_DEP[key]])) {
        expect(r.status).toBe(201);
        expect(r.body).toMatchObject({ direction: 'internal', body: `note by ${row.role}` });
        expect(await s.count('messages')).toBe(messages + 1);
      } else {
        expectDenied(r);
        expect(await s.count('messages')).toBe(messages);
      }
    });

    it.each(CONTACT_KEYS)('GET /api/contacts?phone= finds contact %s only when a visible case or inquiry has it', async (key) => {
      // Local notation: the lookup normalises it to the stored E.164 number.
      const r = await s.api('GET', `/api/contacts?phone=${encodeURIComponent(PHONE[key].replace('+47', ''))}`, { token: tok() });
      if (row.reads === null) {
        expect(r.status).toBe(403);
        return;
      }
      expect(r.status).toBe(200);
      if (!sees(row, CONTACT_DEPS[key])) {
        expect(r.body.items).toEqual([]);
        return;
      }
      expect(r.body.items).toHaveLength(1);
      expect(r.body.items[0]).toMatchObject({ id: contactId[key], phones: [PHONE[key]] });
      const cases = CONTACT_CASES[key].filter((c) => row.reads!.includes(CASE_DEP[c])).map((c) => CASE_NUMBER[c]);
      expect(r.body.items[0].cases.map((c: { caseNumber: string }) => c.caseNumber)).toEqual(cases);
    });

    it.each(CONTACT_KEYS)('GET /api/contacts/:id of contact %s', async (key) => {
      const r = await s.api('GET', `/api/contacts/${contactId[key]}`, { token: tok() });
      if (sees(row, CONTACT_DEPS[key])) {
        expect(r.status).toBe(200);
        expect(r.body.id).toBe(contactId[key]);
        const cases = CONTACT_CASES[key].filter((c) => row.reads!.includes(CASE_DEP[c])).map((c) => CASE_NUMBER[c]);
        expect(r.body.cases.map((c: { caseNumber: string }) => c.caseNumber)).toEqual(cases);
      } else {
        expectDenied(r);
        expect(JSON.stringify(r.body)).not.toContain(PHONE[key]);
      }
    });

    it.each(CASE_KEYS)('GET /api/cases/:caseNumber of case %s', async (key) => {
      const r = await s.api('GET', `/api/cases/${enc(CASE_NUMBER[key])}`, { token: tok() });
      if (row.cases.includes(key)) {
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ caseNumber: CASE_NUMBER[key], title: `Case ${key}`, department: CODE[CASE_DEP[key]] });
      } else {
        expectDenied(r);
        expect(JSON.stringify(r.body)).not.toContain(`Case ${key}`);
      }
    });

    it('PUT /api/cases/:caseNumber creates a case only for admin and integration', async () => {
      const caseNumber = `2026/9${ROLES.indexOf(row)}`;
      const [cases, contacts] = [await s.count('cases'), await s.count('contacts')];
      const r = await s.api('PUT', `/api/cases/${enc(caseNumber)}`, {
        token: tok(),
        body: { title: 'New case', status: 'mottatt', department: CODE.A, contacts: [{ name: 'New party', phone: `+479200000${ROLES.indexOf(row)}` }] },
      });
      if (row.upsertsCases) {
        expect(r.status).toBe(201);
        expect(r.body.caseNumber).toBe(caseNumber);
        expect(await s.count('cases')).toBe(cases + 1);
        expect(await s.count('contacts')).toBe(contacts + 1);
      } else {
        expect(r.status).toBe(403);
        expect(await s.count('cases')).toBe(cases);
        expect(await s.count('contacts')).toBe(contacts);
      }
    });

    it('PUT /api/cases/:caseNumber on an existing case changes it only for admin, and for integration only the cases it created', async () => {
      const before = (await s.app.register.cases.byNumber(CASE_NUMBER.B))!;
      const r = await s.api('PUT', `/api/cases/${enc(CASE_NUMBER.B)}`, {
        token: tok(),
        body: { title: `Case B (${row.role})`, status: 'under behandling', department: CODE.B, contacts: [{ name: 'Party B', phone: PHONE.caseB }] },
      });
      const after = (await s.app.register.cases.byNumber(CASE_NUMBER.B))!;
      // Case B was written by another integration account: this one may neither read nor change it.
      if (row.upsertsCases && row.cases.includes('B')) {
        expect(r.status).toBe(200);
        expect(after.title).toBe(`Case B (${row.role})`);
        // Put the title back so the read checks above stay true whichever order they run in.
        await s.app.db.transaction((m) => s.app.register.cases.update(after.id, { title: 'Case B' }, m));
      } else {
        expect(r.status).toBe(403);
        expect(after).toEqual(before);
      }
    });

    it('POST /api/departments is for admins only', async () => {
      const before = await s.count('departments');
      const r = await s.api('POST', '/api/departments', { token: tok(), body: { code: `new-${row.role}`, name: `New ${row.role}` } });
      if (row.admin) {
        expect(r.status).toBe(201);
        expect(r.body.code).toBe(`new-${row.role}`);
        expect(await s.count('departments')).toBe(before + 1);
      } else {
        expect(r.status).toBe(403);
        expect(await s.count('departments')).toBe(before);
      }
    });

    it('POST /api/users is for admins only', async () => {
      const before = await s.count('users');
      const r = await s.api('POST', '/api/users', {
        token: tok(),
        body: { email: `made-by-${row.role}@kommune.no`, name: 'Made', password: 'long-enough-password', role: 'admin', departments: [CODE.A] },
      });
      if (row.admin) {
        expect(r.status).toBe(201);
        expect(r.body).toMatchObject({ email: `made-by-${row.role}@kommune.no`, role: 'admin' });
        expect(await s.count('users')).toBe(before + 1);
      } else {
        expect(r.status).toBe(403);
        expect(await s.count('users')).toBe(before);
      }
    });
  });
});
