import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';

describe.each(engines())('SMS delivery views and CSV export on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  let other: string;
  let admin: string;
  let records: string;
  const ids: Record<string, number> = {};
  const TRICKY = '=HYPERLINK("http://evil.test","klikk"), og "sitat"\nny linje';

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const teknisk = await s.department('teknisk');
    const helse = await s.department('helse');
    await s.app.db.transaction(async (m) => {
      await s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: false }, m);
      await s.app.register.departments.addAddress({ departmentId: helse, channel: 'sms', address: '+4759440002', isDefault: false }, m);
    });
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
    other = (await s.user('helse@kommune.no', 'officer', ['helse'])).token;
    admin = (await s.user('admin@kommune.no', 'admin', [])).token;
    records = (await s.user('records@kommune.no', 'records', [])).token;
    const table = await s.api('PUT', '/api/sms/operators', {
      token: admin,
      body: {
        items: [
          { prefix: '+479', operator: 'Annen NO' },
          { prefix: '+4790', operator: 'Telenor' },
          { prefix: '+4791', operator: 'Telia' },
        ],
      },
    });
    expect(table.status).toBe(200);
    expect((await s.api('PUT', '/api/sms/operators', { token: officer, body: { items: [] } })).status).toBe(403);
    // Sends go only to allowed countries, and one recipient below is Swedish.
    expect((await s.api('PUT', '/api/sms/country-allowlist', { token: admin, body: { countries: ['SE'] } })).status).toBe(200);

    const sent = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { to: ['+4790000001', '+4791000002', '+46701234567', '+4790000003', '+4794000004'], body: 'Varsel {{name}}' },
    });
    expect(sent.status).toBe(201);
    for (const x of sent.body.items) ids[x.to] = x.id;
    const tricky = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4790000005', body: TRICKY } });
    ids.tricky = tricky.body.items[0].id;
    await s.api('POST', '/api/sms/messages', { token: other, body: { to: '+4790000006', body: 'Helse' } });
    const sid = (to: string) => standin.messages.find((m) => m.params.To === to)!.sid;
    expect(await standin.report(sid('+4790000001'), 'delivered')).toBe(200);
    expect(await standin.report(sid('+4791000002'), 'failed', { ErrorCode: '30006' })).toBe(200);
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  const list = async (query: string, token = officer) => {
    const r = await s.api('GET', `/api/sms/messages${query}`, { token });
    expect(r.status).toBe(200);
    return r.body.items as { id: number; to: string; status: string; country: string; operator: string | null; sendId: number }[];
  };

  it('filters by status, country (from the number), operator (from the prefix table), sender and time', async () => {
    expect((await list('')).map((x) => x.to).sort()).toEqual(
      ['+4790000001', '+4790000003', '+4790000005', '+4791000002', '+46701234567', '+4794000004'].sort(),
    );
    expect((await list('?country=se')).map((x) => [x.to, x.country, x.operator])).toEqual([['+46701234567', 'SE', null]]);
    expect((await list('?operator=Telenor')).map((x) => x.to).sort()).toEqual(['+4790000001', '+4790000003', '+4790000005']);
    expect((await list('?operator=Annen%20NO')).map((x) => x.to)).toEqual(['+4794000004']);
    expect((await list('?status=delivered,failed')).map((x) => [x.to, x.status]).sort()).toEqual([
      ['+4790000001', 'delivered'],
      ['+4791000002', 'failed'],
    ]);
    expect(await list('?sender=%2B4759440002')).toEqual([]);
    expect((await list('?sender=%2B4759440002', admin)).map((x) => x.to)).toEqual(['+4790000006']);
    expect(await list(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
    expect(
      (
        await list(
          `?from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
        )
      ).length,
    ).toBe(6);
    expect((await s.api('GET', '/api/sms/messages?status=bogus', { token: officer })).status).toBe(400);
    expect((await s.api('GET', '/api/sms/messages?from=yesterday', { token: officer })).status).toBe(400);
  });

  it('shows each department only its own messages; records and admins see all', async () => {
    expect((await list('', other)).map((x) => x.to)).toEqual(['+4790000006']);
    expect((await list('', records)).length).toBe(7);
    expect((await s.api('GET', `/api/sms/messages/${ids['+4790000001']}`, { token: other })).status).toBe(404);
  });

  it('sorts and pages with a cursor, every row once, and refuses a cursor from another sort', async () => {
    for (const sort of ['to', '-to', 'status', '-createdAt', 'createdAt']) {
      const all = await list(`?sort=${sort}`, admin);
      const paged: number[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: { items: { id: number }[]; nextCursor: string | null } } = await s.api(
          'GET',
          `/api/sms/messages?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { token: admin },
        );
        paged.push(...r.body.items.map((x) => x.id));
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all.map((x) => x.id));
    }
    const byTo = await list('?sort=to', admin);
    expect(byTo.map((x) => x.to)).toEqual([...byTo.map((x) => x.to)].sort());
    const first = await s.api('GET', '/api/sms/messages?sort=to&limit=2', { token: admin });
    expect((await s.api('GET', `/api/sms/messages?sort=status&cursor=${first.body.nextCursor}`, { token: admin })).status).toBe(400);
  });

  it('gives one recipient’s whole event history to the officer who sent it', async () => {
    const h = await s.api('GET', `/api/sms/messages/${ids['+4791000002']}`, { token: officer });
    expect(h.status).toBe(200);
    expect(h.body.events.map((e: { status: string }) => e.status)).toEqual(['queued', 'queued', 'failed']);
    expect(h.body.events.at(-1)).toMatchObject({ providerStatus: 'failed', errorCode: '30006' });
  });

  it('counts messages per day in the municipality’s time zone over every match, not a loaded page', async () => {
    // Europe/Oslo: 22:30 UTC on 28 March is 23:30 there (the 28th); 23:30 UTC is 00:30 on the 29th.
    const at = async (id: number, iso: string) =>
      s.app.db.dataSource.query('UPDATE messages SET created_at = ? WHERE id = ?', [s.app.db.param(new Date(iso)), id]);
    await at(ids['+4790000001'], '2026-03-28T22:30:00Z');
    await at(ids['+4791000002'], '2026-03-28T23:30:00Z');
    await at(ids['+46701234567'], '2026-03-31T10:00:00Z');
    const r = await s.api('GET', '/api/sms/messages/days?from=2026-03-28T00:00:00Z&to=2026-04-01T00:00:00Z', { token: officer });
    expect(r.status).toBe(200);
    expect(r.body.timeZone).toBe('Europe/Oslo');
    expect(r.body.days.map((d: { date: string }) => d.date)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(r.body.days[0]).toEqual({ date: '2026-03-28', counts: { delivered: 1 }, total: 1 });
    expect(r.body.days[1]).toEqual({ date: '2026-03-29', counts: { failed: 1 }, total: 1 });
    expect(r.body.days[2]).toEqual({ date: '2026-03-30', counts: {}, total: 0 });
    expect(r.body.days[3].total).toBe(1);
    // Filters and department scope apply as on the list; the other department's officer sees none of these.
    const failed = await s.api('GET', '/api/sms/messages/days?status=failed&from=2026-03-28T00:00:00Z', { token: officer });
    expect(failed.body.days).toEqual([{ date: '2026-03-29', counts: { failed: 1 }, total: 1 }]);
    const helse = await s.api('GET', '/api/sms/messages/days?from=2026-03-28T00:00:00Z&to=2026-04-01T00:00:00Z', { token: other });
    expect(helse.body.days).toEqual([]);
    expect((await s.api('GET', '/api/sms/messages/days?sort=status', { token: officer })).status).toBe(400);
    expect((await s.api('GET', '/api/sms/messages/days?from=yesterday', { token: officer })).status).toBe(400);
  });

  it('exports CSV with proper quoting and formula cells neutralised', async () => {
    const res = await fetch(`${s.url}/api/sms/messages.csv?sort=createdAt`, { headers: { authorization: `Bearer ${officer}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id;created_at;updated_at;status;sender;recipient;country;operator;send_id;provider_id;body');
    expect(lines.at(-1)).toBe('');
    expect(text).toContain(`;"'=HYPERLINK(""http://evil.test"",""klikk""), og ""sitat""\nny linje"\r\n`);
    expect(text).toContain(`;'+4759440004;'+46701234567;SE;;`);
    expect(text).not.toContain('+4790000006');
    expect(text.split('\r\n').length - 2).toBe(6);
    expect((await fetch(`${s.url}/api/sms/messages.csv?country=NOR`, { headers: { authorization: `Bearer ${officer}` } })).status).toBe(400);
    expect((await fetch(`${s.url}/api/sms/messages.csv`)).status).toBe(401);
  });
});
