import MailComposer from 'nodemailer/lib/mail-composer';
import type { Attachment } from 'nodemailer/lib/mailer';
import { engines } from '../support/engines';
import { docx, exe, odt, pdf, png, zip } from '../support/files';
import { startServer, type TestServer } from '../support/server';

/*
 * Mail attachments against the allow-list, by name and content, through the ingest the IMAP
 * watcher calls (the watcher itself is exercised with Dovecot in email.test.ts).
 */
describe.each(engines())('e-mail attachment types on $name', (engine) => {
  let s: TestServer;
  let admin: string;
  let agent: string;
  let n = 0;

  const mail = (attachments: Attachment[]) =>
    new MailComposer({
      from: 'kari@innbygger.test',
      to: 'post@kommune.test',
      subject: 'Dokumenter',
      text: 'Se vedlegg',
      messageId: `<types-${++n}@innbygger.test>`,
      attachments,
    })
      .compile()
      .build();

  /** Ingests the mail and answers its message as GET /api/messages/:id shows it. */
  async function ingest(attachments: Attachment[]) {
    const outcome = await s.app.email!.ingest.handle(await mail(attachments), new Date());
    if (outcome.kind !== 'recorded') throw new Error(`not recorded: ${JSON.stringify(outcome)}`);
    const res = await s.api('GET', `/api/messages/${outcome.messageId}`, { token: agent });
    expect(res.status).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    s = await startServer(engine);
    admin = (await s.user('admin@kommune.test', 'admin', [])).token;
    agent = (await s.user('agent@kommune.test', 'agent', ['switchboard'])).token;
  });
  afterAll(() => s.close());

  it('stores real PDF, PNG, Word and OpenDocument files, and records the message with every refusal and its reason', async () => {
    const message = await ingest([
      { filename: 'soknad.pdf', content: pdf(), contentType: 'application/pdf' },
      { filename: 'kart.png', content: png(), contentType: 'image/png' },
      { filename: 'brev.docx', content: docx(), contentType: 'application/octet-stream' },
      { filename: 'brev.odt', content: odt(), contentType: 'application/vnd.oasis.opendocument.text' },
      { filename: 'faktura.pdf', content: exe(), contentType: 'application/pdf' },
      { filename: 'report.pdf. ', content: pdf(), contentType: 'application/pdf' },
      { filename: 'bilde.jpg.exe', content: exe(), contentType: 'application/octet-stream' },
      { filename: 'arkiv.zip', content: zip([['a.txt', 'a']]), contentType: 'application/zip' },
    ]);
    expect(message.body).toContain('Se vedlegg');
    expect(message.attachments.map((a: { filename: string; status: string; reason: string | null }) => [a.filename, a.status, a.reason])).toEqual([
      ['soknad.pdf', 'stored', null],
      ['kart.png', 'stored', null],
      ['brev.docx', 'stored', null],
      ['brev.odt', 'stored', null],
      ['faktura.pdf', 'refused', 'the content is an executable program, not the .pdf its name says'],
      ['report.pdf', 'stored', null],
      ['bilde.jpg.exe', 'refused', 'a double extension ending in an executable type (.jpg.exe)'],
      ['arkiv.zip', 'refused', 'the file type .zip is not accepted'],
    ]);
    // The type stored is the one the content showed, not the sender's claim.
    expect(message.attachments[2].contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const refused = message.attachments[4];
    expect((await fetch(`${s.url}/api/attachments/${refused.id}`, { headers: { authorization: `Bearer ${agent}` } })).status).toBe(404);
    const stored = await fetch(`${s.url}/api/attachments/${message.attachments[0].id}`, { headers: { authorization: `Bearer ${agent}` } });
    expect(Buffer.from(await stored.arrayBuffer())).toEqual(pdf());
  });

  it('lets an admin add a type from the catalogue; others get 403, unknown types 400, and neither changes anything', async () => {
    expect((await s.api('GET', '/api/attachment-policy', { token: admin })).body).toMatchObject({
      added: [],
      allowed: expect.arrayContaining(['pdf', 'docx']),
    });
    expect((await s.api('PUT', '/api/attachment-policy', { token: agent, body: { added: ['zip'] } })).status).toBe(403);
    for (const body of [{ added: ['exe'] }, { added: ['pdf'] }, { added: 'zip' }, { added: ['zip'], extra: 1 }]) {
      const bad = await s.api('PUT', '/api/attachment-policy', { token: admin, body });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_input');
    }
    expect(await s.count('attachment_types')).toBe(0);

    const set = await s.api('PUT', '/api/attachment-policy', { token: admin, body: { added: ['zip'] } });
    expect(set.status).toBe(200);
    expect(set.body.added).toEqual(['zip']);
    const message = await ingest([{ filename: 'arkiv.zip', content: zip([['a.txt', 'a']]), contentType: 'application/zip' }]);
    expect(message.attachments[0]).toMatchObject({ filename: 'arkiv.zip', status: 'stored', contentType: 'application/zip' });
    expect((await s.app.audit.forEntity('attachment_policy', 'zip')).map((a) => a.action)).toEqual(['update']);
  });
});
