import { createHash, randomBytes } from 'node:crypto';
import { engines } from '../support/engines';
import { startServer, type TestServer } from '../support/server';

/*
 * A mail carrying a file larger than MariaDB's max_allowed_packet (16 MB by default, and two
 * times the file as the hex literal mysql2 sends): stored through the e-mail intake in chunks and
 * downloaded byte for byte.
 */
const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(engines())('a large e-mail attachment on $name', (engine) => {
  let s: TestServer;
  let agent: string;
  let size = 20 * MiB;

  beforeAll(async () => {
    s = await startServer(engine, { email: { attachmentLimits: { maxBytes: 64 * MiB, maxTotalBytes: 64 * MiB } } });
    // No department owns the address written to: the mail goes to the switchboard.
    agent = (await s.user('agent@kommune.no', 'agent', ['switchboard'])).token;
    if (engine.name === 'mariadb') {
      const [{ packet }] = (await s.app.db.dataSource.query('SELECT @@max_allowed_packet AS packet')) as { packet: unknown }[];
      size = Math.max(size, Number(packet) + MiB);
    }
  });
  afterAll(() => s.close());

  it('stores it through the intake and serves it back byte-identical', async () => {
    // A PDF as the allow-list checks it: its signature, then bulk.
    const file = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
    const base64 = file.toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      [
        'From: Kari <kari@innbygger.test>',
        'To: post@kommune.test',
        'Subject: Tegninger',
        'Message-ID: <big-1@innbygger.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Se vedlagte tegninger.',
        '--b',
        'Content-Type: application/pdf',
        'Content-Disposition: attachment; filename="tegninger.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        base64,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const outcome = await s.app.email!.ingest.handle(raw, new Date());
    expect(outcome).toMatchObject({ kind: 'recorded' });
    const messageId = (outcome as { messageId: number }).messageId;
    const list = await s.api('GET', `/api/messages/${messageId}/attachments`, { token: agent });
    expect(list.body.items).toEqual([
      expect.objectContaining({ filename: 'tegninger.pdf', contentType: 'application/pdf', size, sha256: sha(file), status: 'stored' }),
    ]);

    const res = await fetch(`${s.url}/api/attachments/${list.body.items[0].id}`, { headers: { authorization: `Bearer ${agent}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(size);
    expect(body.equals(file)).toBe(true);
  }, 120_000);
});
