import { engines } from '../support/engines';
import { startRegisterServer } from '../support/register-fixture';
import { TEST_PASSWORD, type TestServer } from '../support/server';

/*
 * Addresses compare byte for byte on both engines. MariaDB's utf8mb4_unicode_ci, the tables'
 * collation, folds accents and case: `ola@gmäil.com` equalled `ola@gmail.com`, so a look-alike
 * domain joined the real citizen's contact and continued their inquiries (issue 12). SQLite
 * compares bytes already; these tests pin both.
 */

const DAY = 86_400_000;

describe.each(engines())('addresses compared byte for byte on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];

  beforeAll(async () => {
    ({ s, admin, record } = await startRegisterServer(engine));
  });
  afterAll(() => s.close());

  const mail = (from: string, externalId: string) =>
    record({ channel: 'email', externalId, from: { email: from }, to: 'post@kommune.no', subject: 'Hei', body: 'Hei', continueWithinMs: 14 * DAY });

  it('makes a look-alike e-mail address a contact of its own, with inquiries of its own', async () => {
    const real = await mail('ola@gmail.com', '<real-1@gmail.com>');
    const contacts = await s.count('contacts');
    const fake = await mail('ola@gmäil.com', '<fake-1@gmäil.com>');
    expect(await s.count('contacts')).toBe(contacts + 1);
    expect(fake.contact!.id).not.toBe(real.contact!.id);
    expect(fake.opened).toBe(true);
    expect(fake.inquiry.id).not.toBe(real.inquiry.id);
    expect((await s.app.register.messages.timeline(real.inquiry.id)).length).toBe(1);

    expect((await s.app.register.contacts.byEmail('ola@gmäil.com'))!.id).toBe(fake.contact!.id);
    expect((await s.app.register.contacts.byEmail('ola@gmail.com'))!.id).toBe(real.contact!.id);
    const theirs = await s.api('GET', `/api/inquiries?contact=${real.contact!.id}`, { token: admin });
    expect(theirs.body.items.map((i: { id: number }) => i.id)).toEqual([real.inquiry.id]);

    // The real citizen still continues their own inquiry.
    const again = await mail('ola@gmail.com', '<real-2@gmail.com>');
    expect(again.inquiry.id).toBe(real.inquiry.id);
  });

  it('keeps two Message-IDs that differ only in case or accents as two mails, not one delivered twice', async () => {
    const a = await mail('kari@example.no', '<AbC-1@example.no>');
    const b = await mail('kari@example.no', '<abc-1@example.no>');
    const c = await mail('kari@example.no', '<abç-1@example.no>');
    expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, false, false]);
    expect(new Set([a.message.id, b.message.id, c.message.id]).size).toBe(3);
    expect((await s.app.register.messages.byExternalId('email', '<abc-1@example.no>'))!.id).toBe(b.message.id);
  });

  it('counts failures of a look-alike key apart from the real one', async () => {
    const q = (sql: string, params: unknown[]) => s.app.db.dataSource.query(sql, params);
    await q('INSERT INTO rate_limits (rl_key, points, expire) VALUES (?, ?, ?)', ['login:ola@gmail.com', 5, null]);
    await q('INSERT INTO rate_limits (rl_key, points, expire) VALUES (?, ?, ?)', ['login:ola@gmäil.com', 1, null]);
    const rows = await q('SELECT points FROM rate_limits WHERE rl_key = ?', ['login:ola@gmäil.com']);
    expect(rows.map((r: { points: unknown }) => Number(r.points))).toEqual([1]);
  });

  it('logs in only with the exact address: a look-alike finds no account, and may be an account of its own', async () => {
    const login = (email: string, password = TEST_PASSWORD) => s.api('POST', '/api/auth/login', { body: { email, password } });
    const real = await s.user('saksbehandler@kommune.no', 'caseworker', []);
    const lookAlike = await login('saksbehandler@kommunë.no');
    expect(lookAlike.status).toBe(401);
    expect(lookAlike.body.error.code).toBe('invalid_credentials');
    // Upper case is the same address: stored and looked up in lower case.
    const upper = await login('Saksbehandler@Kommune.NO');
    expect(upper.status).toBe(200);
    expect(upper.body.user.id).toBe(real.id);

    const other = await s.user('saksbehandler@kommunë.no', 'caseworker', []);
    expect(other.id).not.toBe(real.id);
    expect((await login('saksbehandler@kommunë.no')).body.user.id).toBe(other.id);
    expect((await login('saksbehandler@kommune.no')).body.user.id).toBe(real.id);
    const q = (sql: string, params: unknown[]) => s.app.db.dataSource.query(sql, params);
    expect(await q('SELECT id FROM users WHERE email = ?', ['saksbehandler@kommüne.no'])).toHaveLength(0);
  });
});
