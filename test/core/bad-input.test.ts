import { authenticator } from 'otplib';
import { engines } from '../support/engines';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';

/*
 * "Bad input gets a clear error and changes nothing." Every write route of the staff API gets
 * malformed JSON, unknown fields, over-long strings, wrong types and (where it takes one) numbers
 * that are not phone numbers. Each must answer 400 with MISSION.md's error shape and leave every
 * table as it was. Apart from the part under test, each bad body is a body the route would accept,
 * so a parser that let the bad part through would write something and the test would see it.
 */

const TABLES = [
  'departments',
  'department_addresses',
  'users',
  'user_departments',
  'auth_tokens',
  'rate_limits',
  'contacts',
  'contact_phones',
  'contact_emails',
  'cases',
  'case_contacts',
  'inquiries',
  'messages',
  'message_events',
  'audit_events',
];

interface BadCase {
  /** A raw request body (sent as application/json unless contentType says otherwise). */
  raw?: string;
  body?: unknown;
  contentType?: string;
  /** Overrides the route's path, for bad path parameters. */
  path?: string;
  /** The field the error's details must name, when the schema rejected it. */
  field?: string;
}

interface RouteSpec {
  name: string;
  method: string;
  path: () => string;
  token: () => string | undefined;
  /** A body this route accepts. */
  valid: () => Record<string, unknown>;
  /** What the valid body gets, proving the bad cases fail only because of their bad part. */
  accepts: number;
  bad: () => [string, BadCase][];
  /** A row the route would change, compared before and after. */
  row?: () => Promise<unknown>;
}

const long = (n: number) => 'x'.repeat(n);

describe.each(engines())('bad input on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let enrolToken: string;
  let enrolSecret: string;
  let inquiryId: number;
  let otherDepartmentAgentId: number;
  const CASE = '2026/0100';

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('helse');
    await s.department('bygg');
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    await s.user('login@kommune.no', 'agent', ['helse']);
    otherDepartmentAgentId = (await s.user('bygg-agent@kommune.no', 'agent', ['bygg'])).id;

    // An administrator half-way through TOTP enrolment, for /api/auth/totp/confirm.
    const passwordHash = (await s.app.auth.users.byEmail('login@kommune.no'))!.passwordHash;
    await s.app.db.transaction((m) =>
      s.app.auth.users.create({ email: 'enrolling@kommune.no', name: 'Enrolling', passwordHash, role: 'admin', departmentIds: [] }, m),
    );
    enrolToken = await s.login('enrolling@kommune.no');
    const enrol = await s.api('POST', '/api/auth/totp/enrol', { token: enrolToken });
    expect(enrol.status).toBe(200);
    enrolSecret = enrol.body.secret;

    const put = await s.api('PUT', `/api/cases/${encodeURIComponent(CASE)}`, {
      token: admin,
      body: { title: 'Byggesøknad', status: 'mottatt', department: 'bygg', contacts: [{ name: 'Ola', phone: '+4791234567' }] },
    });
    expect(put.status).toBe(201);
    const r = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-bad-1',
      from: { phone: '+4798765432' },
      to: '+4740000000',
      body: 'Hei',
      receivedAt: new Date(),
      departmentCode: 'helse',
    });
    inquiryId = r.inquiry.id;
  });
  afterAll(() => s.close());

  const snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await s.count(t)] as const)));

  const caseBody = () => ({
    title: 'Ny sak',
    status: 'mottatt',
    department: 'bygg',
    contacts: [{ name: 'Kari', phone: '+4790000001', email: 'kari@example.no', role: 'søker' }],
  });
  const userBody = () => ({ email: 'new.user@kommune.no', name: 'New User', password: 'long-enough-password', role: 'agent', departments: ['helse'] });

  const ROUTES: RouteSpec[] = [
    {
      name: 'POST /api/auth/login',
      method: 'POST',
      path: () => '/api/auth/login',
      token: () => undefined,
      valid: () => ({ email: 'login@kommune.no', password: TEST_PASSWORD }),
      accepts: 200,
      bad: () => [
        ['email too long', { body: { email: `${long(200)}@kommune.no`, password: TEST_PASSWORD }, field: 'email' }],
        ['password too long', { body: { email: 'login@kommune.no', password: long(1025) }, field: 'password' }],
        ['password of the wrong type', { body: { email: 'login@kommune.no', password: 12345678901 }, field: 'password' }],
        ['email of the wrong type', { body: { email: ['login@kommune.no'], password: TEST_PASSWORD }, field: 'email' }],
        ['totp as a number', { body: { email: 'login@kommune.no', password: TEST_PASSWORD, totp: 123456 }, field: 'totp' }],
        ['totp that is not 6 digits', { body: { email: 'login@kommune.no', password: TEST_PASSWORD, totp: '12345a' }, field: 'totp' }],
        ['missing password', { body: { email: 'login@kommune.no' }, field: 'password' }],
      ],
    },
    {
      name: 'POST /api/auth/totp/confirm',
      method: 'POST',
      path: () => '/api/auth/totp/confirm',
      token: () => enrolToken,
      valid: () => ({ totp: authenticator.generate(enrolSecret) }),
      accepts: 200,
      bad: () => [
        // The current code, but as a number: a parser that coerced it would finish the enrolment.
        ['totp as a number', { body: { totp: enrolSecret ? Number(authenticator.generate(enrolSecret)) : 0 }, field: 'totp' }],
        ['totp too long', { body: { totp: '1'.repeat(100) }, field: 'totp' }],
        ['totp with letters', { body: { totp: 'abcdef' }, field: 'totp' }],
        ['no totp', { body: {}, field: 'totp' }],
      ],
      row: async () => {
        const u = (await s.app.auth.users.byEmail('enrolling@kommune.no'))!;
        const me = await s.api('GET', '/api/auth/me', { token: enrolToken });
        return { totpEnabled: u.totpEnabled, totpLastStep: u.totpLastStep, scope: me.body.scope };
      },
    },
    {
      name: 'POST /api/departments',
      method: 'POST',
      path: () => '/api/departments',
      token: () => admin,
      valid: () => ({
        code: 'skole',
        name: 'Skole',
        menuDigit: 3,
        email: 'skole@kommune.no',
        // Open on weekdays only: the days left out are closed days.
        openingHours: {
          timezone: 'Europe/Oslo',
          weekly: { '1': ['08:00-15:30'], '2': ['08:00-15:30'], '3': ['08:00-15:30'], '4': ['08:00-15:30'], '5': ['08:00-14:00'] },
        },
      }),
      accepts: 201,
      bad: () => [
        ['name too long', { body: { code: 'skole', name: long(192) }, field: 'name' }],
        ['code too long', { body: { code: `s${long(64)}`, name: 'Skole' }, field: 'code' }],
        ['code with spaces and capitals', { body: { code: 'Skole Kontor', name: 'Skole' }, field: 'code' }],
        ['name of the wrong type', { body: { code: 'skole', name: 5 }, field: 'name' }],
        ['empty name', { body: { code: 'skole', name: '   ' }, field: 'name' }],
        ['menuDigit as a string', { body: { code: 'skole', name: 'Skole', menuDigit: '3' }, field: 'menuDigit' }],
        ['menuDigit 9 (the case-status line)', { body: { code: 'skole', name: 'Skole', menuDigit: 9 }, field: 'menuDigit' }],
        ['menuDigit 0 (the switchboard)', { body: { code: 'skole', name: 'Skole', menuDigit: 0 }, field: 'menuDigit' }],
        ['menuDigit not an integer', { body: { code: 'skole', name: 'Skole', menuDigit: 1.5 }, field: 'menuDigit' }],
        ['email that is not an address', { body: { code: 'skole', name: 'Skole', email: 'not-an-email' }, field: 'email' }],
        ['opening hours out of range', { body: { code: 'skole', name: 'Skole', openingHours: { weekly: { '1': ['25:00-26:00'] } } }, field: 'openingHours' }],
        ['opening hours for day 8', { body: { code: 'skole', name: 'Skole', openingHours: { weekly: { '8': ['08:00-16:00'] } } }, field: 'openingHours' }],
      ],
    },
    {
      name: 'POST /api/users',
      method: 'POST',
      path: () => '/api/users',
      token: () => admin,
      valid: () => ({ ...userBody(), phone: '+47 912 00 000' }),
      accepts: 201,
      bad: () => [
        ['name too long', { body: { ...userBody(), name: long(192) }, field: 'name' }],
        ['email too long', { body: { ...userBody(), email: `${long(190)}@kommune.no` }, field: 'email' }],
        ['email that is not an address', { body: { ...userBody(), email: 'new.user' }, field: 'email' }],
        ['password too long', { body: { ...userBody(), password: long(1025) }, field: 'password' }],
        ['password too short', { body: { ...userBody(), password: 'short' }, field: 'password' }],
        ['password of the wrong type', { body: { ...userBody(), password: 123456789012 }, field: 'password' }],
        ['unknown role', { body: { ...userBody(), role: 'root' }, field: 'role' }],
        ['departments as a string', { body: { ...userBody(), departments: 'helse' }, field: 'departments' }],
        ['departments of numbers', { body: { ...userBody(), departments: [1] }, field: 'departments' }],
        ['unknown department', { body: { ...userBody(), departments: ['helse', 'nope'] } }],
        ['sip too long', { body: { ...userBody(), sip: `sip:${long(200)}@pbx.kommune.no` }, field: 'sip' }],
        ['unknown locale', { body: { ...userBody(), locale: 'xx' }, field: 'locale' }],
        ['phone with letters', { body: { ...userBody(), phone: 'call me maybe' } }],
        ['phone too short to be a number', { body: { ...userBody(), phone: '12' } }],
        ['phone too long', { body: { ...userBody(), phone: '9'.repeat(33) } }],
      ],
    },
    {
      name: 'PUT /api/cases/:caseNumber (new case)',
      method: 'PUT',
      path: () => '/api/cases/2026%2F0200',
      token: () => admin,
      valid: caseBody,
      accepts: 201,
      bad: () => [
        ['title too long', { body: { ...caseBody(), title: long(256) }, field: 'title' }],
        ['status too long', { body: { ...caseBody(), status: long(65) }, field: 'status' }],
        ['spoken status too long', { body: { ...caseBody(), statusSpoken: long(2001) }, field: 'statusSpoken' }],
        ['contact name too long', { body: { ...caseBody(), contacts: [{ name: long(192), phone: '+4790000001' }] }, field: 'contacts' }],
        ['contact phone too long', { body: { ...caseBody(), contacts: [{ name: 'Kari', phone: '9'.repeat(41) }] }, field: 'contacts' }],
        ['contact e-mail too long', { body: { ...caseBody(), contacts: [{ name: 'Kari', email: `${long(190)}@example.no` }] }, field: 'contacts' }],
        ['case number too long', { body: caseBody(), path: `/api/cases/${long(65)}` }],
        ['case number with spaces', { body: caseBody(), path: '/api/cases/2026%20200' }],
        ['title of the wrong type', { body: { ...caseBody(), title: 5 }, field: 'title' }],
        ['status null', { body: { ...caseBody(), status: null }, field: 'status' }],
        ['contacts as an object', { body: { ...caseBody(), contacts: { name: 'Kari' } }, field: 'contacts' }],
        ['contacts of strings', { body: { ...caseBody(), contacts: ['Kari'] }, field: 'contacts' }],
        ['open as a string', { body: { ...caseBody(), open: 'yes' }, field: 'open' }],
        ['unknown field on a contact', { body: { ...caseBody(), contacts: [{ name: 'Kari', phone: '+4790000001', ssn: '01010112345' }] }, field: 'contacts' }],
        ['contact e-mail that is not an address', { body: { ...caseBody(), contacts: [{ name: 'Kari', email: 'kari-at-example' }] }, field: 'contacts' }],
        ['unparseable phone', { body: { ...caseBody(), contacts: [{ name: 'Kari', phone: 'not-a-number' }] } }],
        ['phone too short to be a number', { body: { ...caseBody(), contacts: [{ name: 'Kari', phone: '123' }] } }],
        [
          'a good contact followed by an unparseable phone',
          {
            body: {
              ...caseBody(),
              contacts: [
                { name: 'Kari', phone: '+4790000001' },
                { name: 'Per', phone: '+47 12' },
              ],
            },
          },
        ],
        ['unknown department', { body: { ...caseBody(), department: 'nope' } }],
        ['unknown caseworker', { body: { ...caseBody(), caseworkerEmail: 'nobody@kommune.no' } }],
      ],
    },
    {
      name: 'PUT /api/cases/:caseNumber (existing case)',
      method: 'PUT',
      path: () => `/api/cases/${encodeURIComponent(CASE)}`,
      token: () => admin,
      valid: () => ({ ...caseBody(), title: 'Byggesøknad, endret' }),
      accepts: 200,
      bad: () => [
        ['title too long', { body: { ...caseBody(), title: long(256) }, field: 'title' }],
        [
          'unparseable phone',
          {
            body: {
              ...caseBody(),
              contacts: [
                { name: 'Ola', phone: '+4791234567' },
                { name: 'Kari', phone: 'abc' },
              ],
            },
          },
        ],
        ['unknown department', { body: { ...caseBody(), department: 'nope' } }],
        ['open as a string', { body: { ...caseBody(), open: 'false' }, field: 'open' }],
      ],
      row: async () => {
        const c = (await s.app.register.cases.byNumber(CASE))!;
        return { c, contacts: await s.app.register.cases.contactsOf(c.id) };
      },
    },
    {
      name: 'PATCH /api/inquiries/:id',
      method: 'PATCH',
      path: () => `/api/inquiries/${inquiryId}`,
      token: () => admin,
      valid: () => ({ state: 'waiting' }),
      accepts: 200,
      bad: () => [
        ['unknown state', { body: { state: 'done' }, field: 'state' }],
        ['state of the wrong type', { body: { state: 5 }, field: 'state' }],
        ['assignee as text', { body: { state: 'waiting', assigneeId: 'abc' }, field: 'assigneeId' }],
        ['negative assignee', { body: { state: 'waiting', assigneeId: -1 }, field: 'assigneeId' }],
        ['fractional assignee', { body: { state: 'waiting', assigneeId: 1.5 }, field: 'assigneeId' }],
        ['assignee from another department', { body: { state: 'waiting', assigneeId: otherDepartmentAgentId } }],
        ['department too long', { body: { state: 'waiting', department: long(65) }, field: 'department' }],
        ['unknown department', { body: { state: 'waiting', department: 'nope' } }],
        ['nothing to change', { body: {} }],
        ['an id that is not a number', { body: { state: 'waiting' }, path: '/api/inquiries/abc' }],
        ['an id beyond the integer range', { body: { state: 'waiting' }, path: '/api/inquiries/99999999999999999999' }],
      ],
      row: () => s.app.register.inquiries.byId(inquiryId),
    },
    {
      name: 'POST /api/inquiries/:id/notes',
      method: 'POST',
      path: () => `/api/inquiries/${inquiryId}/notes`,
      token: () => admin,
      valid: () => ({ body: 'Ringte tilbake' }),
      accepts: 201,
      bad: () => [
        ['body too long', { body: { body: long(10_001) }, field: 'body' }],
        ['empty body', { body: { body: '' }, field: 'body' }],
        ['blank body', { body: { body: ' \n\t ' }, field: 'body' }],
        ['body of the wrong type', { body: { body: 5 }, field: 'body' }],
        ['body null', { body: { body: null }, field: 'body' }],
        ['no body field', { body: {}, field: 'body' }],
        ['an id that is not a number', { body: { body: 'x' }, path: '/api/inquiries/abc/notes' }],
      ],
    },
    {
      name: 'POST /api/inquiries/:id/messages',
      method: 'POST',
      path: () => `/api/inquiries/${inquiryId}/messages`,
      token: () => admin,
      valid: () => ({ body: 'Takk for meldingen' }),
      // No SMS channel is registered in this server: a good body reaches the channel check.
      accepts: 201,
      bad: () => [
        ['body too long', { body: { body: long(10_001) }, field: 'body' }],
        ['empty body', { body: { body: '' }, field: 'body' }],
        ['blank body', { body: { body: '   ' }, field: 'body' }],
        ['body of the wrong type', { body: { body: ['x'] }, field: 'body' }],
        ['an id that is not a number', { body: { body: 'x' }, path: '/api/inquiries/0/messages' }],
      ],
    },
  ];

  /** Malformed JSON, non-object JSON, a body not sent as JSON and an unknown field, for every route. */
  const common = (r: RouteSpec): [string, BadCase][] => {
    const valid = JSON.stringify(r.valid());
    return [
      ['malformed JSON (cut short)', { raw: valid.slice(0, -1) }],
      ['malformed JSON (single quotes)', { raw: valid.replace(/"/g, "'") }],
      ['a JSON string instead of an object', { raw: JSON.stringify('hello') }],
      ['a JSON array instead of an object', { raw: JSON.stringify([r.valid()]) }],
      ['JSON null', { raw: 'null' }],
      ['a body not sent as JSON', { raw: valid, contentType: 'text/plain' }],
      ['an unknown field', { body: { ...r.valid(), unexpected: 'surplus' }, field: 'unexpected' }],
      ['an unknown field named like an internal column', { body: { ...r.valid(), id: 1 }, field: 'id' }],
    ];
  };

  describe.each(ROUTES.map((r) => ({ ...r, label: r.name })))('$label', (route) => {
    const cases = () => [...common(route), ...route.bad()];
    // The labels are known before beforeAll runs; the bodies (tokens, ids) are built when each runs.
    const labels = [...common({ ...route, valid: () => ({}) }), ...route.bad()].map(([label]) => label);

    it.each(labels)('%s: 400 with the error shape, nothing written', async (label) => {
      const [, c] = cases().find(([l]) => l === label)!;
      const before = await snapshot();
      const rowBefore = await route.row?.();
      const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json' };
      const res = await s.api(route.method, c.path ?? route.path(), {
        token: route.token(),
        headers,
        ...(c.raw !== undefined ? { raw: c.raw } : { body: c.body }),
      });

      expect(res.status).toBe(400);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(Object.keys(res.body.error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
      expect(res.body.error.code).toMatch(/^[a-z_]+$/);
      expect(typeof res.body.error.message).toBe('string');
      expect(res.body.error.message.length).toBeGreaterThan(0);
      if (c.raw !== undefined && c.contentType === undefined && !c.raw.startsWith('[')) expect(res.body.error.code).toBe('invalid_json');
      if (c.field) {
        // The details name the bad field: in its path, or (for a field that should not be there) in the message.
        const details: { path: unknown[]; message: string }[] = res.body.error.details;
        expect(Array.isArray(details)).toBe(true);
        expect(details.some((d) => d.path[0] === c.field || (d.path.length === 0 && d.message.includes(`"${c.field}"`)))).toBe(true);
      }

      expect(await snapshot()).toEqual(before);
      if (route.row) expect(await route.row()).toEqual(rowBefore);
    });

    it('accepts the valid body the bad ones were made from', async () => {
      const res = await s.api(route.method, route.path(), { token: route.token(), body: route.valid() });
      expect(res.status).toBe(route.accepts);
    });
  });

  it('did not count bad log-in bodies as failed attempts: the account is not locked', async () => {
    const counted = await s.app.db.dataSource.query("SELECT points FROM rate_limits WHERE rl_key LIKE '%:login-account:login@kommune.no' AND points > 0");
    expect(counted).toEqual([]);
    expect((await s.api('POST', '/api/auth/login', { body: { email: 'login@kommune.no', password: TEST_PASSWORD } })).status).toBe(200);
  });

  it('stored the valid user phone in E.164', async () => {
    const u = await s.app.auth.users.byEmail('new.user@kommune.no');
    expect(u!.phone).toBe('+4791200000');
  });
});
