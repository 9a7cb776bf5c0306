import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkAttachmentFile, detectFile } from '../../server/register/attachment-file';
import { checkAttachment, DEFAULT_ATTACHMENT_TYPES, detectContent, type AttachmentType } from '../../server/register/attachment-types';
import { docx, exe, odt, pdf, png, zip } from '../support/files';

/*
 * A web-form upload is checked where it lies on disk, reading its start, its end and (for text)
 * one pass in pieces, never the whole file at once. Whatever the size, it must say exactly what
 * the in-memory check says of the same bytes.
 */

const allowed = new Set<AttachmentType>(DEFAULT_ATTACHMENT_TYPES);
const MB = 1024 * 1024;
const text = (bytes: number) => Buffer.from('navn;adresse;kommentar\n'.repeat(Math.ceil(bytes / 23)).slice(0, bytes));

describe('the type check of a file on disk', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-attachment-file-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const onDisk = (content: Buffer) => {
    const p = path.join(dir, randomBytes(8).toString('hex'));
    fs.writeFileSync(p, content);
    return p;
  };

  const binaryLate = Buffer.concat([text(3 * MB), Buffer.from([0x00]), text(100)]);
  const bigDocx = zip([
    ['[Content_Types].xml', '<Types/>'],
    ['word/media/scan.bin', randomBytes(3 * MB)],
    ['word/document.xml', '<w:document/>'],
  ]);
  const cases: [string, Buffer][] = [
    ['søknad.pdf', pdf()],
    ['bilde.png', png()],
    ['brev.docx', docx()],
    ['brev.odt', odt()],
    ['faktura.pdf', exe()],
    ['notat.txt', Buffer.from('Hei på deg\r\n')],
    ['tom.txt', Buffer.alloc(0)],
    ['unicode.txt', Buffer.from('\ufeffHei', 'utf16le')],
    ['liste.csv', text(3 * MB)],
    ['liste.csv', binaryLate],
    ['stor.pdf', Buffer.concat([pdf(), randomBytes(3 * MB)])],
    ['skann.docx', bigDocx],
    ['arkiv.docx', zip([['a.txt', randomBytes(2 * MB)]])],
  ];

  it.each(cases.map(([name, content], i) => [i, name, content.length, content] as const))(
    'agrees with the in-memory check (#%i, %s, %i bytes)',
    async (_i, filename, _size, content) => {
      const p = onDisk(content);
      expect(await detectFile(p)).toEqual(detectContent(content));
      expect(await checkAttachmentFile({ filename, path: p }, allowed)).toEqual(checkAttachment({ filename, content }, allowed));
    },
  );

  it('finds a large Word document by the directory at its end and text that turns binary after 3 MB', async () => {
    expect(await detectFile(onDisk(bigDocx))).toEqual({ type: 'docx' });
    expect((await detectFile(onDisk(binaryLate))).type).toBeNull();
    expect(await detectFile(onDisk(text(3 * MB)))).toEqual({ type: 'text' });
  });

  it('refuses by name without opening the file', async () => {
    expect(await checkAttachmentFile({ filename: 'virus.exe', path: path.join(dir, 'not-there') }, allowed)).toMatchObject({ ok: false });
  });
});
