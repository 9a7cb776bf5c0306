import { seedDemoForms } from '../../server/demo/forms';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

describe.each(engines())('demo web forms on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('byggesak');
  });
  afterAll(() => s.close());

  it('are valid, served, and created once', async () => {
    await seedDemoForms(s.app);
    await seedDemoForms(s.app);
    expect(await s.count('web_forms')).toBe(2);
    for (const slug of ['kontakt', 'byggesak']) expect((await fetch(`${s.url}/public/forms/${slug}`)).status).toBe(200);
  });
});
