import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../server/cli/index';
import { engines } from '../support/engines';
import { startServer, TEST_PASSWORD, type TestServer } from '../support/server';

/*
 * The operator's command line against a real database: migrations, an administrator, a TOTP reset,
 * contacts and cases from CSV (dry run, rejected rows, a second run that changes nothing), and the
 * demo. The server is opened between steps to see what the command line did.
 */
describe.each(engines())('the command line on $name', (engine) => {
  let database: Awaited<ReturnType<typeof engine.create>>;
  let dir: string;
  beforeAll(async () => {
    database = await engine.create();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-cli-'));
  });
  afterAll(async () => {
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const sink = (add: (s: string) => void) =>
      new Writable({
        write(chunk: Buffer, _e, done) {
          add(chunk.toString());
          done();
        },
      });
    const code = await runCli(args, {
      out: sink((s) => (out += s)),
      err: sink((s) => (err += s)),
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent', NODE_ENV: 'test', DEMO_DATA: 'off' },
    });
    return { code, out, err };
  };
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  /** Opens the server on the same database to look, and closes it again (an SQLite file has one user at a time). */
  const look = async <T>(fn: (s: TestServer) => Promise<T>): Promise<T> => {
    const s = await startServer(engine, { database, keepDatabase: true });
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };

  it('migrates, and says so once', async () => {
    expect((await cli('migrate')).out).toMatch(/^Applied: CreateStaff/);
    expect((await cli('migrate')).out).toBe('The database is up to date\n');
    expect((await cli('no-such-command')).code).toBe(2);
    expect((await cli('migrate', '--bogus')).code).toBe(2);
  });

  it('creates an administrator who can log in, refusing a short password or a second account on the address', async () => {
    expect(await cli('create-admin', '--email', 'ops@kommune.no', '--password', 'short')).toMatchObject({
      code: 1,
      err: expect.stringContaining('--password'),
    });
    expect((await cli('create-admin', '--email', 'ops@kommune.no', '--password', TEST_PASSWORD, '--name', 'Drift')).code).toBe(0);
    expect(await cli('create-admin', '--email', 'OPS@kommune.no', '--password', TEST_PASSWORD)).toMatchObject({
      code: 1,
      err: expect.stringContaining('already exists'),
    });
    await look(async (s) => {
      const login = await s.api('POST', '/api/auth/login', { body: { email: 'ops@kommune.no', password: TEST_PASSWORD } });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ name: 'Drift', role: 'admin' });
    });
  });

  it("resets a user's TOTP and ends their sessions", async () => {
    const token = await look(async (s) => {
      const u = await s.user('agent@kommune.no', 'officer', []);
      expect((await s.app.auth.users.byEmail('agent@kommune.no'))!.totpEnabled).toBe(true);
      return u.token;
    });
    expect(await cli('reset-totp', '--email', 'nobody@kommune.no')).toMatchObject({ code: 1 });
    expect((await cli('reset-totp', '--email', 'agent@kommune.no')).code).toBe(0);
    await look(async (s) => {
      expect((await s.app.auth.users.byEmail('agent@kommune.no'))!.totpEnabled).toBe(false);
      expect((await s.api('GET', '/api/auth/me', { token })).status).toBe(401);
    });
  });

  it('imports contacts: a dry run writes nothing, bad rows are reported by line, a second run changes nothing', async () => {
    const csv = file(
      'contacts.csv',
      '\uFEFFName;Phone;E-mail;City\nKari Nordmann;917 00 001;kari@example.no;Molde\nOla;+47 917 00 002;;\nBad number;12;;\n;;;\nKari again;91700001;;Oslo\n',
    );
    const dry = await cli('import-contacts', csv, '--dry-run');
    expect(dry.out).toMatch(/Dry run of 5 contacts: 3 would be stored, 2 rejected; nothing was written/);
    const rejects = path.join(dir, 'rejects.csv');
    const first = await cli('import-contacts', csv, '--rejects', rejects);
    expect(first.out).toMatch(/2 created, 0 updated, 1 unchanged, 2 rejected/);
    expect(first.out).toContain('line 4: phone: "12" is not a phone number');
    expect(fs.readFileSync(rejects, 'utf8')).toBe('\uFEFFline;reason\r\n4;"phone: ""12"" is not a phone number"\r\n5;"row: give a phone or an email"\r\n');
    expect((await cli('import-contacts', csv)).out).toMatch(/0 created, 0 updated, 3 unchanged, 2 rejected/);
    expect((await cli('import-contacts', path.join(dir, 'missing.csv'))).code).toBe(1);
    await look(async (s) => {
      const kari = await s.app.register.contacts.byPhone('+4791700001');
      expect(kari).toMatchObject({ name: 'Kari Nordmann', city: 'Molde' });
      expect(await s.app.register.contacts.byEmail('kari@example.no')).toMatchObject({ id: kari!.id });
      expect(await s.count('contacts')).toBe(2);
    });
  });

  it('imports cases with their parties, as PUT /api/cases does, refusing unknown departments', async () => {
    const csv = file(
      'cases.csv',
      [
        'case_number,title,status,department,contact_name,contact_phone,contact_role',
        '2026/101,Byggesøknad Storgata 1,Under behandling,switchboard,Kari,91700001,søker',
        '2026/101,Byggesøknad Storgata 1,Under behandling,switchboard,Per,91700003,nabo',
        '2026/102,Feil avdeling,open,finnes-ikke,,,',
        '2026/103,,open,switchboard,,,',
      ].join('\n'),
    );
    expect((await cli('import-cases', csv, '--dry-run')).out).toMatch(/Dry run of 3 cases: 1 would be stored, 2 rejected/);
    const real = await cli('import-cases', csv);
    expect(real.out).toMatch(/1 created, 0 updated, 0 unchanged, 2 rejected/);
    expect(real.out).toContain('line 4: department: no department "finnes-ikke"');
    expect(real.out).toMatch(/line 5: title: /);
    expect((await cli('import-cases', csv)).out).toMatch(/0 created, 0 updated, 1 unchanged, 2 rejected/);
    await look(async (s) => {
      const { token } = await s.user('records@kommune.no', 'records', []);
      const c = await s.api('GET', `/api/cases/${encodeURIComponent('2026/101')}`, { token });
      expect(c.status).toBe(200);
      expect(c.body.contacts.map((x: { name: string; role: string }) => [x.name, x.role])).toEqual([
        ['Kari Nordmann', 'søker'],
        ['Per', 'nabo'],
      ]);
      expect((await s.api('GET', `/api/cases/${encodeURIComponent('2026/102')}`, { token })).status).toBe(404);
    });
  });

  it('seeds the demo into an empty register only', async () => {
    expect(await cli('seed-demo')).toMatchObject({ code: 1, err: expect.stringContaining('no demo data added') });
    const used = database;
    database = await engine.create();
    try {
      expect((await cli('seed-demo')).code).toBe(0);
      await look(async (s) => expect(await s.app.register.departments.byCode('helse')).not.toBeNull());
    } finally {
      await database.drop();
      database = used;
    }
    // The whole demo (200 citizens, staff passwords at the production hash cost) takes its time on a busy machine.
  }, 120_000);
});
