import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { docx, exe, pdf, png } from '../support/files';
import { startServer, type TestServer } from '../support/server';

/*
 * Web-form uploads: streamed to a private temporary folder, limited, capped per process, stored
 * with the message in one commit or not at all, and checked by name and content.
 */

const FILES = ['vedlegg1', 'vedlegg2', 'vedlegg3', 'vedlegg4', 'vedlegg5'];
const FORM = {
  slug: 'vedlegg',
  department: 'teknisk',
  title: { nb: 'Send dokumenter', en: 'Send documents' },
  fields: [
    { name: 'navn', type: 'text', purpose: 'name', required: true, label: { nb: 'Navn', en: 'Name' } },
    { name: 'sporsmal', type: 'textarea', required: true, label: { nb: 'Spørsmål', en: 'Question' } },
    ...FILES.map((name, i) => ({ name, type: 'file', label: { nb: `Vedlegg ${i + 1}`, en: `Attachment ${i + 1}` } })),
  ],
};
const MAX_FILE = 2 * 1024 * 1024;
const MAX_REQUEST = 6 * 1024 * 1024;
const TABLES = ['inquiries', 'messages', 'attachments', 'contacts'];

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };

/** A multipart body as pieces: each part's head, then its content in 64 KB slices, then the end. */
function multipart(parts: Part[]): { boundary: string; pieces: Buffer[] } {
  const boundary = `----st${randomBytes(8).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const p of parts) {
    const disposition = 'filename' in p ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`;
    const type = 'filename' in p ? `\r\nContent-Type: ${p.type}` : '';
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    const content = 'filename' in p ? p.content : Buffer.from(p.value);
    for (let at = 0; at < content.length; at += 65536) pieces.push(content.subarray(at, at + 65536));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, pieces };
}

/** Text of a given size, as a citizen's long CSV export would be. */
const textOf = (bytes: number) => Buffer.from('navn;adresse;kommentar\n'.repeat(Math.ceil(bytes / 23)).slice(0, bytes));

describe.each(engines())('web-form uploads on $name', (engine) => {
  let s: TestServer;
  let agent: string;
  let ip = 0;
  const tempFiles = () => fs.readdirSync(s.app.webForms!.uploads.path);
  const counts = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await s.count(t)])));

  /**
   * Sends the body as a stream (no Content-Length, as a slow client would), waiting at piece
   * `pauseAt` until `resume` settles; answers the status, headers and parsed body.
   */
  async function send(parts: Part[], opts: { pauseAt?: number; resume?: Promise<unknown>; accept?: string } = {}) {
    const { boundary, pieces } = multipart(parts);
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (i === opts.pauseAt) await opts.resume;
        if (i < pieces.length) c.enqueue(new Uint8Array(pieces[i++]));
        else c.close();
      },
    });
    const res = await fetch(`${s.url}/public/forms/${FORM.slug}`, {
      signal: AbortSignal.timeout(20000),
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        accept: opts.accept ?? 'application/json',
        'x-forwarded-for': `10.3.0.${++ip}`,
      },
    } as RequestInit);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  }
  const fields = (sid?: string): Part[] => [
    { name: 'navn', value: 'Kari' },
    { name: 'sporsmal', value: 'Se vedlagte dokumenter' },
    ...(sid ? [{ name: 'sid', value: sid }] : []),
  ];
  const referenceIn = (html: string) => Number(/Referansenummeret ditt er (\d+)/.exec(html)![1]);
  const messageOf = async (ref: number) => {
    const first = (await s.api('GET', `/api/inquiries/${ref}`, { token: agent })).body.timeline[0];
    return (await s.api('GET', `/api/messages/${first.id}`, { token: agent })).body;
  };

  beforeAll(async () => {
    s = await startServer(engine, {
      web: { rateLimit: { max: 1000, windowMs: 60_000 }, maxFileBytes: MAX_FILE, maxRequestBytes: MAX_REQUEST, maxConcurrentUploads: 1 },
    });
    await s.department('teknisk');
    const admin = (await s.user('admin@kommune.test', 'admin', [])).token;
    agent = (await s.user('agent@kommune.test', 'agent', ['teknisk'])).token;
    expect((await s.api('POST', '/api/forms', { token: admin, body: FORM })).status).toBe(201);
  });
  afterAll(() => s.close());

  it('streams five files to private temporary files while they arrive, stores them whole, and removes every temporary file after', async () => {
    const dir = s.app.webForms!.uploads.path;
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const files = [
      { filename: 'soknad.pdf', type: 'application/pdf', content: pdf() },
      { filename: 'kart.png', type: 'image/png', content: png() },
      { filename: 'brev.docx', type: 'application/octet-stream', content: docx() },
      { filename: 'liste.csv', type: 'text/csv', content: textOf(1_500_000) },
      { filename: 'notat.txt', type: 'text/plain', content: textOf(1_900_000) },
    ];
    const parts: Part[] = [...fields(), ...files.map((f, i) => ({ name: FILES[i], ...f }))];
    // Hold the upload in the middle of the fifth file: the first four are on disk by then.
    const { pieces } = multipart(parts);
    let release!: () => void;
    const resume = new Promise<void>((r) => (release = r));
    const pauseAt = pieces.length - 10;
    const answer = send(parts, { pauseAt, resume, accept: 'text/html' });

    // The four first complete and the fifth part-written, in whatever order the folder lists them.
    const during = await eventually(() => {
      const names = tempFiles();
      const rest = names.map((n) => fs.statSync(path.join(dir, n)).size);
      for (const f of files.slice(0, 4)) {
        const at = rest.indexOf(f.content.length);
        if (at < 0) return null;
        rest.splice(at, 1);
      }
      return rest.length === 1 && rest[0] > 1_000_000 ? { names, partial: rest[0] } : null;
    }, 'the four first files and part of the fifth on disk');
    for (const n of during.names) {
      expect(n).toMatch(/^[0-9a-f]{32}$/);
      expect(fs.statSync(path.join(dir, n)).mode & 0o777).toBe(0o600);
    }
    // The fifth is written as it arrives, not held until the end.
    expect(during.partial).toBeLessThan(files[4].content.length);
    release();

    const res = await answer;
    expect(res.status).toBe(200);
    expect(tempFiles()).toEqual([]);
    const message = await messageOf(referenceIn(res.text));
    expect(message.attachments).toEqual(
      files.map((f) => expect.objectContaining({ filename: f.filename, size: f.content.length, status: 'stored', reason: null })),
    );
    expect(message.attachments.map((a: { contentType: string }) => a.contentType)).toEqual([
      'application/pdf',
      'image/png',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'text/csv',
      'text/plain',
    ]);
    const listed = (await s.api('GET', `/api/messages/${message.id}/attachments`, { token: agent })).body.items;
    expect(listed.map((a: { sha256: string }) => a.sha256)).toEqual(files.map((f) => createHash('sha256').update(f.content).digest('hex')));
    const docxBack = await fetch(`${s.url}/api/attachments/${listed[2].id}`, { headers: { authorization: `Bearer ${agent}` } });
    expect(Buffer.from(await docxBack.arrayBuffer())).toEqual(files[2].content);
  });

  it('refuses a submission past the request limit, too many files or a field too long with 413, writing nothing and leaving no file', async () => {
    const before = await counts();
    const big = (n: number): Part[] => FILES.slice(0, n).map((name, i) => ({ name, filename: `del${i}.txt`, type: 'text/plain', content: textOf(1_800_000) }));
    // Streamed without a length: refused once the bytes pass the limit.
    const over = await send([...fields(), ...big(4)]);
    expect(over.status).toBe(413);
    expect(over.json).toEqual({ error: { code: 'too_large', message: expect.stringMatching(/larger than/) } });
    // Announced in Content-Length: refused before a byte of it is read.
    const form = new FormData();
    form.append('navn', 'Kari');
    form.append('sporsmal', 'Stort');
    for (let i = 0; i < 4; i++) form.append(FILES[i], new Blob([new Uint8Array(textOf(1_800_000))]), `del${i}.txt`);
    const announced = await fetch(`${s.url}/public/forms/${FORM.slug}`, { method: 'POST', body: form, headers: { 'x-forwarded-for': '10.3.1.1' } });
    expect(announced.status).toBe(413);
    expect((await announced.json()).error.code).toBe('too_large');

    const six: Part[] = [...fields(), ...[...FILES, 'vedlegg6'].map((name) => ({ name, filename: 'a.txt', type: 'text/plain', content: Buffer.from('a') }))];
    const tooMany = await send(six);
    expect(tooMany.status).toBe(413);
    expect(tooMany.json.error.code).toBe('too_many_parts');
    const longField = await send([
      { name: 'navn', value: 'K' },
      { name: 'sporsmal', value: 'x'.repeat(30_000) },
    ]);
    expect(longField.status).toBe(413);
    expect(longField.json.error.code).toBe('field_too_large');
    // A browser is shown a page in its language.
    const page = await send([...fields(), ...big(4)], { accept: 'text/html' });
    expect(page.status).toBe(413);
    expect(page.text).toContain('Innsendingen er for stor.');

    // One file past its own limit: the form says so (400), and nothing is kept of any file.
    const oneBig = await send([
      ...fields(),
      { name: 'vedlegg1', filename: 'ok.pdf', type: 'application/pdf', content: pdf() },
      ...big(2)
        .slice(1)
        .map((p) => ({ ...p, content: textOf(MAX_FILE + 10) })),
    ]);
    expect(oneBig.status).toBe(400);
    expect(oneBig.json).toMatchObject({
      error: { code: 'invalid_submission', details: [{ path: ['vedlegg2'], message: expect.stringMatching(/^Filen er for stor/) }] },
    });
    const broken = await fetch(`${s.url}/public/forms/${FORM.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data', 'x-forwarded-for': '10.3.1.2' },
      body: 'no boundary',
    });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('bad_multipart');

    expect(await counts()).toEqual(before);
    await eventually(() => tempFiles().length === 0, 'no temporary file left');
  });

  it('answers 503 with Retry-After while the uploads this process takes at once are in progress', async () => {
    const parts: Part[] = [...fields(), { name: 'vedlegg1', filename: 'notat.txt', type: 'text/plain', content: textOf(500_000) }];
    let release!: () => void;
    // Held in the middle of its file.
    const pauseAt = multipart(parts).pieces.length - 3;
    const first = send(parts, { pauseAt, resume: new Promise<void>((r) => (release = r)), accept: 'text/html' });
    await eventually(() => tempFiles().length === 1, 'the first upload under way');
    const before = await counts();
    const second = await send(parts);
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.json).toEqual({ error: { code: 'busy', message: expect.any(String) } });
    expect(await counts()).toEqual(before);
    release();
    expect((await first).status).toBe(200);
    expect(tempFiles()).toEqual([]);
    // The slot is free again.
    expect((await send(parts, { accept: 'text/html' })).status).toBe(200);
  });

  it('stores the message but refuses an .exe renamed .pdf, with the reason on the message; `report.pdf. ` is report.pdf', async () => {
    const res = await send(
      [
        ...fields(),
        { name: 'vedlegg1', filename: 'faktura.pdf', type: 'application/pdf', content: exe() },
        { name: 'vedlegg2', filename: 'report.pdf. ', type: 'application/pdf', content: pdf() },
        { name: 'vedlegg3', filename: 'bilde.png.exe', type: 'image/png', content: png() },
      ],
      { accept: 'text/html' },
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Vedlegget «faktura.pdf» ble ikke tatt imot');
    const message = await messageOf(referenceIn(res.text));
    expect(message.attachments).toEqual([
      expect.objectContaining({ filename: 'faktura.pdf', status: 'refused', reason: 'the content is an executable program, not the .pdf its name says' }),
      expect.objectContaining({ filename: 'report.pdf', status: 'stored', contentType: 'application/pdf', reason: null }),
      expect.objectContaining({ filename: 'bilde.png.exe', status: 'refused', reason: 'a double extension ending in an executable type (.png.exe)' }),
    ]);
    const refusedId = message.attachments[0].id;
    expect((await fetch(`${s.url}/api/attachments/${refusedId}`, { headers: { authorization: `Bearer ${agent}` } })).status).toBe(404);
    expect(tempFiles()).toEqual([]);
  });

  it('never answers a submission as received without its files: a failure while storing them asks for a retry, which completes them once', async () => {
    const sid = randomBytes(18).toString('base64url');
    const parts: Part[] = [...fields(sid), { name: 'vedlegg1', filename: 'soknad.pdf', type: 'application/pdf', content: pdf() }];
    const before = await counts();
    // The database refuses the file's row, as a full disk or a lost connection would.
    await s.app.db.dataSource.query(
      engine.name === 'sqlite'
        ? "CREATE TRIGGER refuse_files BEFORE INSERT ON attachments BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        : "CREATE TRIGGER refuse_files BEFORE INSERT ON attachments FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'",
    );
    try {
      const failed = await send(parts, { accept: 'text/html' });
      expect(failed.status).toBe(500);
      expect(failed.text).toContain('henvendelsen ble ikke lagret. Prøv igjen.');
      const failedJson = await send(parts);
      expect(failedJson.status).toBe(500);
      expect(failedJson.json).toEqual({ error: { code: 'internal', message: expect.any(String) } });
    } finally {
      await s.app.db.dataSource.query('DROP TRIGGER refuse_files');
    }
    // The message is kept (files are stored after it, chunk by chunk), its files are not, and the citizen was told to send again.
    expect(await counts()).toEqual({ ...before, inquiries: before.inquiries + 1, messages: before.messages + 1 });
    expect(tempFiles()).toEqual([]);

    const retry = await send(parts, { accept: 'text/html' });
    expect(retry.status).toBe(200);
    const message = await messageOf(referenceIn(retry.text));
    expect(message.externalId).toBe(`form:${FORM.slug}:${sid}`);
    expect(message.attachments).toEqual([expect.objectContaining({ filename: 'soknad.pdf', status: 'stored' })]);
    expect(await counts()).toEqual({ ...before, inquiries: before.inquiries + 1, messages: before.messages + 1, attachments: before.attachments + 1 });
  });
});
