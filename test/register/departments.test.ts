import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Departments as the administrator keeps them: created with the SMS numbers they own (MISSION.md),
 * then renamed, moved in the voice menu, given opening hours, holidays, a mailbox and other numbers.
 */
describe.each(engines())('departments on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    s = await startServer(engine);
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    agent = (await s.user('agent@kommune.no', 'agent', [])).token;
  });
  afterAll(() => s.close());

  const owner = async (number: string) => (await s.app.register.departments.ownerOf('sms', number))?.code ?? null;

  it('creates a department with the SMS numbers it owns; texts to them reach it', async () => {
    const r = await s.api('POST', '/api/departments', {
      token: admin,
      body: { code: 'vann', name: 'Vann og avløp', menuDigit: 3, smsNumbers: ['+4759440010', '+4759440011'] },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: 'vann', menuDigit: 3, smsNumbers: ['+4759440010', '+4759440011'] });
    expect(await owner('+4759440011')).toBe('vann');
    const listed = (await s.api('GET', '/api/departments', { token: agent })).body.items.find((d: { code: string }) => d.code === 'vann');
    expect(listed.smsNumbers).toEqual(['+4759440010', '+4759440011']);
  });

  it('refuses a number another department owns, and creates nothing', async () => {
    const r = await s.api('POST', '/api/departments', { token: admin, body: { code: 'skole', name: 'Skole', smsNumbers: ['+4759440012', '+4759440010'] } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('address_taken');
    expect(await s.app.register.departments.byCode('skole')).toBeNull();
    expect(await owner('+4759440012')).toBeNull();
    const bad = await s.api('POST', '/api/departments', { token: admin, body: { code: 'skole', name: 'Skole', smsNumbers: ['59440012'] } });
    expect(bad.status).toBe(400);
  });

  it('changes name, menu digit, opening hours with holidays, mailbox and numbers; the rest stays', async () => {
    const r = await s.api('PATCH', '/api/departments/vann', {
      token: admin,
      body: {
        name: 'Vann, avløp og renovasjon',
        menuDigit: 4,
        email: 'Vann@Kommune.no',
        openingHours: { timezone: 'Europe/Oslo', weekly: { '1': ['08:00-15:30'], '2': ['08:00-15:30'] }, holidays: ['2026-12-24', '2026-12-31'] },
        smsNumbers: ['+4759440011', '+4759440013'],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Vann, avløp og renovasjon', menuDigit: 4, email: 'vann@kommune.no', smsNumbers: ['+4759440011', '+4759440013'] });
    expect(r.body.openingHours.holidays).toEqual(['2026-12-24', '2026-12-31']);
    expect(await owner('+4759440010')).toBeNull();
    expect(await owner('+4759440013')).toBe('vann');
    expect((await s.app.register.departments.ownerOf('email', 'vann@kommune.no'))?.code).toBe('vann');
    expect((await s.app.register.departments.byMenuDigit(4))?.code).toBe('vann');

    const renamed = await s.api('PATCH', '/api/departments/vann', { token: admin, body: { name: 'Vann' } });
    expect(renamed.body).toMatchObject({ name: 'Vann', menuDigit: 4, email: 'vann@kommune.no', smsNumbers: ['+4759440011', '+4759440013'] });
    const noMail = await s.api('PATCH', '/api/departments/vann', { token: admin, body: { email: null, menuDigit: null } });
    expect(noMail.body).toMatchObject({ email: null, menuDigit: null });
    expect(await s.app.register.departments.ownerOf('email', 'vann@kommune.no')).toBeNull();
    expect((await s.app.audit.forEntity('department', noMail.body.id)).filter((a) => a.action === 'update')).toHaveLength(3);
  });

  it('answers 409, 404, 403 and 400 and changes nothing', async () => {
    await s.api('POST', '/api/departments', { token: admin, body: { code: 'helse', name: 'Helse', menuDigit: 5, smsNumbers: ['+4759440020'] } });
    const before = (await s.api('GET', '/api/departments', { token: admin })).body.items;
    const digit = await s.api('PATCH', '/api/departments/vann', { token: admin, body: { name: 'X', menuDigit: 5 } });
    expect([digit.status, digit.body.error.code]).toEqual([409, 'menu_digit_taken']);
    const number = await s.api('PATCH', '/api/departments/vann', { token: admin, body: { name: 'X', smsNumbers: ['+4759440020'] } });
    expect([number.status, number.body.error.code]).toEqual([409, 'address_taken']);
    expect((await s.api('PATCH', '/api/departments/finnes-ikke', { token: admin, body: { name: 'X' } })).status).toBe(404);
    expect((await s.api('PATCH', '/api/departments/vann', { token: agent, body: { name: 'X' } })).status).toBe(403);
    for (const body of [{}, { code: 'ny' }, { menuDigit: 9 }, { openingHours: { weekly: { '8': [] } } }, { smsNumbers: ['+4759440011', '+4759440011'] }])
      expect([JSON.stringify(body), (await s.api('PATCH', '/api/departments/vann', { token: admin, body })).status]).toEqual([JSON.stringify(body), 400]);
    expect((await s.api('GET', '/api/departments', { token: admin })).body.items).toEqual(before);
  });
});
