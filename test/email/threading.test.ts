import type { EmailFeature } from '../../server/email/module';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * Threading rules of inbound mail through the real ingest (mailparser, tags, Message-IDs,
 * InboundService), on raw RFC 5322 mails: who may write into whose inquiry (issue 12). The
 * Dovecot/Postfix suite (email.test.ts) covers the transport; this one needs no mail servers.
 */

const MAILBOX = 'post@kommune.test';

describe.each(engines())('who may thread a mail onto an inquiry, on $name', (engine) => {
  let s: TestServer;
  let email: EmailFeature;
  let admin: string;
  let seq = 0;

  beforeAll(async () => {
    s = await startServer(engine);
    const id = await s.department('post');
    await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: id, channel: 'email', address: MAILBOX, isDefault: true }, m));
    admin = (await s.user('admin@kommune.test', 'admin', [])).token;
    email = s.app.email!;
  });
  afterAll(() => s.close());

  /** One raw mail, through the ingest as the IMAP watcher hands it over. */
  const ingest = async (from: string, subject: string, headers: Record<string, string> = {}) => {
    const messageId = `<thr-${++seq}@example.test>`;
    const lines = [
      `From: ${from}`,
      `To: ${MAILBOX}`,
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      `Date: ${new Date().toUTCString()}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Melding ${seq}`,
      '',
    ];
    const outcome = await email.ingest.handle(Buffer.from(lines.join('\r\n')), new Date());
    return { outcome, messageId };
  };
  const timeline = async (inquiryId: number) => (await s.api('GET', `/api/inquiries/${inquiryId}`, { token: admin })).body.timeline as { direction: string }[];
  const inquiryOf = (o: Awaited<ReturnType<typeof ingest>>['outcome']) => {
    if (o.kind !== 'recorded') throw new Error(`not recorded: ${JSON.stringify(o)}`);
    return o;
  };

  it('threads the citizen’s answer by our tag and by a Message-ID, and a stranger’s by neither', async () => {
    const first = inquiryOf((await ingest('Kari <kari@example.test>', 'Byggesøknad')).outcome);
    expect(first.opened).toBe(true);
    const receipt = (await timeline(first.inquiryId)).length;

    // The citizen: by the tag in the subject, and by In-Reply-To naming her own first mail.
    const byTag = inquiryOf((await ingest('kari@example.test', `Re: Byggesøknad [#${first.inquiryId}]`)).outcome);
    expect(byTag).toMatchObject({ inquiryId: first.inquiryId, opened: false });
    const known = (await s.app.register.messages.timeline(first.inquiryId)).find((x) => x.direction === 'in')!.externalId!;
    const byId = inquiryOf((await ingest('kari@example.test', 'Re: Byggesøknad', { 'In-Reply-To': `<${known}>` })).outcome);
    expect(byId).toMatchObject({ inquiryId: first.inquiryId, opened: false });
    const length = (await timeline(first.inquiryId)).length;
    expect(length).toBe(receipt + 2);

    // Someone else with the (sequential, printed on receipts) id, or a Message-ID off a copied thread.
    const copied: Record<string, string>[] = [{}, { 'In-Reply-To': `<${known}>`, References: `<${known}>` }];
    for (const headers of copied) {
      const subject = 'In-Reply-To' in headers ? 'Re: Byggesøknad' : `Re: Byggesøknad [#${first.inquiryId}]`;
      const stranger = inquiryOf((await ingest('Mallory <mallory@example.net>', subject, headers)).outcome);
      expect(stranger.opened).toBe(true);
      expect(stranger.inquiryId).not.toBe(first.inquiryId);
      const view = (await s.api('GET', `/api/inquiries/${stranger.inquiryId}`, { token: admin })).body;
      expect(view).toMatchObject({ refersToInquiryId: first.inquiryId, citizenAddress: 'mallory@example.net' });
    }
    expect((await timeline(first.inquiryId)).length).toBe(length);
  });

  it('ignores an auto-reply naming the thread from another address than its citizen’s, and records the citizen’s own', async () => {
    const first = inquiryOf((await ingest('per@example.test', 'Garasje')).outcome);
    const inquiries = await s.count('inquiries');
    const stranger = await ingest('kollega@example.net', `Fravær: Garasje [#${first.inquiryId}]`, { 'Auto-Submitted': 'auto-replied' });
    expect(stranger.outcome).toMatchObject({ kind: 'ignored' });
    expect(await s.count('inquiries')).toBe(inquiries);
    const own = await ingest('per@example.test', `Fravær: Garasje [#${first.inquiryId}]`, { 'Auto-Submitted': 'auto-replied' });
    expect(own.outcome).toMatchObject({ kind: 'recorded', inquiryId: first.inquiryId, opened: false, receipt: false });
  });
});
