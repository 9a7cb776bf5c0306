import net from 'node:net';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';

/*
 * Outbound hooks reach only hosts an admin listed; the records role, which sets the archive URL,
 * learns from a failure no more than "unreachable" or a status class.
 */

/** A 127.0.0.1 port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.each(engines())('outbound hook allow-list on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let admin: string;
  let records: string;
  let officer: string;

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env, journal: { attempts: 1 }, jobs: { pollMs: 20 } });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('lets only an admin list, add and remove hosts, and refuses a hook URL whose host is not listed', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/arkiv`;
    expect((await s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: url } })).status).toBe(400);
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: records, body: { host: '127.0.0.1' } })).status).toBe(403);
    expect((await s.api('GET', '/api/admin/outbound-hosts', { token: records })).status).toBe(403);
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: 'http://127.0.0.1/x' } })).status).toBe(400);
    expect((await s.api('POST', '/api/admin/outbound-hosts', { token: admin, body: { host: '127.0.0.1' } })).status).toBe(201);
    expect((await s.api('GET', '/api/admin/outbound-hosts', { token: admin })).body.items).toEqual([{ host: '127.0.0.1', addedAt: expect.any(String) }]);
    expect((await s.api('PUT', '/api/journal/archive', { token: records, body: { pushUrl: url } })).status).toBe(200);
    expect((await s.app.audit.forEntity('outbound_host', '127.0.0.1')).map((a) => a.action)).toEqual(['create']);
  });

  it('tells the records role only that the archive was unreachable, and refuses to send once the host is removed', async () => {
    await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } });
    const sent = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4790000001', body: 'Til arkivet' } });
    expect(sent.status).toBe(201);
    const dead = await eventually(async () => {
      const list = await s.api('GET', '/api/journal/dead-letters', { token: records });
      return (list.body.items as { messageId: number; lastError: string }[]).find((e) => e.messageId === sent.body.items[0].id);
    }, 'the dead letter');
    expect(dead.lastError).toBe('archive unreachable');

    expect((await s.api('DELETE', '/api/admin/outbound-hosts/127.0.0.1', { token: admin })).status).toBe(204);
    expect((await s.api('DELETE', '/api/admin/outbound-hosts/127.0.0.1', { token: admin })).status).toBe(404);
    await expect(s.app.outbound.post('archive', 'http://127.0.0.1:9/x', { headers: {}, body: '{}' })).rejects.toThrow('archive host not allowed');
  });
});
