import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase } from '../../server/core/db/database';
import { schema } from '../../ormconfig';
import { AttachmentRepository } from '../../server/register/attachments.repository';
import { engines } from '../support/engines';
import { eventually } from '../support/eventually';
import { startRegisterServer } from '../support/register-fixture';
import type { TestServer } from '../support/server';

/*
 * Attachments are stored as chunks, so a file larger than MariaDB's max_allowed_packet is stored
 * and read back whole; downloads are streamed with safe headers after the access check; the
 * migration carries files stored the old way (one blob per row) over.
 */

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(engines())('attachments on $name', (engine) => {
  let s: TestServer;
  let record: Awaited<ReturnType<typeof startRegisterServer>>['record'];
  let agent: string;
  let outsider: string;
  let seq = 0;

  beforeAll(async () => {
    ({ s, record } = await startRegisterServer(engine));
    agent = (await s.user('agent@kommune.no', 'agent', ['sosial'])).token;
    outsider = (await s.user('teknisk@kommune.no', 'agent', ['teknisk'])).token;
  });
  afterAll(() => s.close());

  const message = async () =>
    (await record({ channel: 'email', externalId: `<att-${++seq}@x.no>`, from: { email: `a${seq}@x.no` }, departmentCode: 'sosial' })).message.id;
  const input = (messageId: number, ordinal = 0, over: Partial<{ filename: string; contentType: string }> = {}) => ({
    messageId,
    ordinal,
    filename: 'file.bin',
    contentType: 'application/pdf',
    createdAt: new Date(),
    ...over,
  });
  const download = (id: number, token = agent) => fetch(`${s.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });

  it('stores a file larger than max_allowed_packet in chunks and serves it back byte for byte', async () => {
    let size = 20 * MiB;
    if (engine.name === 'mariadb') {
      const [{ packet }] = (await s.app.db.dataSource.query('SELECT @@max_allowed_packet AS packet')) as { packet: unknown }[];
      size = Math.max(size, Number(packet) + MiB + 12345);
    }
    const content = randomBytes(size);
    const id = await message();
    // Handed over as a stream, in pieces that do not line up with the chunks.
    const source = Readable.from(
      (function* () {
        for (let at = 0; at < content.length; at += 300_001) yield content.subarray(at, at + 300_001);
      })(),
    );
    const stored = await s.app.register.attachments.store({ ...input(id), content: source });
    expect(stored).toMatchObject({ status: 'stored', size, sha256: sha(content) });
    const chunks = (await s.app.db.dataSource.query('SELECT COUNT(*) AS n, MAX(LENGTH(data)) AS biggest FROM attachment_chunks WHERE attachment_id = ?', [
      stored.id,
    ])) as { n: unknown; biggest: unknown }[];
    expect(Number(chunks[0].n)).toBe(Math.ceil(size / MiB));
    expect(Number(chunks[0].biggest)).toBe(MiB);

    const res = await download(stored.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(size);
    expect(sha(body)).toBe(sha(content));
    expect(body.equals(content)).toBe(true);
  }, 120_000);

  it('stores from a file path and from bytes, once per message and position', async () => {
    const id = await message();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-att-'));
    const file = path.join(dir, 'upload');
    const content = randomBytes(MiB + 1);
    fs.writeFileSync(file, content);
    try {
      const a = await s.app.register.attachments.store({ ...input(id, 0), content: { path: file } });
      expect(a).toMatchObject({ status: 'stored', size: MiB + 1, sha256: sha(content) });
      const again = await s.app.register.attachments.store({ ...input(id, 0), content: Buffer.from('other') });
      expect(again).toMatchObject({ id: a.id, sha256: sha(content) });
      const empty = await s.app.register.attachments.store({ ...input(id, 1), content: Buffer.alloc(0) });
      expect(empty).toMatchObject({ status: 'stored', size: 0, sha256: sha(Buffer.alloc(0)) });
      expect(Buffer.from(await (await download(empty.id)).arrayBuffer()).length).toBe(0);
      expect(await s.app.register.attachments.attachmentCount(id)).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redoes a file a crash left half-written and keeps nothing of a failed one', async () => {
    const id = await message();
    const repo = s.app.register.attachments;
    // A crash after the row and one chunk: the row still says storing and is not served.
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(MiB + 10);
        throw new Error('the upload broke off');
      })(),
    );
    await expect(repo.store({ ...input(id), content: failing })).rejects.toThrow('the upload broke off');
    expect(await repo.attachmentsOf(id)).toEqual([]);
    expect(
      Number(
        (
          await s.app.db.dataSource.query('SELECT COUNT(*) AS n FROM attachment_chunks c LEFT JOIN attachments a ON a.id = c.attachment_id WHERE a.id IS NULL')
        )[0].n,
      ),
    ).toBe(0);

    // A crash left a row storing, with part of its chunks: the next delivery takes it over at once.
    await s.app.db.dataSource.query(
      "INSERT INTO attachments (message_id, ordinal, filename, content_type, size, sha256, status, reason, writer, created_at) VALUES (?, 0, 'x', 'text/plain', 0, NULL, 'storing', NULL, 'crashed', ?)",
      [id, s.app.db.param(new Date())],
    );
    const [{ aid }] = (await s.app.db.dataSource.query('SELECT id AS aid FROM attachments WHERE message_id = ?', [id])) as { aid: number }[];
    await s.app.db.dataSource.query('INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, 0, ?), (?, 1, ?)', [
      aid,
      Buffer.from('half'),
      aid,
      Buffer.from('more'),
    ]);
    expect(await repo.attachmentCount(id)).toBe(0);
    expect((await download(aid)).status).toBe(404);
    const content = Buffer.from('the whole file');
    const redone = await repo.store({ ...input(id), content });
    expect(redone).toMatchObject({ id: Number(aid), status: 'stored', size: content.length });
    expect(Number((await s.app.db.dataSource.query('SELECT COUNT(*) AS n FROM attachment_chunks WHERE attachment_id = ?', [aid]))[0].n)).toBe(1);
    expect(Buffer.from(await (await download(aid)).arrayBuffer())).toEqual(content);
  });

  it('lets the latest of two attempts at the same file win, the overtaken one writing nothing more', async () => {
    const id = await message();
    const repo = s.app.register.attachments;
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    const first = Buffer.alloc(MiB, 1);
    // The first attempt writes a chunk, then stalls (a slow process) while a second one runs.
    const slow = Readable.from(
      (async function* () {
        yield first;
        await paused;
        yield Buffer.alloc(MiB, 2);
      })(),
    );
    const overtaken = repo.store({ ...input(id), content: slow });
    await eventually(
      async () =>
        Number(
          (
            await s.app.db.dataSource.query(
              'SELECT COUNT(*) AS n FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id WHERE a.message_id = ?',
              [id],
            )
          )[0].n,
        ) === 1,
      'the first chunk',
    );
    const winner = Buffer.alloc(MiB + 5, 3);
    const second = await repo.store({ ...input(id), content: winner });
    expect(second).toMatchObject({ status: 'stored', size: winner.length, sha256: sha(winner) });
    resume();
    expect(await overtaken).toMatchObject({ id: second.id, status: 'stored', sha256: sha(winner) });
    const chunks = (await s.app.db.dataSource.query('SELECT seq, LENGTH(data) AS n FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq', [
      second.id,
    ])) as { seq: unknown; n: unknown }[];
    expect(chunks.map((c) => [Number(c.seq), Number(c.n)])).toEqual([
      [0, MiB],
      [1, 5],
    ]);
    expect(Buffer.from(await (await download(second.id)).arrayBuffer()).equals(winner)).toBe(true);
  });

  it('serves a download with safe headers, after the access check, and audits it', async () => {
    const id = await message();
    const repo = s.app.register.attachments;
    const pdf = await repo.store({
      ...input(id, 0, { filename: '../../Søknad "endelig"; v2.pdf', contentType: 'Application/PDF' }),
      content: Buffer.from('%PDF-1.4'),
    });
    const html = await repo.store({ ...input(id, 1, { filename: 'side.html', contentType: 'text/html' }), content: Buffer.from('<script>alert(1)</script>') });
    const svg = await repo.store({ ...input(id, 2, { filename: 'bilde.svg', contentType: 'image/svg+xml' }), content: Buffer.from('<svg/>') });

    const res = await download(pdf.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-length')).toBe('8');
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toBe(`attachment; filename="S_knad _endelig__ v2.pdf"; filename*=UTF-8''S%C3%B8knad%20%22endelig%22%3B%20v2.pdf`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4');
    for (const active of [html, svg]) {
      const r = await download(active.id);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment;/);
      await r.arrayBuffer();
    }
    expect((await s.app.audit.forEntity('message', id)).map((a) => a.action)).toContain('read');
    // Another department's agent learns nothing, not even that it exists.
    const denied = await download(pdf.id, outsider);
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-disposition')).toBeNull();
    expect((await download(999_999)).status).toBe(404);
  });

  it('records a refused file with its reason and serves no content for it', async () => {
    const id = await message();
    const refused = await s.app.register.attachments.refuse({
      ...input(id, 0, { filename: 'x'.repeat(400) + '.exe' }),
      size: 10,
      sha256: null,
      reason: 'this file type is not accepted',
    });
    expect(refused).toMatchObject({ status: 'refused', reason: 'this file type is not accepted' });
    expect(refused.filename).toHaveLength(255);
    const listed = await s.api('GET', `/api/messages/${id}/attachments`, { token: agent });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: refused.id, status: 'refused', filename: 'x'.repeat(255) })]);
    expect((await download(refused.id)).status).toBe(404);
  });
});

describe.each(engines())('the attachment chunks migration on $name', (engine) => {
  it('moves files stored as one blob into chunks, and back on the way down', async () => {
    const database = await engine.create();
    const db = await openDatabase(database.url, schema);
    try {
      // Undoes the migrations that came after it, then it.
      const undoChunks = async () => {
        while ((await db.dataSource.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1'))[0].name !== 'AttachmentChunks1732440000001')
          await db.dataSource.undoLastMigration();
        await db.dataSource.undoLastMigration();
      };
      await undoChunks();
      const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>;
      expect(await db.dataSource.createQueryRunner().hasTable('attachment_chunks')).toBe(false);
      await q("INSERT INTO departments (code, name, created_at) VALUES ('d', 'D', ?)", [db.param(new Date())]);
      const [{ dep }] = (await q("SELECT id AS dep FROM departments WHERE code = 'd'")) as { dep: number }[];
      const now = db.param(new Date());
      await q(
        "INSERT INTO inquiries (channel, direction, state, department_id, summary, created_at, last_activity_at) VALUES ('email', 'in', 'open', ?, 's', ?, ?)",
        [dep, now, now],
      );
      const [{ inq }] = (await q('SELECT MAX(id) AS inq FROM inquiries')) as { inq: number }[];
      await q("INSERT INTO messages (inquiry_id, channel, direction, kind, body, created_at, updated_at) VALUES (?, 'email', 'in', 'message', 'b', ?, ?)", [
        inq,
        now,
        now,
      ]);
      const [{ msg }] = (await q('SELECT MAX(id) AS msg FROM messages')) as { msg: number }[];
      const old = randomBytes(2 * MiB + 77);
      const small = Buffer.from('small');
      for (const [ordinal, content] of [old, small, null].entries()) {
        await q(
          "INSERT INTO attachments (message_id, ordinal, filename, content_type, size, sha256, status, reason, content, created_at) VALUES (?, ?, 'f', 'application/pdf', ?, ?, ?, NULL, ?, ?)",
          [msg, ordinal, content?.length ?? 5, content ? sha(content) : null, content ? 'stored' : 'refused', content, now],
        );
      }
      expect((await db.dataSource.runMigrations())[0].name).toBe('AttachmentChunks1732440000001');
      const repo = new AttachmentRepository({ db });
      const rows = await repo.attachmentsOf(Number(msg));
      const read = async (a: (typeof rows)[number]) => {
        const parts: Buffer[] = [];
        for await (const part of repo.content(a)) parts.push(part as Buffer);
        return Buffer.concat(parts);
      };
      expect((await read(rows[0])).equals(old)).toBe(true);
      expect((await read(rows[1])).equals(small)).toBe(true);
      expect(Number((await q('SELECT COUNT(*) AS n FROM attachment_chunks'))[0].n)).toBe(4);
      expect(Number((await q('SELECT COUNT(*) AS n FROM attachments WHERE content IS NOT NULL'))[0].n)).toBe(0);

      await undoChunks();
      const back = (await q('SELECT content FROM attachments WHERE message_id = ? ORDER BY ordinal', [msg])) as { content: Buffer | null }[];
      expect(Buffer.from(back[0].content!).equals(old)).toBe(true);
      expect(Buffer.from(back[1].content!).equals(small)).toBe(true);
      expect(back[2].content).toBeNull();
    } finally {
      await db.close();
      await database.drop();
    }
  }, 120_000);
});
