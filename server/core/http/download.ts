import { cutTo } from '../db/columns';

/*
 * Headers for handing a stored file to a browser as a download. The name and type were chosen by
 * whoever sent the file, so neither may decide how the console's origin treats it.
 */

/** Types a browser would run or lay out as a page even from a download: served as opaque bytes instead. */
const ACTIVE =
  /^(text\/(html|xml|javascript|ecmascript|xsl)|application\/(xhtml\+xml|xml|javascript|ecmascript|x-javascript|xslt\+xml)|image\/svg\+xml|multipart\/)/;
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/** The stored type when it is a plain, well-formed MIME type that cannot run; otherwise application/octet-stream. */
export function downloadType(contentType: string): string {
  const type = contentType.slice(0, 255).split(';')[0].trim().toLowerCase();
  return MIME.test(type) && !ACTIVE.test(type) && !type.includes('+xml') ? type : 'application/octet-stream';
}

/** A file name with no path, no control characters and no trailing dots or spaces, never empty. */
function safeName(filename: string): string {
  const base = filename.slice(0, 1000).split(/[/\\]/).pop() ?? '';
  let clean = '';
  for (const ch of base) {
    const code = ch.codePointAt(0)!;
    // A lone surrogate (no character at all) would make encodeURIComponent throw.
    if (code >= 0x20 && !(code >= 0x7f && code <= 0x9f) && !(code >= 0xd800 && code <= 0xdfff)) clean += ch;
  }
  // A loop, not /[. ]+$/, which backtracks over every run of dots and spaces that is not at the end.
  let end = clean.length;
  while (end > 0 && (clean[end - 1] === '.' || clean[end - 1] === ' ')) end--;
  clean = clean.slice(0, end).trim();
  return cutTo(clean || 'file', 200);
}

/** RFC 6266: an ASCII fallback for old clients and the exact name as RFC 5987 UTF-8. */
export function attachmentDisposition(filename: string): string {
  const name = safeName(filename);
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
