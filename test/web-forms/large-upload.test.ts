import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { engines } from '../support/engines';
import { pdf } from '../support/files';
import { startServer, type TestServer } from '../support/server';

/*
 * A large web-form file goes from its temporary file into the chunked store (1 MiB chunks) as a
 * stream: checked by its start and one pass, stored piece by piece, never read whole. It must come
 * back intact (the same SHA-256) on both engines, and leave no temporary file.
 */

const MB = 1024 * 1024;
const FORM = {
  slug: 'stor-fil',
  department: 'teknisk',
  title: { nb: 'Send tegninger', en: 'Send drawings' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    { name: 'tegning', type: 'file', label: { nb: 'Tegning', en: 'Drawing' } },
  ],
};

describe.each(engines())('a 20 MB web-form file on $name', (engine) => {
  let s: TestServer;
  let agent: string;
  beforeAll(async () => {
    s = await startServer(engine, { web: { rateLimit: { max: 100, windowMs: 60_000 }, maxFileBytes: 25 * MB, maxRequestBytes: 30 * MB } });
    await s.department('teknisk');
    const admin = (await s.user('admin@kommune.test', 'admin', [])).token;
    agent = (await s.user('agent@kommune.test', 'agent', ['teknisk'])).token;
    expect((await s.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(201);
  });
  afterAll(() => s.close());

  it('is stored whole, chunk by chunk, with the SHA-256 it was sent with', async () => {
    const content = Buffer.concat([pdf(), randomBytes(20 * MB)]);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const boundary = `----st${randomBytes(8).toString('hex')}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="navn"\r\n\r\nKari\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="tegning"; filename="tegning.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await fetch(`${s.url}/public/forms/${FORM.slug}`, {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
      signal: AbortSignal.timeout(60_000),
    });
    const answer = await res.text();
    expect({ status: res.status, answer }).toEqual({ status: 200, answer: expect.stringMatching(/Referansenummeret ditt er \d+/) });
    const reference = Number(/Referansenummeret ditt er (\d+)/.exec(answer)![1]);
    expect(fs.readdirSync(s.app.webForms!.uploads.path)).toEqual([]);

    const first = (await s.api('GET', `/api/inquiries/${reference}`, { token: agent })).body.timeline[0];
    const [file] = (await s.api('GET', `/api/messages/${first.id}/attachments`, { token: agent })).body.items;
    expect(file).toMatchObject({ filename: 'tegning.pdf', status: 'stored', size: content.length, sha256 });
    // 1 MiB chunks: 21 of them for 20 MiB and the PDF's head.
    expect(await s.count('attachment_chunks')).toBe(Math.ceil(content.length / MB));
    const back = await fetch(`${s.url}/api/attachments/${file.id}`, { headers: { authorization: `Bearer ${agent}` } });
    expect(back.status).toBe(200);
    expect(
      createHash('sha256')
        .update(Buffer.from(await back.arrayBuffer()))
        .digest('hex'),
    ).toBe(sha256);
  }, 120_000);
});
