import { seedDemoData, DEMO_DEPARTMENTS } from '../../server/demo/seed';
import { engines } from '../support/engines';
import { startServer, TEST_PASSWORD_COST } from '../support/server';

describe.each(engines())('demo data on $name', (engine) => {
  it('fills an empty register once: six menu departments plus switchboard, staff, contacts, cases and inquiries on every channel', async () => {
    const s = await startServer(engine);
    try {
      expect(await seedDemoData(s.app, { contacts: 40, passwordCost: TEST_PASSWORD_COST })).toBe(true);
      const deps = await s.app.register.departments.list();
      expect(deps.map((d) => d.code).sort()).toEqual([...DEMO_DEPARTMENTS.map((d) => d.code), 'switchboard'].sort());
      expect(
        deps
          .filter((d) => d.menuDigit !== null)
          .map((d) => d.menuDigit)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await s.count('contacts')).toBe(40);
      expect(await s.count('cases')).toBeGreaterThan(20);
      const channels = await s.app.db.dataSource.query('SELECT DISTINCT channel FROM inquiries');
      expect(channels.map((r: { channel: string }) => r.channel).sort()).toEqual(['email', 'phone', 'sms', 'web']);
      const token = await s.login('agent1@servicetorg.demo', 'demo-password-1');
      const list = await s.api('GET', '/api/inquiries?limit=5', { token });
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBe(5);
      // A second start does not seed again.
      expect(await seedDemoData(s.app, { contacts: 40, passwordCost: TEST_PASSWORD_COST })).toBe(false);
      expect(await s.count('contacts')).toBe(40);
    } finally {
      await s.close();
    }
  });
});
