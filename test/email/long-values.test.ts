import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Outside values longer than their columns: a mail or form whose sender address, recipient,
 * name, subject or id is too long is stored once, with what was left out recorded on the
 * message, instead of failing its insert on every retry until it is skipped (MariaDB refuses an
 * over-long VARCHAR in strict mode; SQLite would have kept it whole).
 */
describe.each(engines())('over-long inbound values on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(engine);
    await s.department('byggesak');
  });
  afterAll(() => s.close());

  const mail = (from: string, to: string, messageId: string) =>
    Buffer.from(
      [
        `From: Kari <${from}>`,
        `To: ${to}`,
        'Subject: Lang adresse',
        `Message-ID: <${messageId}>`,
        'Date: Thu, 03 Dec 2026 08:00:00 +0000',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hei, dette er en vanlig melding.',
        '',
      ].join('\r\n'),
    );

  it('stores a mail with a 300-character From address once, without the address, and sends nothing to it', async () => {
    const from = `${'k'.repeat(64)}@${'d'.repeat(230)}.no`;
    expect(from.length).toBeGreaterThan(290);
    const to = `${'t'.repeat(60)}@${'m'.repeat(200)}.no`;
    const raw = mail(from, to, 'long-from-1@innbygger.test');
    const first = await s.app.email!.ingest.handle(raw, new Date());
    expect(first).toMatchObject({ kind: 'recorded', duplicate: false, receipt: false });
    const again = await s.app.email!.ingest.handle(raw, new Date());
    expect(again).toMatchObject({ kind: 'recorded', duplicate: true });

    const message = (await s.app.register.messages.byExternalId('email', 'long-from-1@innbygger.test'))!;
    expect(message).toMatchObject({ fromAddress: null, toAddress: null, body: 'Hei, dette er en vanlig melding.' });
    expect(message.meta?.bounded).toEqual([
      { field: 'from', reason: 'address longer than 191 characters', given: from },
      { field: 'to', reason: 'address longer than 191 characters', given: to },
    ]);
    const inquiry = (await s.app.register.inquiries.byId(message.inquiryId))!;
    expect(inquiry).toMatchObject({ citizenAddress: null, contactId: null, channelAddress: null });
    expect(await s.count('messages')).toBe(1);
    expect(await s.count('contact_emails')).toBe(0);
  });

  it('cuts free text to its column, hashes an over-long provider id, and recognises its second delivery', async () => {
    const externalId = `form:${'x'.repeat(300)}`;
    const item = {
      channel: 'web' as const,
      externalId,
      from: { email: 'ola@innbygger.test', name: `${'Å'.repeat(190)}😀${'n'.repeat(200)}` },
      to: null,
      body: 'Skjema',
      subject: 's'.repeat(400),
      receivedAt: new Date(),
      departmentCode: 'byggesak',
    };
    const first = await s.app.inbound.record(item);
    const second = await s.app.inbound.record(item);
    expect(second.duplicate).toBe(true);
    expect(second.message.id).toBe(first.message.id);
    expect(first.message.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const stored = (await s.app.register.messages.byId(first.message.id))!;
    expect(stored.subject).toBe('s'.repeat(255));
    expect(stored.fromAddress).toBe('ola@innbygger.test');
    expect(stored.meta?.bounded).toEqual([
      { field: 'name', reason: 'cut to 191 characters' },
      { field: 'subject', reason: 'cut to 255 characters' },
      { field: 'externalId', reason: 'longer than 191 characters: stored as its SHA-256' },
    ]);
    const contact = (await s.app.register.contacts.byEmail('ola@innbygger.test'))!;
    // Cut before the emoji's pair: 190 characters, no half of a surrogate pair.
    expect(contact.name).toBe('Å'.repeat(190));
  });
});

describe.each(engines())('an SMS keyword to an over-long address on $name', (engine) => {
  let s: TestServer;
  beforeAll(async () => (s = await startServer(engine)));
  afterAll(() => s.close());

  it('records the STOP and does not fail on the stop list', async () => {
    const to = `Kommune-${'x'.repeat(50)}`;
    const r = await s.app.sms!.inboundSms.receive({
      channel: 'sms',
      externalId: `SM${'a'.repeat(32)}`,
      from: { phone: '+4791234567' },
      to,
      body: 'STOP',
      receivedAt: new Date(),
      keyword: 'stop',
      meta: { accountSid: `AC${'b'.repeat(32)}`, media: [] },
    });
    expect(r.duplicate).toBe(false);
    expect((await s.app.register.messages.byId(r.message.id))?.toAddress).toBe(to);
    expect(await s.count('sms_stop_list')).toBe(0);
  });
});
