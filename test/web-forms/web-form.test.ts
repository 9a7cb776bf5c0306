import { simpleParser } from 'mailparser';
import type { FakeMailTransport } from '../../channels/smtp/fake';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { describeWithMailServers, startMailServers, type MailServers } from '../support/mail-servers';
import { startServer, type TestServer } from '../support/server';
import { liveMarkup } from '../support/xss';

const FORM = {
  slug: 'byggesak-sporsmal',
  department: 'byggesak',
  title: { nb: 'Spørsmål om byggesak', en: 'Question about building permits' },
  intro: { nb: 'Still spørsmålet ditt her.', en: 'Ask your question here.' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    {
      name: 'epost',
      type: 'email',
      purpose: 'email',
      label: { nb: 'E-post', en: 'E-mail' },
      help: { nb: 'Vi sender kvittering hit.', en: 'We send the receipt here.' },
    },
    { name: 'telefon', type: 'tel', purpose: 'phone', label: { nb: 'Telefon', en: 'Phone' } },
    {
      name: 'tema',
      type: 'select',
      label: { nb: 'Tema', en: 'Topic' },
      options: [
        { value: 'tilbygg', label: { nb: 'Tilbygg', en: 'Extension' } },
        { value: 'garasje', label: { nb: 'Garasje', en: 'Garage' } },
      ],
    },
    { name: 'sporsmal', type: 'textarea', required: true, maxLength: 2000, label: { nb: 'Spørsmål', en: 'Question' } },
    { name: 'vedlegg', type: 'file', label: { nb: 'Vedlegg', en: 'Attachment' } },
  ],
};

type Page = { status: number; html: string; headers: Headers };

async function post(
  s: TestServer,
  slug: string,
  fields: Record<string, string>,
  opts: { ip?: string; file?: { name: string; content: Buffer; type: string } } = {},
): Promise<Page> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (opts.file) form.append('vedlegg', new Blob([new Uint8Array(opts.file.content)], { type: opts.file.type }), opts.file.name);
  // As a browser posts a form: asking for a page, not JSON.
  const res = await fetch(`${s.url}/public/forms/${slug}`, {
    method: 'POST',
    body: form,
    headers: { 'x-forwarded-for': opts.ip ?? '10.1.1.1', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

describe.each(engines())('web forms on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let agent: string;
  let outbox: FakeMailTransport['outbox'];

  beforeAll(async () => {
    s = await startServer(engine, { web: { rateLimit: { max: 3, windowMs: 60_000 }, maxFileBytes: 10_000 } });
    outbox = (s.app.email!.transport as FakeMailTransport).outbox;
    await s.department('byggesak');
    admin = (await s.user('admin@kommune.test', 'admin', [])).token;
    agent = (await s.user('agent@kommune.test', 'agent', ['byggesak'])).token;
  });
  afterAll(() => s.close());

  it('lets an admin define a form as data, validated, and list it; others may not', async () => {
    const created = await s.api('POST', '/api/forms', { token: admin, body: FORM });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug: FORM.slug, department: 'byggesak', url: `/public/forms/${FORM.slug}`, active: true });
    expect((await s.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(409);
    const bad = await s.api('POST', '/api/forms', {
      token: admin,
      body: { ...FORM, slug: 'x', fields: [{ name: 'Bad Name', type: 'select', label: { nb: 'a', en: 'b' } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: (string | number)[] }) => d.path.join('.'))).toEqual(
      expect.arrayContaining(['fields.0.name', 'fields.0.options']),
    );
    expect((await s.api('POST', '/api/forms', { token: admin, body: { ...FORM, slug: 'y', department: 'nope' } })).status).toBe(400);
    expect((await s.api('POST', '/api/forms', { token: agent, body: { ...FORM, slug: 'z' } })).status).toBe(403);
    const list = await s.api('GET', '/api/forms', { token: admin });
    expect(list.body.items.map((f: { slug: string }) => f.slug)).toEqual([FORM.slug]);
  });

  it('renders an accessible page in Norwegian and English under a strict CSP with no script', async () => {
    for (const [lang, label] of [
      ['nb', 'Spørsmål'],
      ['en', 'Question'],
    ]) {
      const res = await fetch(`${s.url}/public/forms/${FORM.slug}?lang=${lang}`);
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).not.toMatch(/<script|\son\w+=|style=/i);
      expect(html).toContain(`<label for="f-sporsmal">${label}`);
      // Every visible control has a label naming it.
      for (const [, id] of html.matchAll(/<(?:input|textarea|select)[^>]* id="([^"]+)"/g)) expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain('aria-describedby="f-epost-help"');
      expect(html).toContain('autocomplete="email"');
    }
    expect((await fetch(`${s.url}/public/forms/finnes-ikke`)).status).toBe(404);
    const css = await fetch(`${s.url}/public/forms/assets/form.css`);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });

  it('redisplays bad input with announced errors and keeps what was typed, escaped', async () => {
    const res = await post(s, FORM.slug, { lang: 'en', navn: '"><script>alert(1)</script>', epost: 'not-an-address', sporsmal: '' }, { ip: '10.0.0.2' });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/<div class="error-summary" role="alert"[^>]*tabindex="-1" autofocus>/);
    expect(res.html).toMatch(/<title>There are problems with the form – /);
    expect(res.html).toMatch(/<a href="#f-epost">E-mail: Enter a valid e-mail address/);
    expect(res.html).toMatch(/id="f-sporsmal"[^>]*aria-invalid="true"[^>]*aria-describedby="f-sporsmal-error"/);
    expect(res.html).toContain('<p class="error" id="f-sporsmal-error">This field is required.</p>');
    expect(res.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.html).toContain('value="not-an-address"');
    expect(res.html).not.toMatch(/<script|<img/i);
    expect(await s.count('inquiries')).toBe(0);
  });

  it('records a submission through the register, matches the contact and mails a receipt with the reference', async () => {
    await s.app.db.transaction((m) => s.app.register.contacts.create({ name: 'Kari', emails: ['kari@innbygger.test'] }, m));
    const fields = {
      sid: 'sid-aaaaaaaaaaaaaaaaaaaa',
      navn: 'Kari <img src=x onerror=alert(1)>',
      epost: 'Kari@Innbygger.test',
      tema: 'garasje',
      sporsmal: 'Kan jeg bygge <script>alert(2)</script> garasje?',
    };
    const res = await post(s, FORM.slug, fields, { ip: '10.0.0.3' });
    expect(res.status).toBe(200);
    const ref = Number(/Referansenummeret ditt er (\d+)/.exec(res.html)![1]);
    const inquiry = (await s.api('GET', `/api/inquiries/${ref}`, { token: agent })).body;
    expect(inquiry).toMatchObject({ channel: 'web', department: 'byggesak', subject: 'Spørsmål om byggesak', citizenAddress: 'kari@innbygger.test' });
    expect(inquiry.contactId).toBe((await s.app.register.contacts.byEmail('kari@innbygger.test'))!.id);
    expect(inquiry.timeline[0]).toMatchObject({ kind: 'form', direction: 'in' });
    expect(inquiry.timeline[0].body).toContain('Tema: Garasje');
    const everything = JSON.stringify([inquiry, (await s.api('GET', '/api/inquiries?channel=web', { token: agent })).body]);
    expect(liveMarkup(everything)).toEqual([]);

    const receipt = outbox.find((m) => m.to === 'kari@innbygger.test');
    expect(receipt).toMatchObject({ headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(receipt!.subject).toBe(`Kvittering: Spørsmål om byggesak [#${ref}]`);
    expect(receipt!.text).toContain(`Referansenummeret ditt er ${ref}`);
    expect(inquiry.timeline[1]).toMatchObject({ direction: 'out', status: 'sent', channel: 'email' });

    // The same rendered form sent twice (a double click) is one inquiry.
    const again = await post(s, FORM.slug, fields, { ip: '10.0.0.4' });
    expect(Number(/Referansenummeret ditt er (\d+)/.exec(again.html)![1])).toBe(ref);
    expect(outbox.filter((m) => m.to === 'kari@innbygger.test')).toHaveLength(1);

    // An agent's reply on the web inquiry reaches the citizen by e-mail, threaded under the receipt.
    const reply = await s.api('POST', `/api/inquiries/${ref}/messages`, { token: agent, body: { body: 'Ja, det kan du.' } });
    expect(reply.body).toMatchObject({ status: 'sent', channel: 'web' });
    const mail = outbox.find((m) => m.text === 'Ja, det kan du.')!;
    expect(mail).toMatchObject({ to: 'kari@innbygger.test', subject: `Re: Spørsmål om byggesak [#${ref}]`, inReplyTo: receipt!.messageId });
  });

  it('stores an uploaded file with its checksum and refuses one over the size limit', async () => {
    const ok = await post(
      s,
      FORM.slug,
      { navn: 'Per', epost: 'per@innbygger.test', sporsmal: 'Se vedlegg' },
      { ip: '10.0.0.5', file: { name: 'tegning.pdf', content: Buffer.from('%PDF-1.4 tegning'), type: 'application/pdf' } },
    );
    expect(ok.status).toBe(200);
    const ref = Number(/Referansenummeret ditt er (\d+)/.exec(ok.html)![1]);
    const msgId = (await s.api('GET', `/api/inquiries/${ref}`, { token: agent })).body.timeline[0].id;
    const files = (await s.api('GET', `/api/messages/${msgId}/attachments`, { token: agent })).body.items;
    expect(files).toEqual([
      expect.objectContaining({
        filename: 'tegning.pdf',
        contentType: 'application/pdf',
        size: 16,
        status: 'stored',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);

    const big = await post(
      s,
      FORM.slug,
      { navn: 'Per', sporsmal: 'Stor fil' },
      { ip: '10.0.0.6', file: { name: 'stor.pdf', content: Buffer.alloc(20_000, 1), type: 'application/pdf' } },
    );
    expect(big.status).toBe(400);
    expect(big.html).toMatch(/id="f-vedlegg-error">Filen er for stor/);
  });

  it('drops a submission that fills the honeypot, and answers 429 past the per-IP limit', async () => {
    const before = await s.count('inquiries');
    const bot = await post(s, FORM.slug, { navn: 'Bot', sporsmal: 'spam', website: 'http://spam.test' }, { ip: '10.0.0.7' });
    expect(bot.status).toBe(200);
    expect(await s.count('inquiries')).toBe(before);
    for (let i = 0; i < 2; i++) expect((await post(s, FORM.slug, { navn: 'X', sporsmal: '' }, { ip: '10.9.9.9' })).status).toBe(400);
    expect((await post(s, FORM.slug, { navn: 'X', sporsmal: 'ok' }, { ip: '10.9.9.9' })).status).toBe(200);
    const limited = await post(s, FORM.slug, { navn: 'X', sporsmal: 'ok' }, { ip: '10.9.9.9' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(s, FORM.slug, { navn: 'Y', sporsmal: 'ok' }, { ip: '10.9.9.8' })).status).toBe(200);
  });

  it('refuses an oversized body with a page, and sends a phone-only citizen the receipt by SMS, failed with the reason while the department has no number', async () => {
    const huge = await fetch(`${s.url}/public/forms/${FORM.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '10.0.0.8', accept: 'text/html' },
      body: `navn=a&sporsmal=${'x'.repeat(300_000)}`,
    });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain('<html lang="nb">');
    const phone = await post(s, FORM.slug, { navn: 'Ola', telefon: '912 34 567', sporsmal: 'Ring meg' }, { ip: '10.0.0.9' });
    expect(phone.status).toBe(200);
    expect(phone.html).not.toContain('Vi har sendt deg en kvittering');
    const ref = Number(/Referansenummeret ditt er (\d+)/.exec(phone.html)![1]);
    const inquiry = (await s.api('GET', `/api/inquiries/${ref}`, { token: agent })).body;
    expect(inquiry.citizenAddress).toBe('+4791234567');
    // The SMS channel is there (simulated), but the department has no number to send from: the
    // receipt is on the timeline as failed with the reason, and the page promises none.
    const sms = inquiry.timeline.find((t: { channel: string }) => t.channel === 'sms');
    expect(sms).toMatchObject({ direction: 'out', status: 'failed', to: '+4791234567' });
    expect(sms.body).toBe(`Vi har mottatt henvendelsen din. Referanse: ${ref}.`);
    expect((await s.api('GET', `/api/messages/${sms.id}`, { token: agent })).body.events.at(-1)).toMatchObject({ status: 'failed', errorCode: 'no_sender' });

    // With a number of its own, the department's receipt goes out by SMS.
    const dep = (await s.app.register.departments.byCode('byggesak'))!;
    await s.app.db.transaction((m) =>
      s.app.register.departments.addAddress({ departmentId: dep.id, channel: 'sms', address: '+4759440001', isDefault: true }, m),
    );
    const second = await post(s, FORM.slug, { navn: 'Ola', telefon: '+47 912 34 568', sporsmal: 'Ring meg igjen' }, { ip: '10.0.0.10' });
    expect(second.html).toContain('Vi har sendt deg en kvittering');
    const ref2 = Number(/Referansenummeret ditt er (\d+)/.exec(second.html)![1]);
    const sms2 = (await s.api('GET', `/api/inquiries/${ref2}`, { token: agent })).body.timeline.find((t: { channel: string }) => t.channel === 'sms');
    expect(sms2).toMatchObject({ direction: 'out', from: '+4759440001', to: '+4791234568' });
    expect(['sent', 'delivered', 'queued']).toContain(sms2.status);
  });
});

describeWithMailServers('web form receipt through Postfix', () => {
  describe.each(engines())('on $name', (engine) => {
    let ms: MailServers;
    let s: TestServer;
    beforeAll(async () => {
      ms = await startMailServers({ mailboxes: ['kari@innbygger.test'] });
      s = await startServer(engine, { env: { SMTP_URL: ms.smtpUrl } });
      const dep = await s.department('byggesak');
      await s.app.db.transaction((m) =>
        s.app.register.departments.addAddress({ departmentId: dep, channel: 'email', address: 'byggesak@kommune.test', isDefault: true }, m),
      );
      const admin = (await s.user('admin@kommune.test', 'admin', [])).token;
      expect((await s.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(201);
    });
    afterAll(async () => {
      await s?.close();
      await ms?.stop();
    });

    it('delivers the receipt with the reference number to the citizen’s mailbox', async () => {
      const res = await post(s, FORM.slug, { lang: 'en', navn: 'Kari', epost: 'kari@innbygger.test', sporsmal: 'Hello' });
      const ref = Number(/Your reference number is (\d+)/.exec(res.html)![1]);
      const raw = await eventually(() => ms.delivered('kari@innbygger.test')[0], 'the receipt in the Maildir');
      const mail = await simpleParser(raw);
      expect(mail.from?.text).toBe('byggesak@kommune.test');
      expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
      expect(mail.subject).toBe(`Receipt: Question about building permits [#${ref}]`);
      expect(mail.text).toContain(`Your reference number is ${ref}.`);
    });
  });
});
