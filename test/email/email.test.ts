import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import pino from 'pino';
import type { EmailFeature } from '../../server/email/module';
import { createLogger } from '../../server/core/logger';
import { engines } from '../support/engines';
import { eventually, sleep } from '../support/eventually';
import { describeWithMailServers, startMailServers, type MailServers } from '../support/mail-servers';
import { startServer, type TestServer } from '../support/server';
import { liveMarkup } from '../support/xss';

/*
 * End to end through real servers: nodemailer → private Postfix → Maildir → private Dovecot →
 * our imapflow watcher → register, and replies back out through Postfix to the citizen's Maildir.
 */
const MAILBOX = 'post@kommune.test';
const CITIZENS = ['kari@innbygger.test', 'per@innbygger.test', 'auto@innbygger.test', 'ola@innbygger.test'];

/** Small enough that a test mail can exceed it cheaply. */
const MAX_MAIL_BYTES = 200_000;

describeWithMailServers('e-mail channel with Dovecot and Postfix', () => {
  describe.each(engines())('on $name', (engine) => {
    let ms: MailServers;
    let s: TestServer;
    let email: EmailFeature;
    let agent: string;
    let smtp: Transporter;

    beforeAll(async () => {
      ms = await startMailServers({ mailboxes: [MAILBOX, ...CITIZENS], aliases: { 'byggesak@kommune.test': MAILBOX, 'helse@kommune.test': MAILBOX } });
      smtp = nodemailer.createTransport({ host: '127.0.0.1', port: ms.smtpPort, secure: false });
      s = await startServer(engine, {
        // EMAIL_TEST_LOG=/path writes the server's debug log there, for when this suite needs explaining.
        ...(process.env.EMAIL_TEST_LOG ? { logger: createLogger('debug', pino.destination({ dest: process.env.EMAIL_TEST_LOG, sync: true })) } : {}),
        env: { IMAP_URL: ms.imapUrl(MAILBOX), SMTP_URL: ms.smtpUrl },
        email: {
          watcher: { backoff: { initialMs: 100, maxMs: 800 }, pollMs: 1500, maxMessageBytes: MAX_MAIL_BYTES },
          attachmentLimits: { maxBytes: 20_000, maxTotalBytes: 60_000 },
        },
      });
      email = s.app.email!;
      for (const [code, address] of [
        ['byggesak', 'byggesak@kommune.test'],
        ['helse', 'helse@kommune.test'],
      ]) {
        const id = await s.department(code);
        await s.app.db.transaction((m) => s.app.register.departments.addAddress({ departmentId: id, channel: 'email', address, isDefault: true }, m));
      }
      agent = (await s.user('agent@kommune.test', 'agent', ['byggesak', 'helse'])).token;
      await eventually(() => email.watcher!.connected, 'the watcher to connect');
    });
    afterAll(async () => {
      smtp?.close();
      await s?.close();
      await ms?.stop();
    });

    const send = (m: SendMailOptions) => smtp.sendMail(m);
    const messageByMid = async (mid: string) => (await s.app.register.messages.byExternalId('email', mid)) ?? null;
    const arrived = (mid: string) => eventually(() => messageByMid(mid), `message ${mid} in the register`);
    const mailTo = (address: string, match: (raw: string) => boolean) => eventually(() => ms.delivered(address).find(match), `a mail to ${address}`);

    it('opens an inquiry for the department written to, matches the contact, and sends a receipt marked Auto-Submitted', async () => {
      await s.app.db.transaction((m) => s.app.register.contacts.create({ name: 'Kari Nordmann', emails: ['kari@innbygger.test'] }, m));
      await send({
        from: 'Kari <Kari@Innbygger.test>',
        to: 'byggesak@kommune.test',
        subject: 'Tilbygg',
        text: 'Trenger jeg å søke om et tilbygg på 20 m2?',
        messageId: '<first-1@innbygger.test>',
      });
      const msg = await arrived('first-1@innbygger.test');
      const inquiry = (await s.api('GET', `/api/inquiries/${msg.inquiryId}`, { token: agent })).body;
      expect(inquiry).toMatchObject({ channel: 'email', department: 'byggesak', citizenAddress: 'kari@innbygger.test', subject: 'Tilbygg' });
      const contact = await s.app.register.contacts.byEmail('kari@innbygger.test');
      expect(inquiry.contactId).toBe(contact!.id);

      const receipt = await mailTo('kari@innbygger.test', (r) => r.includes(`[#${msg.inquiryId}]`));
      expect(receipt).toMatch(/^Auto-Submitted: auto-replied/m);
      expect(receipt).toMatch(/^In-Reply-To: <first-1@innbygger\.test>/m);
      expect(receipt).toMatch(/^From: byggesak@kommune\.test/m);
      const out = (await s.api('GET', `/api/inquiries/${msg.inquiryId}`, { token: agent })).body.timeline.filter(
        (t: { direction: string }) => t.direction === 'out',
      );
      expect(out).toHaveLength(1);
      expect(receipt).toContain(`Message-ID: <${out[0].externalId}>`);
      expect(out[0].status).toBe('sent');
    });

    it('still sends the receipt owed when a mail recorded before a crash comes again, and only once', async () => {
      // As if the server had recorded the mail and died before answering it.
      const rec = await s.app.inbound.record({
        channel: 'email',
        externalId: 'crash-1@innbygger.test',
        from: { email: 'ola@innbygger.test' },
        to: 'helse@kommune.test',
        body: 'Hei',
        subject: 'Etter krasj',
        receivedAt: new Date(),
      });
      const processed = email.watcher!.stats.processed;
      for (let i = 0; i < 2; i++)
        await send({ from: 'ola@innbygger.test', to: 'helse@kommune.test', subject: 'Etter krasj', text: 'Hei', messageId: '<crash-1@innbygger.test>' });
      await eventually(() => email.watcher!.stats.processed >= processed + 2, 'both copies to be read');
      await mailTo('ola@innbygger.test', (r) => r.includes('In-Reply-To: <crash-1@innbygger.test>'));
      await sleep(300);
      expect(ms.delivered('ola@innbygger.test').filter((r) => r.includes('In-Reply-To: <crash-1@innbygger.test>'))).toHaveLength(1);
      const timeline = (await s.api('GET', `/api/inquiries/${rec.inquiry.id}`, { token: agent })).body.timeline;
      expect(timeline.map((t: { direction: string }) => t.direction)).toEqual(['in', 'out']);
    });

    it('sends an agent’s reply from the department with threading headers, and threads the answer back by In-Reply-To', async () => {
      await send({
        from: 'per@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Garasje',
        text: 'Kan jeg bygge garasje i grensen?',
        messageId: '<garasje-1@innbygger.test>',
      });
      const first = await arrived('garasje-1@innbygger.test');
      const reply = await s.api('POST', `/api/inquiries/${first.inquiryId}/messages`, { token: agent, body: { body: 'Ja, med nabosamtykke.' } });
      expect(reply.status).toBe(201);
      expect(reply.body.status).toBe('sent');
      const raw = await mailTo('per@innbygger.test', (r) => r.includes('Ja, med nabosamtykke.'));
      expect(raw).toMatch(/^From: byggesak@kommune\.test/m);
      expect(raw).toMatch(/^In-Reply-To: <garasje-1@innbygger\.test>/m);
      expect(raw).toMatch(/^References: .*<garasje-1@innbygger\.test>/m);
      expect(raw).toMatch(new RegExp(`^Subject: Re: Garasje \\[#${first.inquiryId}\\]`, 'm'));
      expect(raw).toContain(`Message-ID: <${reply.body.externalId}>`);

      await send({
        from: 'per@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Re: Garasje',
        text: 'Takk!',
        messageId: '<garasje-2@innbygger.test>',
        inReplyTo: `<${reply.body.externalId}>`,
        references: [`<garasje-1@innbygger.test>`, `<${reply.body.externalId}>`],
      });
      expect((await arrived('garasje-2@innbygger.test')).inquiryId).toBe(first.inquiryId);
    });

    it('threads by the inquiry tag and by a case tag in the subject', async () => {
      await send({
        from: 'ola@innbygger.test',
        to: 'helse@kommune.test',
        subject: 'Hjemmetjeneste',
        text: 'Første melding',
        messageId: '<tag-1@innbygger.test>',
      });
      const first = await arrived('tag-1@innbygger.test');
      await send({
        from: 'ola@innbygger.test',
        to: 'helse@kommune.test',
        subject: `Glemte noe [#${first.inquiryId}]`,
        text: 'Andre melding',
        messageId: '<tag-2@innbygger.test>',
      });
      expect((await arrived('tag-2@innbygger.test')).inquiryId).toBe(first.inquiryId);

      const integration = await s.user('sak@kommune.test', 'integration', []);
      const put = await s.api('PUT', `/api/cases/${encodeURIComponent('2026/1234')}`, {
        token: integration.token,
        // Ola is a party: a case tag from anyone else would link the case only as a mention.
        body: { title: 'Klage', status: 'Under behandling', department: 'byggesak', contacts: [{ email: 'ola@innbygger.test' }] },
      });
      expect(put.status).toBe(201);
      await send({
        from: 'ola@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Klage [Sak 2026/1234]',
        text: 'Jeg klager.',
        messageId: '<case-1@innbygger.test>',
      });
      const c1 = await arrived('case-1@innbygger.test');
      await send({
        from: 'ola@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Mer om klagen [Sak 2026/1234]',
        text: 'Tillegg.',
        messageId: '<case-2@innbygger.test>',
      });
      const c2 = await arrived('case-2@innbygger.test');
      expect(c2.inquiryId).toBe(c1.inquiryId);
      expect(c1.inquiryId).not.toBe(first.inquiryId);
      expect((await s.api('GET', `/api/inquiries/${c1.inquiryId}`, { token: agent })).body.caseNumber).toBe('2026/1234');
    });

    it('does not start an auto-reply loop: the auto-responder’s answer is recorded on the thread, nothing more is sent', async () => {
      await send({ from: 'auto@innbygger.test', to: 'helse@kommune.test', subject: 'Spørsmål', text: 'Hei', messageId: '<loop-1@innbygger.test>' });
      const first = await arrived('loop-1@innbygger.test');
      const receipt = await mailTo('auto@innbygger.test', (r) => r.includes('In-Reply-To: <loop-1@innbygger.test>'));
      const receiptId = /^Message-ID: (<[^>]+>)/m.exec(receipt)![1];
      // The citizen's auto-responder answers our receipt, and sends an out-of-office to the mailbox unprompted.
      await send({
        from: 'auto@innbygger.test',
        to: 'helse@kommune.test',
        subject: `Fravær: Mottatt [#${first.inquiryId}]`,
        text: 'Jeg er bortreist.',
        messageId: '<loop-2@innbygger.test>',
        inReplyTo: receiptId,
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
      await send({
        from: 'auto@innbygger.test',
        to: 'helse@kommune.test',
        subject: 'Fravær',
        text: 'Jeg er bortreist.',
        messageId: '<loop-3@innbygger.test>',
        headers: { 'X-Autoreply': 'yes' },
      });
      await send({
        from: 'auto@innbygger.test',
        to: 'helse@kommune.test',
        subject: 'Marker',
        text: 'etter',
        messageId: '<loop-4@innbygger.test>',
        inReplyTo: receiptId,
      });
      await arrived('loop-4@innbygger.test');
      expect((await messageByMid('loop-2@innbygger.test'))!.inquiryId).toBe(first.inquiryId);
      expect(await messageByMid('loop-3@innbygger.test')).toBeNull();
      const timeline = (await s.api('GET', `/api/inquiries/${first.inquiryId}`, { token: agent })).body.timeline;
      expect(timeline.filter((t: { direction: string }) => t.direction === 'out')).toHaveLength(1);
      await sleep(500);
      expect(ms.delivered('auto@innbygger.test')).toHaveLength(1);
    });

    it('shows an SMTP refusal on the reply as failed with the server’s reason, and a bounce marks the reply failed', async () => {
      const rec = await s.app.inbound.record({
        channel: 'email',
        externalId: 'ghost-1@innbygger.test',
        from: { email: 'ghost@innbygger.test' },
        to: 'byggesak@kommune.test',
        body: 'Hei',
        subject: 'Hei',
        receivedAt: new Date(),
      });
      const reply = await s.api('POST', `/api/inquiries/${rec.inquiry.id}/messages`, { token: agent, body: { body: 'Svar' } });
      expect(reply.body.status).toBe('failed');
      const m = await s.api('GET', `/api/messages/${reply.body.id}`, { token: agent });
      expect(m.body.events.at(-1)).toMatchObject({ status: 'failed' });
      expect(m.body.events.at(-1).error).toMatch(/550 5\.1\.1 .*ghost@innbygger\.test/);

      const sent = await s.api('POST', `/api/inquiries/${(await messageByMid('first-1@innbygger.test'))!.inquiryId}/messages`, {
        token: agent,
        body: { body: 'Oppfølging' },
      });
      expect(sent.body.status).toBe('sent');
      const report = [
        'This is a MIME-encapsulated message.',
        '',
        '--rb',
        'Content-Type: text/plain',
        '',
        'Delivery failed.',
        '',
        '--rb',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.innbygger.test',
        '',
        'Final-Recipient: rfc822; kari@innbygger.test',
        'Action: failed',
        'Status: 5.2.2',
        'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
        '',
        '--rb',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: <${sent.body.externalId}>`,
        'Subject: Re: Tilbygg',
        '',
        '--rb--',
        '',
      ].join('\r\n');
      await smtp.sendMail({
        envelope: { from: '', to: MAILBOX },
        raw: `From: MAILER-DAEMON@innbygger.test\r\nTo: byggesak@kommune.test\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn-1@innbygger.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="rb"\r\n\r\n${report}`,
      });
      const failed = await eventually(async () => {
        const x = await s.api('GET', `/api/messages/${sent.body.id}`, { token: agent });
        return x.body.status === 'failed' ? x.body : null;
      }, 'the bounce to mark the reply failed');
      expect(failed.events.at(-1)).toMatchObject({ status: 'failed', providerStatus: '5.2.2', error: '552 5.2.2 Mailbox full' });
      expect(await messageByMid('dsn-1@innbygger.test')).toBeNull();
    });

    it('sanitises an XSS corpus in HTML mail: nothing live in the API output', async () => {
      const html = [
        '<p>Hei</p><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>',
        '<a href="  JaVaScRiPt:alert(4)">y</a><div style="width:expression(alert(5))" onclick="alert(6)">z</div>',
        '<svg onload=alert(7)><script>alert(8)</script></svg><iframe src="javascript:alert(9)"></iframe>',
        '<math><mi xlink:href="javascript:alert(10)">m</mi></math><form action="javascript:alert(11)"><input onfocus=alert(12) autofocus></form>',
        '<body onload=alert(13)><style>*{background:url("javascript:alert(14)")}</style><object data="javascript:alert(15)"></object>',
      ].join('\n');
      await send({
        from: 'Ola <script>x</script> <ola@innbygger.test>',
        to: 'helse@kommune.test',
        subject: '<img src=x onerror=alert(1)>',
        text: 'Plain <script>alert(1)</script>',
        html,
        messageId: '<xss-1@innbygger.test>',
      });
      const m = await arrived('xss-1@innbygger.test');
      const detail = await s.api('GET', `/api/inquiries/${m.inquiryId}`, { token: agent });
      const list = await s.api('GET', '/api/inquiries?channel=email', { token: agent });
      const msg = await s.api('GET', `/api/messages/${m.id}`, { token: agent });
      for (const body of [detail.body, list.body, msg.body]) expect(liveMarkup(JSON.stringify(body))).toEqual([]);
      expect(JSON.stringify(detail.body)).not.toMatch(/javascript:|expression\(/i);
      expect(detail.body.timeline[0].bodyHtml).toContain('<p>Hei</p>');
    });

    it('stores attachments with size, type and checksum, and refuses an oversized one with a record', async () => {
      const small = Buffer.from('%PDF-1.4 small');
      const big = Buffer.alloc(30_000, 7);
      await send({
        from: 'kari@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Vedlegg',
        text: 'Se vedlegg',
        messageId: '<att-1@innbygger.test>',
        attachments: [
          { filename: 'soknad.pdf', content: small, contentType: 'application/pdf' },
          { filename: 'tegning.png', content: big, contentType: 'image/png' },
          { filename: 'virus.exe', content: Buffer.from('MZ'), contentType: 'application/octet-stream' },
        ],
      });
      const m = await arrived('att-1@innbygger.test');
      const list = await eventually(async () => {
        const r = await s.api('GET', `/api/messages/${m.id}/attachments`, { token: agent });
        return r.body.items?.length === 3 ? r.body.items : null;
      }, 'attachments');
      expect(list[0]).toMatchObject({
        filename: 'soknad.pdf',
        contentType: 'application/pdf',
        size: small.length,
        status: 'stored',
        sha256: createHash('sha256').update(small).digest('hex'),
      });
      expect(list[1]).toMatchObject({ filename: 'tegning.png', size: 30_000, status: 'refused' });
      expect(list[1].reason).toMatch(/larger than the .* limit/);
      expect(list[2]).toMatchObject({ filename: 'virus.exe', status: 'refused', reason: 'an executable file type (.exe)' });
      const file = await fetch(`${s.url}/api/attachments/${list[0].id}`, { headers: { authorization: `Bearer ${agent}` } });
      expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(Buffer.from(await file.arrayBuffer())).toEqual(small);
      expect((await s.app.audit.forEntity('message', m.id)).map((a) => a.action)).toContain('read');
      expect((await fetch(`${s.url}/api/attachments/${list[1].id}`, { headers: { authorization: `Bearer ${agent}` } })).status).toBe(404);
    });

    it('leaves a mail over the size cap unread on the server and records the mails after it', async () => {
      const oversized = email.watcher!.stats.oversized;
      await send({
        from: 'stor@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'For stor',
        text: 'x'.repeat(MAX_MAIL_BYTES + 50_000),
        messageId: '<huge-1@innbygger.test>',
      });
      await send({ from: 'liten@innbygger.test', to: 'byggesak@kommune.test', subject: 'Liten', text: 'Hei', messageId: '<after-huge-1@innbygger.test>' });
      await arrived('after-huge-1@innbygger.test');
      await eventually(() => email.watcher!.stats.oversized > oversized, 'the oversized mail to be counted');
      expect(await messageByMid('huge-1@innbygger.test')).toBeNull();
    });

    it('loses and doubles nothing when Dovecot restarts mid-watch', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `restart-${i}@innbygger.test`);
      for (const id of ids.slice(0, 10))
        await send({
          from: 'per@innbygger.test',
          to: 'byggesak@kommune.test',
          subject: `Melding ${id}`,
          text: id,
          messageId: `<${id}>`,
          headers: { 'X-Auto-Response-Suppress': 'All' },
        });
      await arrived(ids[0]);
      await ms.stopDovecot();
      for (const id of ids.slice(10))
        await send({
          from: 'per@innbygger.test',
          to: 'byggesak@kommune.test',
          subject: `Melding ${id}`,
          text: id,
          messageId: `<${id}>`,
          headers: { 'X-Auto-Response-Suppress': 'All' },
        });
      await eventually(() => !email.watcher!.connected, 'the watcher to notice the drop', 10_000);
      await ms.startDovecot();
      for (const id of ids) await arrived(id);
      const rows = await s.app.db.dataSource.query(
        `SELECT external_id AS x, COUNT(*) AS n FROM messages WHERE external_id LIKE 'restart-%' GROUP BY external_id`,
      );
      expect(rows).toHaveLength(20);
      expect(rows.every((r: { n: number | string }) => Number(r.n) === 1)).toBe(true);
      expect(email.watcher!.stats.connections).toBeGreaterThanOrEqual(2);
    });

    it('rescans safely when UIDVALIDITY changes, recording only the new mail', async () => {
      await eventually(() => email.watcher!.connected, 'the watcher to reconnect');
      const before = await s.count('messages');
      const cursorBefore = (await s.app.db.dataSource.query('SELECT uid_validity AS v FROM mail_cursors'))[0].v;
      await ms.stopDovecot();
      ms.forgetUids(MAILBOX);
      // Dovecot's new UIDVALIDITY is the current second: wait only until a second after the old one has begun.
      await eventually(() => Math.floor(Date.now() / 1000) > Number(cursorBefore), 'a second after the old UIDVALIDITY', 5000, 50);
      await ms.startDovecot();
      await send({
        from: 'per@innbygger.test',
        to: 'byggesak@kommune.test',
        subject: 'Etter renummerering',
        text: 'ny',
        messageId: '<after-uidvalidity@innbygger.test>',
        headers: { 'X-Auto-Response-Suppress': 'All' },
      });
      await arrived('after-uidvalidity@innbygger.test');
      await eventually(
        async () => (await s.app.db.dataSource.query('SELECT uid_validity AS v FROM mail_cursors'))[0].v !== cursorBefore,
        'the cursor to take the new UIDVALIDITY',
      );
      expect(await s.count('messages')).toBe(before + 1);
    });
  });
});
