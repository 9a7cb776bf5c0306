import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { startSmsRestStandin } from '../support/twilio-standin';
import { category, locality, manySubscribers, street, subscriber } from './broadcast-fixture';

/*
 * Sends to an audience of residents (issue 14): who is in it, that it is stored whole and goes
 * out once per recipient through the Twilio SDK to the REST stand-in, its progress, the sender's
 * rate, and that a bad audience writes nothing.
 */

const SENDER = '+4759440004';

describe.each(engines())('sends to an audience of subscribers on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  let admin: string;
  const ids: Record<string, number> = {};
  const at = (phone: string) => standin.messages.filter((m) => m.params.To === phone);

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    // Large sends here are the test's own: no approval for volume or the daily cap.
    s = await startServer(engine, { env: standin.env, sms: { volume: { factor: 5, floor: 1_000_000 }, limits: { dailyPerUser: 1_000_000 } } });
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: SENDER, isDefault: true }, m));
    officer = (await s.user('officer@gmina.pl', 'officer', ['teknisk'])).token;
    admin = (await s.user('admin@gmina.pl', 'admin', [])).token;
    expect((await s.api('PUT', '/api/sms/country-allowlist', { token: admin, body: { countries: ['PL'] } })).status).toBe(200);
    const db = s.app.db;
    ids.skorzewo = await locality(db, 'Skórzewo');
    ids.dopiewo = await locality(db, 'Dopiewo');
    ids.dzialkowa = await street(db, ids.skorzewo, 'ul. Działkowa');
    ids.polna = await street(db, ids.skorzewo, 'ul. Polna');
    ids.lesna = await street(db, ids.dopiewo, 'ul. Leśna');
    for (const c of ['water', 'culture']) await category(db, c);
    await subscriber(db, { phone: '+48600000001', locality: ids.skorzewo, categories: ['water'] }); // A: whole Skórzewo
    await subscriber(db, { phone: '+48600000002', locality: ids.skorzewo, streets: [ids.dzialkowa], categories: ['culture'] }); // B
    await subscriber(db, { phone: '+48600000003', locality: ids.skorzewo, streets: [ids.polna], categories: ['water'] }); // C
    await subscriber(db, { phone: '+48600000004', locality: ids.dopiewo, categories: ['water'] }); // D: whole Dopiewo
    await subscriber(db, { phone: '+48600000005', locality: ids.dopiewo, streets: [ids.lesna] }); // E: no interests
    await subscriber(db, { phone: '+48600000006', locality: ids.skorzewo, categories: ['water'], state: 'left' }); // F: left
    await subscriber(db, { phone: '+48600000007', locality: ids.skorzewo, streets: [ids.dzialkowa], categories: ['water'] }); // G: sent STOP
    await s.app.db.transaction((m) => s.app.sms!.stopList.add(SENDER, '+48600000007', new Date(), null, m));
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  const preview = async (audience: unknown, extra: Record<string, unknown> = {}) => {
    const r = await s.api('POST', '/api/sms/preview', { token: officer, body: { body: '{{locality}}|{{street}}', audience, ...extra } });
    expect(r.status).toBe(200);
    return r.body as {
      recipients: number;
      segments: number;
      encoding: string;
      cost: { amount: number; currency: string };
      items: { to: string; body: string }[];
    };
  };
  const who = (p: { items: { to: string }[] }) =>
    p.items
      .map((x) => x.to.slice(-1))
      .sort()
      .join('');

  it.each([
    ['a locality: everyone in it, whole or by street, not those who left', () => ({ localities: [ids.skorzewo] }), {}, 'ABCG'],
    ['a street: those who chose it and those of its whole locality', () => ({ streets: [ids.dzialkowa] }), {}, 'ABG'],
    ['a street and a category: only those with the interest', () => ({ streets: [ids.dzialkowa], categories: ['water'] }), {}, 'AG'],
    ['the same as an emergency: categories ignored', () => ({ streets: [ids.dzialkowa], categories: ['water'] }), { emergency: true }, 'ABG'],
    ['a locality and a street elsewhere: the union', () => ({ localities: [ids.dopiewo], streets: [ids.polna] }), {}, 'ACDE'],
    ['everyone', () => ({ all: true }), {}, 'ABCDEG'],
    ['everyone with an interest', () => ({ all: true, categories: ['culture'] }), {}, 'B'],
  ])('reaches %s', async (_name, audience, extra, expected) => {
    const p = await preview({ subscribers: audience() }, extra);
    const letters = who(p).replace(/\d/g, (d) => 'ABCDEFG'[Number(d) - 1]);
    expect(letters).toBe(expected);
    expect(p.recipients).toBe(expected.length);
  });

  it('fills {{locality}} and {{street}}: the street that brought them in, empty when the locality did', async () => {
    const byStreet = await preview({ subscribers: { streets: [ids.dzialkowa] } });
    expect(byStreet.items.find((x) => x.to === '+48600000001')?.body).toBe('Skórzewo|ul. Działkowa');
    expect(byStreet.items.find((x) => x.to === '+48600000002')?.body).toBe('Skórzewo|ul. Działkowa');
    const byLocality = await preview({ subscribers: { localities: [ids.skorzewo] } });
    expect(byLocality.items.find((x) => x.to === '+48600000002')?.body).toBe('Skórzewo|');
    expect(byLocality).toMatchObject({ segments: 1, encoding: 'UCS-2', cost: { currency: 'USD' } });
    expect(byLocality.cost.amount).toBeGreaterThan(0);
  });

  it('sends once to each, files one inquiry and one audit row, and stops a number on the STOP list', async () => {
    const created = async () => Number((await s.app.db.dataSource.query("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'create'"))[0].n);
    const [inquiries, contacts, audit] = [await s.count('inquiries'), await s.count('contacts'), await created()];
    const r = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { body: 'Awaria wodociągu: {{street}}, {{locality}}', audience: { subscribers: { streets: [ids.dzialkowa] } } },
    });
    expect([r.status, r.body.error]).toEqual([201, undefined]);
    expect(r.body).toMatchObject({ state: 'sending', recipients: 3, audience: { subscribers: { streets: [ids.dzialkowa] } } });
    await eventually(async () => (await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer })).body.state === 'sent', 'the send to be sent');
    const progress = await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer });
    expect(progress.body).toMatchObject({ id: r.body.id, recipients: 3, dispatched: 2, statuses: { queued: 2, stopped: 1 } });
    expect(at('+48600000001').map((m) => m.params.Body)).toEqual(['Awaria wodociągu: ul. Działkowa, Skórzewo']);
    expect(at('+48600000002')).toHaveLength(1);
    expect(at('+48600000007')).toHaveLength(0);
    expect(await s.count('inquiries')).toBe(inquiries + 1);
    expect(await s.count('contacts')).toBe(contacts);
    expect((await created()) - audit).toBe(1);
  });

  it('is journaled once per send, even when the rules journal everything, and reconciling adds no post per recipient', async () => {
    const records = (await s.user('records@gmina.pl', 'records', [])).token;
    expect((await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'all' }] } })).status).toBe(200);
    try {
      const r = await s.api('POST', '/api/sms/messages', {
        token: officer,
        body: { body: 'Zebranie wiejskie', audience: { subscribers: { localities: [ids.skorzewo] } } },
      });
      expect(r.status).toBe(201);
      await eventually(async () => (await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer })).body.state === 'sent', 'the send to be sent');
      const posts = async () =>
        (await s.app.db.dataSource.query(
          'SELECT j.party_name AS party FROM journal_entries j JOIN messages x ON x.id = j.message_id JOIN sms_broadcasts b ON b.inquiry_id = x.inquiry_id WHERE b.send_id = ?',
          [r.body.id],
        )) as { party: string }[];
      await eventually(async () => (await posts()).length > 0, 'the send journaled');
      await s.app.journal.service.reconcile();
      expect(await posts()).toEqual([{ party: '4 mottakere' }]);
    } finally {
      await s.api('PUT', '/api/journal/rules', { token: records, body: { rules: [{ kind: 'case' }] } });
    }
  });

  it('refuses a bad audience with 400 and writes nothing', async () => {
    const before = [await s.count('messages'), await s.count('sms_sends'), await s.count('inquiries')];
    const bad = [
      { subscribers: { localities: [999999] } },
      { subscribers: { streets: [ids.dzialkowa], categories: ['no-such'] } },
      { subscribers: {} },
      { subscribers: { all: false } },
      { subscribers: { localities: ['x1'] } },
      { roster: { unit: 'no-such-unit', everyone: true } },
      { roster: { unit: 'no-such-unit' } },
      { everyone: true },
    ];
    for (const audience of bad) {
      const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { body: 'x', audience } });
      expect([r.status, r.body.error?.code]).toEqual([400, expect.any(String)]);
      expect((await s.api('POST', '/api/sms/preview', { token: officer, body: { body: 'x', audience } })).status).toBe(400);
    }
    // The whole municipality's roster is an admin's audience; an officer names a unit of theirs (issue 15).
    const roster = await s.api('POST', '/api/sms/messages', { token: officer, body: { body: 'x', audience: { roster: { everyone: true } } } });
    expect([roster.status, roster.body.error.code]).toEqual([403, 'forbidden']);
    const unknownField = await s.api('POST', '/api/sms/messages', { token: officer, body: { body: '{{house}}', audience: { subscribers: { all: true } } } });
    expect(unknownField.status).toBe(400);
    expect([await s.count('messages'), await s.count('sms_sends'), await s.count('inquiries')]).toEqual(before);
  });

  it('stores and dispatches 2,000 recipients exactly once each, with merge fields and progress counts', async () => {
    const db = s.app.db;
    const town = await locality(db, 'Konarzewo');
    const streets: number[] = [];
    for (let i = 0; i < 20; i++) streets.push(await street(db, town, `ul. Ulica ${i}`));
    const phones = await manySubscribers(db, town, streets, 2000, '+4860100');
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const r = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: { body: 'Brak wody: {{street}} ({{locality}})', audience: { subscribers: { localities: [town] } }, sendAt },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'scheduled', recipients: 2000, statuses: { scheduled: 2000 } });
    await eventually(async () => (await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer })).body.state === 'sent', 'the send to be sent', 60_000);
    const received = standin.messages.filter((m) => m.params.To.startsWith('+4860100'));
    expect(received).toHaveLength(2000);
    expect(new Set(received.map((m) => m.params.To)).size).toBe(2000);
    expect(new Set(received.map((m) => m.params.To))).toEqual(new Set(phones));
    // A locality sent to as a whole names no street; the space before it goes with it.
    for (const m of received) expect(m.params.Body).toBe('Brak wody: (Konarzewo)');
    for (const m of received) expect(m.receivedAt).toBeGreaterThanOrEqual(new Date(sendAt).getTime());
    const progress = await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer });
    expect(progress.body).toMatchObject({ state: 'sent', recipients: 2000, dispatched: 2000, statuses: { queued: 2000 }, messages: [] });
  }, 90_000);

  it('never hands over twice: a dead dispatcher’s claims are failed with the reason, and two dispatchers share the rest', async () => {
    const db = s.app.db;
    const town = await locality(db, 'Palędzie');
    const lane = await street(db, town, 'ul. Kolejowa');
    await manySubscribers(db, town, [lane], 300, '+4860200');
    const sendAt = new Date(Date.now() + 60_000).toISOString();
    const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { body: 'Test', audience: { subscribers: { localities: [town] } }, sendAt } });
    expect(r.status).toBe(201);
    // A dispatcher that claimed 50 and died an hour ago, and one that claimed 10 just now and died (or is still at work).
    const claimed = (await db.dataSource.query('SELECT message_id AS id FROM sms_outbound WHERE send_id = ? ORDER BY message_id LIMIT 60', [r.body.id])) as {
      id: number;
    }[];
    const [dead, fresh] = [claimed.slice(0, 50), claimed.slice(50)];
    const claim = (rows: { id: number }[], token: string, at: Date) =>
      db.dataSource.query(`UPDATE sms_outbound SET claim = ?, claimed_at = ? WHERE message_id IN (${rows.map(() => '?').join(', ')})`, [
        token,
        db.param(at),
        ...rows.map((x) => x.id),
      ]);
    await claim(dead, 'dead', new Date(Date.now() - 3600_000));
    await claim(fresh, 'fresh', new Date());
    await db.transaction((m) => s.app.sms!.sends['deps'].sends.transition(r.body.id, 'sending', ['scheduled'], m));
    const send = (await s.app.sms!.sends['deps'].sends.byId(r.body.id))!;
    const again = await Promise.all([s.app.sms!.broadcast.dispatch(send), s.app.sms!.broadcast.dispatch(send)]);
    const received = () => standin.messages.filter((m) => m.params.To.startsWith('+4860200'));
    expect(received()).toHaveLength(240);
    expect(new Set(received().map((m) => m.params.To)).size).toBe(240);
    // The fresh claims are within their lease: the send is not done, and says when to look again.
    for (const a of again) expect(a!.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect((await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer })).body).toMatchObject({
      state: 'sending',
      statuses: { queued: 240, scheduled: 10, failed: 50 },
    });
    // Their lease over, the next run fails them too, and the send is done; nothing went twice.
    await claim(fresh, 'fresh', new Date(Date.now() - 3600_000));
    expect(await s.app.sms!.broadcast.dispatch(send)).toBeNull();
    expect(received()).toHaveLength(240);
    const progress = await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officer });
    expect(progress.body).toMatchObject({ state: 'sent', dispatched: 240, statuses: { queued: 240, failed: 60 } });
    const history = await s.api('GET', `/api/messages/${dead[0].id}`, { token: admin });
    expect(history.body.events.at(-1)).toMatchObject({ status: 'failed', errorCode: 'dispatch_interrupted' });
  }, 60_000);

  it('honours the sender’s rate: never more than it in any second at the stand-in', async () => {
    const db = s.app.db;
    const town = await locality(db, 'Zakrzewo');
    const lane = await street(db, town, 'ul. Szkolna');
    await manySubscribers(db, town, [lane], 60, '+4860300');
    expect((await s.api('PUT', `/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, { token: officer, body: { perSecond: 20 } })).status).toBe(403);
    expect((await s.api('PUT', `/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, { token: admin, body: { perSecond: 20 } })).status).toBe(200);
    try {
      const r = await s.api('POST', '/api/sms/messages', { token: officer, body: { body: 'Tempo', audience: { subscribers: { localities: [town] } } } });
      expect(r.status).toBe(201);
      await eventually(() => standin.messages.filter((m) => m.params.To.startsWith('+4860300')).length === 60, 'all 60 at the stand-in', 20_000);
      const times = standin.messages
        .filter((m) => m.params.To.startsWith('+4860300'))
        .map((m) => m.receivedAt)
        .sort((a, b) => a - b);
      let most = 0;
      for (let i = 0; i < times.length; i++) most = Math.max(most, times.filter((t) => t >= times[i] && t < times[i] + 1000).length);
      expect(most).toBeLessThanOrEqual(21);
      expect(times.at(-1)! - times[0]).toBeGreaterThanOrEqual(2500);
    } finally {
      await s.api('PUT', `/api/sms/senders/${encodeURIComponent(SENDER)}/rate`, { token: admin, body: { perSecond: null } });
    }
  }, 30_000);
});
