import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startServer, type TestServer } from '../support/server';
import { PUBLIC_BASE_URL, postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';

const inbound = (o: Record<string, string>): Record<string, string> => ({
  MessageSid: smsSid(),
  AccountSid: STANDIN_ACCOUNT_SID,
  From: '+4791234567',
  To: '+4759440002',
  Body: 'Hei, når kommer svaret?',
  NumMedia: '0',
  ApiVersion: '2010-04-01',
  ...o,
});

describe.each(engines())('outbound SMS on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let agent: string;
  let officer: string;
  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const helse = await s.department('helse');
    const teknisk = await s.department('teknisk');
    await s.app.db.transaction(async (m) => {
      await s.app.register.departments.addAddress({ departmentId: helse, channel: 'sms', address: '+4759440002', isDefault: false }, m);
      await s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m);
    });
    agent = (await s.user('agent@kommune.no', 'agent', ['helse', 'switchboard'])).token;
    officer = (await s.user('officer@kommune.no', 'officer', ['helse'])).token;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  async function inquiryFrom(form: Record<string, string>): Promise<number> {
    expect((await postSignedForm(s.url, '/webhooks/twilio/sms', form)).status).toBe(200);
    return (await s.app.register.messages.byExternalId('sms', form.MessageSid))!.inquiryId;
  }

  it('sends an agent’s reply through the SDK to the stand-in with the right From, To, Body and StatusCallback, and follows its reports', async () => {
    const inquiryId = await inquiryFrom(inbound({ From: '+4791111111' }));
    const before = standin.messages.length;
    const r = await s.api('POST', `/api/inquiries/${inquiryId}/messages`, { token: agent, body: { body: 'Hei! Vi ringer deg i morgen.' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ direction: 'out', status: 'queued', from: '+4759440002', to: '+4791111111' });
    expect(standin.messages.length).toBe(before + 1);
    const sent = standin.messages.at(-1)!;
    expect(sent.params).toEqual({
      From: '+4759440002',
      To: '+4791111111',
      Body: 'Hei! Vi ringer deg i morgen.',
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/sms/status`,
    });
    expect(r.body.externalId).toBe(sent.sid);

    // Twilio's reports come after its API has answered. They are posted only now: a stand-in that
    // posted them on a timer could beat our own answer on a slow machine (seen: 'sent' instead of 'queued').
    expect(await standin.report(sent.sid, 'sent')).toBe(200);
    expect(await standin.report(sent.sid, 'delivered')).toBe(200);
    const history = await eventually(
      async () => {
        const x = await s.api('GET', `/api/messages/${r.body.id}`, { token: agent });
        return x.body.status === 'delivered' ? x : null;
      },
      'the message to be delivered',
      5000,
      25,
    );
    expect(history.status).toBe(200);
    expect(history.body.status).toBe('delivered');
    expect(history.body.events.map((e: { status: string }) => e.status)).toEqual(['queued', 'queued', 'sent', 'delivered']);
    expect(history.body.events.map((e: { providerStatus: string | null }) => e.providerStatus)).toEqual([null, 'queued', 'sent', 'delivered']);
  });

  it('replies from the number the citizen wrote to when no department owns it', async () => {
    const inquiryId = await inquiryFrom(inbound({ From: '+4791111112', To: '+4759449999' }));
    const r = await s.api('POST', `/api/inquiries/${inquiryId}/messages`, { token: agent, body: { body: 'Svar' } });
    expect(r.status).toBe(201);
    expect(standin.messages.at(-1)!.params).toMatchObject({ From: '+4759449999', To: '+4791111112' });
  });

  it('stops a reply and an officer’s send to a number that sent STOP to that sender, and nothing reaches the stand-in', async () => {
    const citizen = '+4791111113';
    const inquiryId = await inquiryFrom(inbound({ From: citizen, Body: 'Hei' }));
    await inquiryFrom(inbound({ From: citizen, Body: 'STOPP' }));
    const before = standin.messages.length;
    const reply = await s.api('POST', `/api/inquiries/${inquiryId}/messages`, { token: agent, body: { body: 'Er du der?' } });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('stopped');
    const send = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: citizen, body: 'Varsel', from: '+4759440002' } });
    expect(send.status).toBe(201);
    expect(send.body.items[0]).toMatchObject({ status: 'stopped', externalId: null });
    expect(standin.messages.length).toBe(before);
    const history = await s.api('GET', `/api/messages/${reply.body.id}`, { token: agent });
    expect(history.body.events.at(-1)).toMatchObject({ status: 'stopped', reason: 'stop_list' });

    // Another sender number is another list.
    const other = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: citizen, body: 'Varsel', from: '+4759440004' } });
    expect(other.body.items[0].status).toBe('queued');
    expect(standin.messages.length).toBe(before + 1);
  });

  it('lets an officer send to several numbers with the name merged per recipient, from their department’s number', async () => {
    const before = standin.messages.length;
    const r = await s.api('POST', '/api/sms/messages', {
      token: officer,
      body: {
        to: [{ phone: '+47 912 22 001', name: 'Kari Nordmann' }, { phone: '91222002', name: 'Ola' }, '0047 912 22 003'],
        body: 'Hei {{first_name}}, vannet stenges i morgen.',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.items.map((x: { to: string; body: string; status: string; from: string }) => [x.to, x.body, x.status, x.from])).toEqual([
      ['+4791222001', 'Hei Kari, vannet stenges i morgen.', 'queued', '+4759440002'],
      ['+4791222002', 'Hei Ola, vannet stenges i morgen.', 'queued', '+4759440002'],
      ['+4791222003', 'Hei, vannet stenges i morgen.', 'queued', '+4759440002'],
    ]);
    expect(r.body.segments).toBe(3);
    // Hand-overs run in parallel, so the stand-in may see them in any order.
    expect(
      standin.messages
        .slice(before)
        .map((x) => x.params.Body)
        .sort(),
    ).toEqual(r.body.items.map((x: { body: string }) => x.body).sort());
  });

  it('refuses a bad number, an unknown merge field or another department’s sender before sending anything', async () => {
    const before = { standin: standin.messages.length, messages: await s.count('messages') };
    const bad = await s.api('POST', '/api/sms/messages', { token: officer, body: { to: ['+4791222004', '123456'], body: 'Hei' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toEqual(['to', 1]);
    expect((await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791222004', body: 'Hei {{passord}}' } })).status).toBe(400);
    expect((await s.api('POST', '/api/sms/messages', { token: officer, body: { to: '+4791222004', body: 'Hei', from: '+4759449999' } })).status).toBe(400);
    const records = (await s.user('records@kommune.no', 'records', ['helse'])).token;
    expect((await s.api('POST', '/api/sms/messages', { token: records, body: { to: '+4791222004', body: 'Hei' } })).status).toBe(403);
    expect({ standin: standin.messages.length, messages: await s.count('messages') }).toEqual(before);
  });

  it('shows segments and encoding before sending', async () => {
    const gsm = await s.api('POST', '/api/sms/preview', { token: officer, body: { body: 'Hei Åse, søknaden er mottatt.' } });
    expect(gsm.status).toBe(200);
    expect(gsm.body).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const ucs = await s.api('POST', '/api/sms/preview', {
      token: officer,
      body: { body: 'Dzień dobry, łączymy 🙂', to: [{ phone: '+4791222005', name: 'Łukasz' }] },
    });
    expect(ucs.body).toMatchObject({ encoding: 'UCS-2', segments: 1, recipients: 1 });
    expect(ucs.body.items[0]).toMatchObject({ to: '+4791222005', encoding: 'UCS-2' });
    const long = await s.api('POST', '/api/sms/preview', { token: officer, body: { body: 'a'.repeat(161) } });
    expect(long.body.segments).toBe(2);
    expect((await s.api('POST', '/api/sms/preview', { token: officer, body: {} })).status).toBe(400);
  });

  it('lists the sender numbers an officer may use', async () => {
    const r = await s.api('GET', '/api/sms/senders', { token: officer });
    expect(r.body.items).toEqual(
      expect.arrayContaining([
        { number: '+4759440002', department: 'helse', isDefault: false },
        { number: '+4759440004', department: 'teknisk', isDefault: true },
      ]),
    );
  });
});

describe.each(engines())('saved SMS groups on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let officer: string;
  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    const teknisk = await s.department('teknisk');
    await s.department('helse');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: teknisk, channel: 'sms', address: '+4759440004', isDefault: true }, m),
    );
    officer = (await s.user('officer@kommune.no', 'officer', ['teknisk'])).token;
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  it('saves a group, lists it to its department only, and sends to it with names merged', async () => {
    const made = await s.api('POST', '/api/sms/groups', {
      token: officer,
      body: { name: 'Storgata', members: [{ phone: '91233001', name: 'Kari Nordmann' }, { phone: '+4791233002', name: 'Ola Hansen' }, '+47 912 33 001'] },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Storgata', department: 'teknisk', members: 2 });
    expect((await s.api('POST', '/api/sms/groups', { token: officer, body: { name: 'Storgata', members: ['91233003'] } })).status).toBe(409);
    expect((await s.api('GET', '/api/sms/groups', { token: officer })).body.items).toEqual([
      { id: made.body.id, name: 'Storgata', department: 'teknisk', members: 2 },
    ]);

    const other = (await s.user('helse.officer@kommune.no', 'officer', ['helse'])).token;
    expect((await s.api('GET', '/api/sms/groups', { token: other })).body.items).toEqual([]);
    expect((await s.api('POST', '/api/sms/messages', { token: other, body: { group: made.body.id, body: 'Hei' } })).status).toBe(404);

    const sent = await s.api('POST', '/api/sms/messages', { token: officer, body: { group: made.body.id, body: 'Hei {{name}}, vannet stenges kl 10.' } });
    expect(sent.status).toBe(201);
    expect(standin.messages.map((x) => [x.params.From, x.params.To, x.params.Body]).sort()).toEqual([
      ['+4759440004', '+4791233001', 'Hei Kari Nordmann, vannet stenges kl 10.'],
      ['+4759440004', '+4791233002', 'Hei Ola Hansen, vannet stenges kl 10.'],
    ]);
  });
});
