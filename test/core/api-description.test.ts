import { routesOf } from '../fuzz/routes';
import { openApiPath } from '../../server/core/http/openapi';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * /api/openapi.json against the mounted routers: every route the app answers is described, every
 * described route is mounted, and the description and its reference page need no log-in.
 */
describe('the API description', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engines()[0]);
  });
  afterAll(() => s.close());

  it('describes every mounted route and nothing else', async () => {
    const doc = (await s.api('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const mounted = [...new Set(routesOf(s.app.http as never).map((r) => `${r.method} ${openApiPath(r.path)}`))];
    expect(mounted.length).toBeGreaterThan(100);
    expect(mounted.filter((r) => !described.includes(r))).toEqual([]);
    expect(described.filter((r) => !mounted.includes(r))).toEqual([]);
  });

  it('names the schemas that validate a route', async () => {
    const doc = (await s.api('GET', '/api/openapi.json')).body;
    const put = doc.paths['/api/cases/{caseNumber}'].put;
    const body = put.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['title', 'status', 'department']));
    expect(body.additionalProperties).toBe(false);
    expect(put.security).toEqual([{ bearer: [] }]);
    const list = doc.paths['/api/inquiries'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['channel', 'status', 'cursor', 'limit']));
    for (const path of ['/api/journal/entries', '/api/sms/operators', '/api/voice/case-categories/{category}']) expect(doc.paths[path]).toBeDefined();
  });

  it('answers one page-size maximum and one form of date filter on every list', async () => {
    const doc = (await s.api('GET', '/api/openapi.json')).body;
    const limits = Object.entries(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string; schema: { maximum?: number } }> }>>).flatMap(
      ([path, ops]) => Object.values(ops).flatMap((op) => (op.parameters ?? []).filter((p) => p.name === 'limit').map((p) => [path, p.schema.maximum])),
    );
    expect(limits.length).toBeGreaterThanOrEqual(6);
    expect(limits.filter(([path, max]) => max !== 500 && path !== '/public/alerts/localities' && path !== '/public/alerts/streets')).toEqual([]);

    const { token } = await s.user('admin@kommune.no', 'admin', []);
    const day = new Date().toISOString().slice(0, 10);
    const time = encodeURIComponent(new Date().toISOString());
    for (const list of ['/api/sms/messages', '/api/journal/entries', '/api/sms/reports', '/api/journal/export'])
      for (const [from, to] of [
        [day, day],
        [time, time.replace(/^(\d{4})/, (y) => String(Number(y) + 1))],
      ]) {
        const paged = list.endsWith('/messages') || list.endsWith('/entries');
        const r = await s.api('GET', `${list}?from=${from}&to=${to}${paged ? '&limit=500' : ''}`, { token });
        expect({ list, from, status: r.status }).toEqual({ list, from, status: 200 });
      }
    expect((await s.api('GET', '/api/sms/messages?limit=501', { token })).status).toBe(400);
    expect((await s.api('GET', '/api/inquiries?status=open&state=closed', { token })).status).toBe(400);
    expect((await s.api('GET', '/api/inquiries?status=open&state=open', { token })).status).toBe(200);
  });

  it('serves a readable page with nothing fetched from elsewhere', async () => {
    const page = await s.api('GET', '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('/api/cases/{caseNumber}');
    expect(page.body).toContain('screen-pop');
    expect(page.body).not.toMatch(/<script|src="http|href="http/);
  });
});
