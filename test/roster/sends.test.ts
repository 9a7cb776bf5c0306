import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { countStatements } from '../support/statements';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';

/*
 * The `roster` audience through the one send engine: groups, kinds, guardians and merge fields;
 * staff only within their units; each unit's own sender number; people who left excluded when the
 * send is planned and stopped again right before hand-over; the emergency message ahead of a large
 * send under way, with the answers it asked for counted and those missing listed.
 */

const SENDER_A = '+4759441501';
const SENDER_B = '+4759441502';
const SENDER_C = '+4759441503';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.each(engines())('sends to a roster on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let admin: string;
  let officerA: string;
  let ums: string;
  const to = (phone: string) => standin.messages.filter((m) => m.params.To === phone);
  const person = (id: string, body: Record<string, unknown>) => s.api('PUT', `/api/roster/people/${id}`, { token: ums, body });

  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, {
      env: standin.env,
      jobs: { pollMs: 50 },
      sms: { volume: { factor: 5, floor: 1_000_000 }, limits: { dailyPerUser: 1_000_000 }, broadcast: { batch: 20, concurrency: 8 } },
    });
    for (const [code, number] of [
      ['skole-a', SENDER_A],
      ['skole-b', SENDER_B],
      ['skole-c', SENDER_C],
    ]) {
      const id = await s.department(code);
      await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: id, channel: 'sms', address: number, isDefault: false }, m));
    }
    admin = (await s.user('admin@skole.no', 'admin', [])).token;
    officerA = (await s.user('rektor@skole-a.no', 'officer', ['skole-a'])).token;
    ums = (await s.user('ums@skole.no', 'integration', [])).token;
    const base = { kind: 'student', unit: 'skole-a' };
    expect(
      (await person('a1', { ...base, name: 'Anna Li', phone: '+4791500001', groups: ['8A'], guardians: [{ name: 'Mor Li', phone: '+4791500101' }] })).status,
    ).toBe(201);
    expect(
      (
        await person('a2', {
          ...base,
          name: 'Bo Ek',
          phone: '+4791500002',
          groups: ['8A'],
          endDate: day(-1),
          guardians: [{ name: 'Far Ek', phone: '+4791500102' }],
        })
      ).status,
    ).toBe(201);
    expect((await person('a3', { ...base, name: 'Cecilie Dahl', phone: '+4791500003', kind: 'staff', groups: ['Lærere'] })).status).toBe(201);
    expect((await person('a4', { ...base, name: 'Didrik Moe', phone: '+4791500004', groups: ['9A'] })).status).toBe(201);
    expect((await person('b1', { ...base, unit: 'skole-b', name: 'Eli Nes', phone: '+4791500005', groups: ['8A'] })).status).toBe(201);
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('previews groups, guardians and kinds with {{name}} and {{group}}, leaving out who has left', async () => {
    const preview = (roster: Record<string, unknown>, token = officerA) =>
      s.api('POST', '/api/sms/preview', { token, body: { body: 'Hei {{name}} ({{group}})', audience: { roster } } });
    const pupils = await preview({ unit: 'skole-a', groups: ['8A'] });
    expect(pupils.status).toBe(200);
    expect(pupils.body.recipients).toBe(1);
    expect(pupils.body.items).toEqual([expect.objectContaining({ to: '+4791500001', body: 'Hei Anna Li (8A)' })]);
    const both = await preview({ unit: 'skole-a', groups: ['8A'], guardians: true });
    expect(both.body.items.map((x: { body: string }) => x.body)).toEqual(['Hei Anna Li (8A)', 'Hei Mor Li (8A)']);
    expect((await preview({ unit: 'skole-a', groups: ['8A'], guardians: 'only' })).body.items.map((x: { to: string }) => x.to)).toEqual(['+4791500101']);
    expect((await preview({ unit: 'skole-a', kinds: ['staff'] })).body.items.map((x: { to: string }) => x.to)).toEqual(['+4791500003']);
    expect((await preview({ unit: 'skole-a', everyone: true })).body.recipients).toBe(3);
    expect((await preview({ unit: 'skole-a', people: ['a4', 'a2'] })).body.recipients).toBe(1);
    // The whole municipality: an admin only.
    expect((await preview({ groups: ['8A'] }, admin)).body.recipients).toBe(2);
    expect((await preview({ everyone: true }, admin)).body.recipients).toBe(4);
  });

  it('keeps staff to their own units and refuses bad audiences, storing nothing', async () => {
    const before = await s.count('sms_sends');
    const post = (roster: unknown, token = officerA) => s.api('POST', '/api/sms/messages', { token, body: { body: 'Hei', audience: { roster } } });
    expect((await post({ unit: 'skole-b', everyone: true })).status).toBe(403);
    expect((await post({ everyone: true })).status).toBe(403);
    expect((await post({ unit: 'no-such', everyone: true })).status).toBe(400);
    expect((await post({ unit: 'skole-a' })).status).toBe(400);
    expect((await post({ unit: 'skole-a', kinds: ['teacher'] })).status).toBe(400);
    expect((await post({ unit: 'skole-a', everyone: true, extra: 1 })).status).toBe(400);
    // People of another unit, or nobody's, are not on this unit's roster.
    expect((await post({ unit: 'skole-a', people: ['a1', 'b1'] })).body.error.details).toEqual([
      { path: ['audience', 'roster', 'people', 1], message: 'no such person: b1' },
    ]);
    expect(
      (await s.api('POST', '/api/sms/preview', { token: officerA, body: { body: 'x', audience: { roster: { unit: 'skole-b', everyone: true } } } })).status,
    ).toBe(403);
    expect(await s.count('sms_sends')).toBe(before);
  });

  it('sends from the unit’s own number and merges each recipient’s name and group', async () => {
    const r = await s.api('POST', '/api/sms/messages', {
      token: admin,
      body: { body: 'Hei {{name}} i {{group}}', audience: { roster: { unit: 'skole-b', groups: ['8A'] } } },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ recipients: 1, audience: { roster: { unit: 'skole-b' } } });
    await eventually(() => to('+4791500005').length === 1, 'the message at the stand-in');
    expect(to('+4791500005')[0].params).toMatchObject({ From: SENDER_B, Body: 'Hei Eli Nes i 8A' });
  });

  it('stops at sending a message to someone removed or past their end date since the send was planned', async () => {
    const r = await s.api('POST', '/api/sms/messages', {
      token: officerA,
      body: {
        body: 'Foreldremøte',
        audience: { roster: { unit: 'skole-a', everyone: true, guardians: true } },
        sendAt: new Date(Date.now() + 1500).toISOString(),
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'scheduled', recipients: 4 });
    expect((await s.api('DELETE', '/api/roster/people/a4', { token: ums })).status).toBe(204);
    expect(
      (await person('a3', { kind: 'staff', unit: 'skole-a', name: 'Cecilie Dahl', phone: '+4791500003', groups: ['Lærere'], endDate: day(-1) })).status,
    ).toBe(200);
    const done = await eventually(async () => {
      const v = await s.api('GET', `/api/sms/sends/${r.body.id}`, { token: officerA });
      return v.body.state === 'sent' ? v.body : null;
    }, 'the send to finish');
    expect(done.statuses.stopped).toBe(2);
    expect(to('+4791500004').filter((m) => m.params.Body === 'Foreldremøte')).toHaveLength(0);
    expect(to('+4791500003').filter((m) => m.params.Body === 'Foreldremøte')).toHaveLength(0);
    expect(to('+4791500001').filter((m) => m.params.Body === 'Foreldremøte')).toHaveLength(1);
    expect(to('+4791500101').filter((m) => m.params.Body === 'Foreldremøte')).toHaveLength(1);
    const events = (await s.app.db.dataSource.query(
      "SELECT e.detail AS detail FROM message_events e JOIN messages x ON x.id = e.message_id JOIN sms_outbound o ON o.message_id = x.id WHERE o.send_id = ? AND e.status = 'stopped'",
      [r.body.id],
    )) as { detail: string }[];
    expect(events.map((e) => JSON.parse(e.detail).reason)).toEqual(['left_audience', 'left_audience']);
  });

  it('spends no matching query on inbound SMS while no emergency asks for answers (one small read a second at most)', async () => {
    const counted = countStatements(s.app.db.dataSource);
    try {
      for (let i = 0; i < 10; i++) {
        const r = await postSignedForm(s.url, '/webhooks/twilio/sms', {
          MessageSid: smsSid(),
          AccountSid: STANDIN_ACCOUNT_SID,
          From: `+479150090${i}`,
          To: SENDER_A,
          Body: `Spørsmål ${i}`,
          NumMedia: '0',
          SmsStatus: 'received',
          ApiVersion: '2010-04-01',
        });
        expect(r.status).toBe(200);
      }
    } finally {
      counted.stop();
    }
    const emergencyReads = counted.statements.filter((q) => q.includes('roster_emergencies'));
    expect(emergencyReads.length).toBeLessThanOrEqual(2); // a second boundary may fall inside the ten
    expect(emergencyReads.some((q) => q.includes('JOIN'))).toBe(false);
  });

  it('puts the emergency ahead of a large send under way, counts answers once and lists who has not answered', async () => {
    const rows = ['externalId,name,phone,kind,groups'];
    for (let i = 0; i < 400; i++) rows.push(`c${i},Elev ${i},+479160${String(i).padStart(4, '0')},student,X`);
    const imported = await fetch(`${s.url}/api/roster/import?unit=skole-c`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ums}`, 'content-type': 'text/csv' },
      body: rows.join('\n'),
    });
    expect(imported.status).toBe(200);
    expect((await s.api('PUT', `/api/sms/senders/${SENDER_C}/rate`, { token: admin, body: { perSecond: 100 } })).status).toBe(200);
    const big = await s.api('POST', '/api/sms/messages', {
      token: admin,
      body: { body: 'Skoleavslutning', audience: { roster: { unit: 'skole-c', everyone: true } } },
    });
    expect(big.status).toBe(201);
    const bigAt = () => standin.messages.filter((m) => m.params.Body === 'Skoleavslutning');
    await eventually(() => bigAt().length >= 40, 'the large send under way');
    const urgent = await s.api('POST', '/api/roster/emergency', {
      token: officerA,
      body: { unit: 'skole-a', body: 'Svar OK hvis du er i sikkerhet', askReply: true, guardians: true },
    });
    expect(urgent.status).toBe(201);
    expect(urgent.body).toMatchObject({ recipients: 2, askReply: true });
    await eventually(
      async () => (await s.api('GET', `/api/sms/sends/${big.body.id}`, { token: admin })).body.state === 'sent',
      'the large send to finish',
      30_000,
    );
    const urgentAt = standin.messages.filter((m) => m.params.Body === 'Svar OK hvis du er i sikkerhet').map((m) => standin.messages.indexOf(m));
    expect(urgentAt).toHaveLength(2);
    const after = bigAt().filter((m) => standin.messages.indexOf(m) > Math.max(...urgentAt));
    expect(after.length).toBeGreaterThan(200);
    // Only officers of the unit (and admins) see an emergency of a unit; nobody else has answered yet.
    const reply = (from: string, body: string) =>
      postSignedForm(s.url, '/webhooks/twilio/sms', {
        MessageSid: smsSid(),
        AccountSid: STANDIN_ACCOUNT_SID,
        From: from,
        To: SENDER_A,
        Body: body,
        NumMedia: '0',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      });
    expect((await reply('+4791500001', 'OK')).status).toBe(200);
    expect((await reply('+4791500001', 'ok, alle er trygge')).status).toBe(200);
    expect((await reply('+4799999999', 'OK')).status).toBe(200);
    const view = await s.api('GET', `/api/roster/emergencies/${urgent.body.id}`, { token: officerA });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ emergency: true, answers: 1, notAnsweredCount: 1 });
    expect(view.body.notAnswered).toEqual([expect.objectContaining({ phone: '+4791500101', name: 'Mor Li' })]);
    const outsider = (await s.user('rektor@skole-b.no', 'officer', ['skole-b'])).token;
    expect((await s.api('GET', `/api/roster/emergencies/${urgent.body.id}`, { token: outsider })).status).toBe(404);
    expect((await s.api('POST', '/api/roster/emergency', { token: outsider, body: { body: 'x' } })).status).toBe(403);
  });
});
