import { seedDemoAlerts } from '../../server/demo/alerts';
import { engines } from '../support/engines';
import { startServer } from '../support/server';

describe.each(engines())('demo alerts on $name', (engine) => {
  test('the first start offers the default categories and a small register; a second start changes nothing', async () => {
    const s = await startServer(engine);
    try {
      await seedDemoAlerts(s.app);
      const categories = (await s.api('GET', '/public/alerts/categories')).body.items.map((c: { code: string }) => c.code);
      expect(categories.sort()).toEqual(['culture', 'emergencies', 'sport', 'taxes', 'waste', 'water-and-roads']);
      const [skorzewo] = (await s.api('GET', '/public/alerts/localities?q=skorzewo')).body.items;
      expect(skorzewo.name).toBe('Skórzewo');
      expect((await s.api('GET', `/public/alerts/streets?locality=${skorzewo.id}&q=dzialkowa`)).body.items[0].name).toBe('ul. Działkowa');
      const counts = [await s.count('alert_categories'), await s.count('address_localities'), await s.count('address_streets')];
      await seedDemoAlerts(s.app);
      expect([await s.count('alert_categories'), await s.count('address_localities'), await s.count('address_streets')]).toEqual(counts);
    } finally {
      await s.close();
    }
  });
});
