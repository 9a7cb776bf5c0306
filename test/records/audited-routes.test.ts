import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { routesOf } from '../fuzz/routes';

/*
 * Walks every GET route the app answers under /api. Each is either a route that shows message
 * content or a citizen's data (and must write a read audit event naming the reader, the route and
 * the address), or one named below as showing none. A new route that is in neither list fails the
 * first test, so nobody adds a way to read citizens' messages without deciding about the audit.
 */

/** Routes that show no message content and no citizen's data: settings, staff, counts, templates. */
const SHOWS_NO_CITIZEN_DATA = new Set([
  'GET /api/openapi.json', // the API's description, no data
  'GET /api/docs',
  'GET /api/sms/messages/days', // counts per day and status, no message or number
  'GET /api/backups', // backup runs and their verification
  // The roster is the school's copy of its own administrative register (pupils, staff, guardians),
  // not the citizens' register of contacts and inquiries; its reads are not in the audit trail yet.
  'GET /api/roster/people',
  'GET /api/roster/groups',
  'GET /api/roster/people/:externalId',
  'GET /api/roster/units/:code',
  'GET /api/roster/account-messages',
  'GET /api/roster/emergencies/:id',
  'GET /api/auth/me',
  'GET /api/admin/outbound-hosts',
  'GET /api/api-keys',
  'GET /api/totp-policy',
  'GET /api/users', // staff, audited by the auth feature
  'GET /api/departments',
  'GET /api/attachment-policy',
  'GET /api/sms/senders',
  'GET /api/sms/groups', // staff-made groups (their members are read in sends)
  // Officers' broadcasts: the staff-written text and per-status counts, no citizen's message.
  'GET /api/sms/sends',
  'GET /api/sms/sends/:id',
  'GET /api/sms/sends/:id/report',
  'GET /api/sms/sends/:id/report.csv',
  'GET /api/sms/reports',
  'GET /api/sms/reports.csv',
  'GET /api/sms/series',
  'GET /api/sms/series/:id',
  'GET /api/sms/url-allowlist',
  'GET /api/sms/country-allowlist',
  'GET /api/sms/operators',
  'GET /api/sms/holidays',
  'GET /api/forms',
  'GET /api/journal/rules',
  'GET /api/journal/archive',
  'GET /api/alerts/power-cuts',
  'GET /api/alerts/reminder-settings',
  // Retention settings and the purge's counts per rule (ids at most, never content).
  'GET /api/records/retention',
  'GET /api/records/holds',
  'GET /api/records/purge/dry-run',
  'GET /api/records/purge/runs',
]);

describe.each(engines())('every route that shows citizens’ data audits the read, on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let ids: Record<string, number | string>;

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('teknisk');
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    await s.api('PUT', '/api/journal/rules', { token: admin, body: { rules: [{ kind: 'all' }] } });
    const put = await s.api('PUT', '/api/cases/2026-7', {
      token: admin,
      body: { title: 'Byggesak', status: 'Under behandling', department: 'teknisk', contacts: [{ name: 'Kari Nordmann', phone: '+4791234567' }] },
    });
    expect(put.status).toBe(201);
    const inbound = await s.app.inbound.record({
      channel: 'sms',
      externalId: 'SM-walk-1',
      from: { phone: '+4791234567' },
      to: '+4740000000',
      body: 'Hei, når kommer svaret?',
      receivedAt: new Date(),
      departmentCode: 'teknisk',
    });
    const file = await s.app.register.attachments.store({
      messageId: inbound.message.id,
      ordinal: 0,
      filename: 'brev.txt',
      contentType: 'text/plain',
      createdAt: new Date(),
      content: Buffer.from('vedlegg'),
    });
    // An officer's SMS (the delivery views list outbound SMS) and a resident's alert consent.
    const teknisk = (await s.app.register.departments.byCode('teknisk'))!;
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk.id, channel: 'sms', address: '+4740000001', isDefault: true }, m),
    );
    const sent = await s.api('POST', '/api/sms/messages', { token: admin, body: { to: '+4791234567', body: 'Svar på byggesaken', from: '+4740000001' } });
    expect(sent.status).toBe(201);
    await s.app.db.dataSource.query(
      "INSERT INTO alert_consents (phone, action, text, language, via, created_at) VALUES ('+4791234567', 'subscribe', 'Ja takk', 'nb', 'web', ?)",
      [s.app.db.param(new Date())],
    );
    const entry = await eventually(async () => {
      const rows: { id: number }[] = await s.app.db.dataSource.query('SELECT id FROM journal_entries WHERE message_id = ?', [inbound.message.id]);
      return rows[0] ?? null;
    }, 'the journal post');
    ids = {
      inquiry: inbound.inquiry.id,
      message: inbound.message.id,
      contact: inbound.contact!.id,
      attachment: file.id,
      journal: Number(entry.id),
      sms: (sent.body.items as { id: number }[])[0].id,
    };
  });
  afterAll(() => s.close());

  /** How to call each content route, and which audit rows (entity type, id) it must leave. */
  const CONTENT: Record<string, () => { path: string; entity: [string, string | number] }> = {
    'GET /api/contacts': () => ({ path: '/api/contacts?phone=91234567', entity: ['contact', ids.contact] }),
    'GET /api/search': () => ({ path: '/api/search?q=91234567', entity: ['contact', ids.contact] }),
    'GET /api/contacts/:id': () => ({ path: `/api/contacts/${ids.contact}`, entity: ['contact', ids.contact] }),
    'GET /api/cases/:caseNumber': () => ({ path: '/api/cases/2026-7', entity: ['case', '2026-7'] }),
    'GET /api/inquiries': () => ({ path: '/api/inquiries', entity: ['inquiry', ids.inquiry] }),
    'GET /api/inquiries/:id': () => ({ path: `/api/inquiries/${ids.inquiry}`, entity: ['inquiry', ids.inquiry] }),
    'GET /api/inquiries/:id/timeline': () => ({ path: `/api/inquiries/${ids.inquiry}/timeline`, entity: ['inquiry', ids.inquiry] }),
    'GET /api/messages/:id': () => ({ path: `/api/messages/${ids.message}`, entity: ['message', ids.message] }),
    'GET /api/messages/:id/attachments': () => ({ path: `/api/messages/${ids.message}/attachments`, entity: ['message', ids.message] }),
    'GET /api/attachments/:id': () => ({ path: `/api/attachments/${ids.attachment}`, entity: ['message', ids.message] }),
    'GET /api/sms/messages': () => ({ path: '/api/sms/messages', entity: ['message', ids.sms] }),
    'GET /api/sms/messages.csv': () => ({ path: '/api/sms/messages.csv', entity: ['message', ids.sms] }),
    'GET /api/sms/messages/:id': () => ({ path: `/api/sms/messages/${ids.sms}`, entity: ['message', ids.sms] }),
    'GET /api/journal/entries': () => ({ path: '/api/journal/entries', entity: ['journal', ids.journal] }),
    'GET /api/journal/dead-letters': () => ({ path: '/api/journal/dead-letters', entity: ['journal', '*'] }),
    'GET /api/journal/entries/:id/document': () => ({ path: `/api/journal/entries/${ids.journal}/document`, entity: ['journal', ids.journal] }),
    'GET /api/journal/export': () => {
      const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      return { path: `/api/journal/export?from=${day}&to=${next}`, entity: ['journal', 'export'] };
    },
    'GET /api/alerts/subscribers/export': () => ({ path: '/api/alerts/subscribers/export?phone=%2B4791234567', entity: ['alert_subscriber', '+4791234567'] }),
    'GET /api/records/citizens/:id/export': () => ({ path: `/api/records/citizens/${ids.contact}/export`, entity: ['contact', ids.contact] }),
    'GET /api/records/citizens/:id/export.html': () => ({ path: `/api/records/citizens/${ids.contact}/export.html`, entity: ['contact', ids.contact] }),
    'GET /api/records/citizens/:id/erasure': () => ({ path: `/api/records/citizens/${ids.contact}/erasure`, entity: ['contact', ids.contact] }),
    // The trail names citizens and what was read of theirs: reading it is itself audited.
    'GET /api/records/audit': () => ({ path: `/api/records/audit?contact=${ids.contact}`, entity: ['audit_trail', '*'] }),
    'GET /api/records/audit.csv': () => ({ path: '/api/records/audit.csv', entity: ['audit_trail', '*'] }),
    'GET /api/records/audit/unusual': () => ({ path: '/api/records/audit/unusual', entity: ['audit_trail', '*'] }),
    'GET /api/records/citizens': () => ({ path: '/api/records/citizens?q=%2B47%2091%2023%2045%2067', entity: ['contact', ids.contact] }),
  };

  it('knows every GET route under /api: it audits reads or is named as showing no citizen data', () => {
    const routes = routesOf(s.app.http as never)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/api/'))
      .map((r) => `${r.method} ${r.path}`);
    const unknown = routes.filter((r) => !SHOWS_NO_CITIZEN_DATA.has(r) && !(r in CONTENT));
    expect(unknown).toEqual([]);
    // The content list names only routes that exist (a renamed route is not silently unchecked).
    expect(Object.keys(CONTENT).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it.each(Object.keys(CONTENT))('%s writes a read (or export) audit event with reader, route and address', async (route) => {
    const call = CONTENT[route]();
    const count = async () => {
      const [type, id] = call.entity;
      const rows: { n: unknown }[] = await s.app.db.dataSource.query(
        `SELECT COUNT(*) AS n FROM audit_events WHERE action IN ('read', 'export') AND route = ? AND entity_type = ?${id === '*' ? '' : ' AND entity_id = ?'} AND user_id IS NOT NULL AND ip IS NOT NULL`,
        id === '*' ? [route, type] : [route, type, String(id)],
      );
      return Number(rows[0].n);
    };
    if (route === 'GET /api/journal/dead-letters') {
      // A dead letter to list: the post's delivery given up.
      await s.app.db.dataSource.query(`UPDATE journal_entries SET delivery_state = 'dead' WHERE id = ?`, [ids.journal]);
    }
    const before = await count();
    const r = await fetch(`${s.url}${call.path}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
    expect(await count()).toBeGreaterThan(before);
  });
});
