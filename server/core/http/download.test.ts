import { attachmentDisposition, downloadType } from './download';

describe('download headers', () => {
  it('names the file without path, control characters, quotes or trailing dots and spaces', () => {
    expect(attachmentDisposition('C:\\Users\\x\\rapport.pdf. . ')).toBe(`attachment; filename="rapport.pdf"; filename*=UTF-8''rapport.pdf`);
    expect(attachmentDisposition('a\r\nSet-Cookie: x=1\u0085.txt')).toBe(
      `attachment; filename="aSet-Cookie: x=1.txt"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1.txt`,
    );
    expect(attachmentDisposition('a\ud800b.txt')).toBe(`attachment; filename="ab.txt"; filename*=UTF-8''ab.txt`);
    expect(attachmentDisposition('../..')).toBe(`attachment; filename="file"; filename*=UTF-8''file`);
    expect(attachmentDisposition("it's (1)*.txt")).toBe(`attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`);
    // Cut at 200 without splitting a surrogate pair.
    const long = attachmentDisposition('a'.repeat(199) + '😀😀');
    expect(long).toContain(`filename*=UTF-8''${'a'.repeat(199)}"`.slice(0, -1));
    expect(long).not.toContain('%ED');
  });

  it('keeps a plain type and serves anything that could run as opaque bytes', () => {
    expect(downloadType('Application/PDF; name="x"')).toBe('application/pdf');
    expect(downloadType('image/png')).toBe('image/png');
    for (const t of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/vnd.foo+xml', 'multipart/mixed', 'nonsense', '', 'a/b c'])
      expect(downloadType(t)).toBe('application/octet-stream');
  });

  it('takes linear time on a megabyte of dots and spaces', () => {
    const started = Date.now();
    attachmentDisposition('. '.repeat(500_000) + 'x');
    attachmentDisposition('. '.repeat(500_000));
    expect(Date.now() - started).toBeLessThan(500);
  });
});
