import { checkAttachment, cleanFilename, DEFAULT_ATTACHMENT_TYPES, detectContent, type AttachmentType } from '../../server/register/attachment-types';
import { docx, exe, odt, pdf, png, zip } from '../support/files';

const allowed = new Set<AttachmentType>(DEFAULT_ATTACHMENT_TYPES);
const check = (filename: string, content: Buffer, types: ReadonlySet<AttachmentType> = allowed) => checkAttachment({ filename, content }, types);

describe('attachment types, by name and by content', () => {
  it('takes a real PDF, PNG, Word and OpenDocument file and text, and stores the type its content shows', () => {
    expect(check('søknad.pdf', pdf())).toEqual({ ok: true, filename: 'søknad.pdf', type: 'pdf', contentType: 'application/pdf' });
    expect(check('bilde.PNG', png())).toMatchObject({ ok: true, type: 'png', contentType: 'image/png' });
    expect(check('brev.docx', docx())).toMatchObject({ ok: true, type: 'docx' });
    expect(check('brev.odt', odt())).toMatchObject({ ok: true, type: 'odt' });
    expect(check('notat.txt', Buffer.from('Hei på deg\r\n'))).toMatchObject({ ok: true, contentType: 'text/plain' });
    expect(check('liste.csv', Buffer.from('navn;adresse\nKari;Storgata 1\n', 'latin1'))).toMatchObject({ ok: true, contentType: 'text/csv' });
  });

  it('treats `report.pdf. ` as report.pdf: trailing dots and spaces go, and so do folders and control characters', () => {
    expect(check('report.pdf. ', pdf())).toMatchObject({ ok: true, filename: 'report.pdf' });
    expect(cleanFilename('report.pdf . . ')).toBe('report.pdf');
    expect(cleanFilename('C:\\Users\\kari\\brev\u0000.docx')).toBe('brev.docx');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename(' . ')).toBe('file');
    // The check does not hang on a long run of what it strips.
    const t0 = Date.now();
    expect(cleanFilename(`a.pdf${' .'.repeat(500_000)}`)).toBe('a.pdf');
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('refuses an executable renamed .pdf, a double extension ending in an executable type, and a disguised one', () => {
    expect(check('faktura.pdf', exe())).toEqual({
      ok: false,
      filename: 'faktura.pdf',
      reason: 'the content is an executable program, not the .pdf its name says',
      contentType: 'application/octet-stream',
    });
    expect(check('faktura.pdf.exe', exe())).toMatchObject({ ok: false, reason: 'a double extension ending in an executable type (.pdf.exe)' });
    expect(check('faktura.pdf.exe. . ', pdf())).toMatchObject({ ok: false, filename: 'faktura.pdf.exe' });
    expect(check('virus.exe', exe())).toMatchObject({ ok: false, reason: 'an executable file type (.exe)' });
    expect(check('skript.js', Buffer.from('alert(1)'))).toMatchObject({ ok: false, reason: 'an executable file type (.js)' });
  });

  it('refuses what the list does not take, a name without a type, and content that is not what the name says', () => {
    expect(check('arkiv.zip', zip([['a.txt', 'a']]))).toMatchObject({ ok: false, reason: 'the file type .zip is not accepted' });
    expect(check('README', Buffer.from('hei'))).toMatchObject({ ok: false, reason: 'the name has no file type extension' });
    expect(check('bilde.png', pdf())).toMatchObject({ ok: false, reason: 'the content is a PDF file, not the .png its name says' });
    expect(check('notat.txt', png())).toMatchObject({ ok: false, reason: 'the content is a PNG file, not the .txt its name says' });
    expect(check('brev.docx', zip([['a.txt', 'a']]))).toMatchObject({ ok: false, reason: 'the content is a ZIP file, not the .docx its name says' });
    expect(
      check(
        'brev.docx',
        zip([
          ['[Content_Types].xml', '<Types/>'],
          ['word/document.xml', '<w/>'],
          ['word/vbaProject.bin', 'x'],
        ]),
      ),
    ).toMatchObject({
      ok: false,
      reason: 'the content is an office document with macros, not the .docx its name says',
    });
    expect(check('data.csv', Buffer.from([0x00, 0x01, 0x02, 0x03]))).toMatchObject({
      ok: false,
      reason: 'the content is unrecognised binary data, not the .csv its name says',
    });
    expect(check('brev.odt', docx())).toMatchObject({ ok: false });
  });

  it('takes an added type once it is on the list', () => {
    const more = new Set<AttachmentType>([...DEFAULT_ATTACHMENT_TYPES, 'zip']);
    expect(check('arkiv.zip', zip([['a.txt', 'a']]), more)).toMatchObject({ ok: true, type: 'zip' });
    expect(check('arkiv.zip', pdf(), more)).toMatchObject({ ok: false });
  });

  it('recognises a damaged ZIP as such rather than throwing', () => {
    const broken = zip([['word/document.xml', 'x']]).subarray(0, 40);
    expect(detectContent(broken)).toEqual({ type: null, what: 'a damaged ZIP archive' });
    expect(check('brev.docx', broken)).toMatchObject({ ok: false, reason: 'the content is a damaged ZIP archive, not the .docx its name says' });
  });
});
