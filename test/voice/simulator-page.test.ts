import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * The call simulator page: a form, a whole call played against the same server, and the page is
 * absent wherever its public signing token would not be the one in use.
 */
const post = (url: string, fields: Record<string, string>) =>
  fetch(`${url}/simulator`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe.each(engines())('call simulator page on $name', (engine) => {
  let s: TestServer;

  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('byggesak', 1);
    await s.department('helse', 2);
  });
  afterAll(async () => {
    await s.close();
  });

  it('serves the form as plain HTML under a strict CSP', async () => {
    const res = await fetch(`${s.url}/simulator`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/simulator">');
    expect(html).toContain('value="+4791234567"');
    expect(html).toContain('value="+4771111000"');
    expect(html).not.toMatch(/<script|style=/i);
  });

  it('plays a call with keys "2": the transcript shows the menu and the call is stored on phone', async () => {
    const before = await s.count('inquiries');
    const res = await post(s.url, { from: '+4791234567', to: '+4771111000', keys: '2' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Velkommen til kommunens servicetorg.');
    expect(html).toContain('For HELSE, trykk 2.');
    expect(html).toContain('agent1@servicetorg.demo');
    expect(await s.count('inquiries')).toBe(before + 1);
    const rows = await s.app.db.dataSource.query('SELECT channel FROM inquiries ORDER BY id DESC LIMIT 1');
    expect(rows[0].channel).toBe('phone');
    expect(await s.count('calls')).toBeGreaterThan(0);
  });

  it('answers bad keys with the form and the error, 400, and places no call', async () => {
    const before = await s.count('inquiries');
    const calls = await s.count('calls');
    const res = await post(s.url, { from: '+4791234567', to: '+4771111000', keys: '<script>' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<form');
    expect(html).toContain('value="&#60;script&#62;"');
    expect(html).not.toContain('<script>');
    expect(await s.count('inquiries')).toBe(before);
    expect(await s.count('calls')).toBe(calls);
  });
});

describe.each(engines())('call simulator page is absent on $name', (engine) => {
  it.each([
    ['in production', { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://voice.kommune.test' }],
    ['without demo data', { DEMO_DATA: 'off' }],
    ['with Twilio credentials', { TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`, TWILIO_AUTH_TOKEN: 'real-token', PUBLIC_BASE_URL: 'https://voice.kommune.test' }],
  ])('%s', async (_label, env: Record<string, string>) => {
    const s = await startServer(engine, { env });
    try {
      expect((await fetch(`${s.url}/simulator`)).status).toBe(404);
      expect((await post(s.url, { keys: '2' })).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
