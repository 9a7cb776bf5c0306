import { io as connect, type Socket } from 'socket.io-client';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';
import { postSignedForm, smsSid, startSmsRestStandin, STANDIN_ACCOUNT_SID } from '../support/twilio-standin';
import { loadConfig } from '../../server/core/config';
import { compose } from '../../server/index';
import { createLogger } from '../../server/core/logger';

const PATH = '/webhooks/twilio/sms';
const form = (o: Record<string, string> = {}): Record<string, string> => ({
  MessageSid: smsSid(),
  AccountSid: STANDIN_ACCOUNT_SID,
  From: '+4791234567',
  To: '+4759440002',
  Body: 'Hei, når kommer hjemmesykepleien?',
  NumMedia: '0',
  SmsStatus: 'received',
  ApiVersion: '2010-04-01',
  ...o,
});

describe.each(engines())('inbound SMS webhook on $name', (engine) => {
  let s: TestServer;
  let standin: Awaited<ReturnType<typeof startSmsRestStandin>>;
  let helse: number;
  beforeAll(async () => {
    standin = await startSmsRestStandin({ callbackOrigin: () => s.url });
    s = await startServer(engine, { env: standin.env });
    helse = await s.department('helse');
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: helse, channel: 'sms', address: '+4759440002', isDefault: false }, m),
    );
  });
  afterAll(async () => {
    await s.close();
    await standin.close();
  });

  const rows = async () => ({ messages: await s.count('messages'), inquiries: await s.count('inquiries'), contacts: await s.count('contacts') });

  it('refuses a forged, missing or wrong-URL signature with 403 and writes nothing', async () => {
    const before = await rows();
    expect((await postSignedForm(s.url, PATH, form(), { token: 'not-the-token' })).status).toBe(403);
    expect((await postSignedForm(s.url, PATH, form(), { signature: null })).status).toBe(403);
    const f = form();
    const signedForStatus = await postSignedForm(s.url, PATH, f, {
      signature: (await import('twilio')).default.getExpectedTwilioSignature(standin.env.TWILIO_AUTH_TOKEN, standin.env.PUBLIC_BASE_URL + PATH + '/status', f),
    });
    expect(signedForStatus.status).toBe(403);
    // A body changed after signing is a forgery too.
    const tampered = await postSignedForm(s.url, PATH, f, { rawBody: new URLSearchParams({ ...f, Body: 'Betal til konto 1234' }).toString() });
    expect(tampered.status).toBe(403);
    expect(await rows()).toEqual(before);
  });

  it('answers a malformed form with 400 and writes nothing', async () => {
    const before = await rows();
    const { MessageSid: _drop, ...noSid } = form();
    expect((await postSignedForm(s.url, PATH, noSid)).status).toBe(400);
    expect((await postSignedForm(s.url, PATH, form({ MessageSid: 'SM-not-a-sid' }))).status).toBe(400);
    expect((await postSignedForm(s.url, PATH, form({ NumMedia: '1' }))).status).toBe(400);
    expect((await postSignedForm(s.url, PATH, {}, { contentType: 'application/json', rawBody: JSON.stringify(form()) })).status).toBe(400);
    expect(await rows()).toEqual(before);
  });

  it('records a signed SMS in the department that owns the number, pushes inquiry:new, and answers empty TwiML', async () => {
    const { token } = await s.user('agent.helse@kommune.no', 'agent', ['helse']);
    const socket: Socket = connect(`${s.url}/agents`, { auth: { token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const pushed = new Promise<any>((resolve) => socket.on('inquiry:new', resolve));
    const f = form({
      From: '912 34 567',
      NumMedia: '1',
      MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/x/Messages/y/Media/z',
      MediaContentType0: 'image/jpeg',
    });
    const res = await postSignedForm(s.url, PATH, f);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/xml/);
    expect(res.text).toMatch(/<Response\/>$/);

    const message = await s.app.register.messages.byExternalId('sms', f.MessageSid);
    expect(message).toMatchObject({ direction: 'in', fromAddress: '+4791234567', toAddress: '+4759440002', body: f.Body, status: 'delivered' });
    expect(message!.meta).toMatchObject({ media: [{ url: f.MediaUrl0, contentType: 'image/jpeg' }] });
    const inquiry = await s.app.register.inquiries.byId(message!.inquiryId);
    expect(inquiry).toMatchObject({ channel: 'sms', departmentId: helse, citizenAddress: '+4791234567', channelAddress: '+4759440002' });
    const event = await pushed;
    expect(event).toMatchObject({ id: inquiry!.id, channel: 'sms', department: 'helse' });
    socket.close();

    // The same citizen writing again to the same number continues the inquiry.
    const again = form({ From: '+4791234567', Body: 'Og en ting til' });
    expect((await postSignedForm(s.url, PATH, again)).status).toBe(200);
    expect((await s.app.register.messages.byExternalId('sms', again.MessageSid))!.inquiryId).toBe(inquiry!.id);
  });

  it('sends a number no department owns to the switchboard', async () => {
    const f = form({ To: '+4759449999', From: '+4790000001' });
    expect((await postSignedForm(s.url, PATH, f)).status).toBe(200);
    const message = await s.app.register.messages.byExternalId('sms', f.MessageSid);
    const inquiry = await s.app.register.inquiries.byId(message!.inquiryId);
    expect(inquiry!.departmentId).toBe((await s.app.register.departments.byCode('switchboard'))!.id);
  });

  it('turns 1,000 concurrent deliveries of one MessageSid into one message', async () => {
    const f = form({ From: '+4790000002', Body: 'Samme melding, mange forsøk' });
    const before = await rows();
    const results = await Promise.all(Array.from({ length: 1000 }, () => postSignedForm(s.url, PATH, f)));
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const after = await rows();
    expect(after.messages - before.messages).toBe(1);
    expect(after.inquiries - before.inquiries).toBe(1);
    expect(after.contacts - before.contacts).toBe(1);
  }, 120_000);

  it('puts STOP/STOPP/AVSLUTT senders on that number’s STOP list, takes START off, and answers HELP', async () => {
    const citizen = '+4790000003';
    for (const word of ['stopp', 'STOP', ' Avslutt ', 'unsubscribe']) {
      expect((await postSignedForm(s.url, PATH, form({ From: citizen, Body: word }))).status).toBe(200);
    }
    expect(await s.app.sms!.stopList.has('+4759440002', citizen)).toBe(true);
    expect(await s.app.sms!.stopList.has('+4759440000', citizen)).toBe(false);
    expect(await s.count('sms_stop_list')).toBe(1);
    const start = form({ From: citizen, Body: 'Start' });
    expect((await postSignedForm(s.url, PATH, start)).status).toBe(200);
    expect(await s.app.sms!.stopList.has('+4759440002', citizen)).toBe(false);
    // Keywords are recorded like any message.
    expect((await s.app.register.messages.byExternalId('sms', start.MessageSid))!.body).toBe('Start');

    const sentBefore = standin.messages.length;
    const help = form({ From: citizen, Body: 'HJELP' });
    expect((await postSignedForm(s.url, PATH, help)).status).toBe(200);
    expect(standin.messages.length).toBe(sentBefore + 1);
    expect(standin.messages.at(-1)!.params).toMatchObject({ To: citizen, From: '+4759440002' });
    expect(standin.messages.at(-1)!.params.Body).toMatch(/STOPP/);
    const timeline = await s.app.register.messages.timeline((await s.app.register.messages.byExternalId('sms', help.MessageSid))!.inquiryId);
    expect(timeline.at(-1)).toMatchObject({ direction: 'out', externalId: standin.messages.at(-1)!.sid });
  });

  it('answers 503 when the database is down, so Twilio retries', async () => {
    const database = await engine.create();
    const config = loadConfig({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test', DEMO_DATA: 'off', ...standin.env });
    const app = await compose(config, { logger: createLogger('silent') });
    const port = await app.listen(0);
    await app.db.dataSource.destroy();
    const res = await postSignedForm(`http://127.0.0.1:${port}`, PATH, form());
    expect(res.status).toBe(503);
    await app.close();
    await database.drop();
  });
});
