/**
 * The names inside a ZIP container, read from its central directory, and the content of a stored
 * (uncompressed) entry. Enough to tell an office document (docx, xlsx, pptx, odt, ods) from any
 * other ZIP without unpacking anything: OOXML names its parts (`word/document.xml`), ODF keeps
 * its type in a first, uncompressed `mimetype` entry.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const EOCD_SEARCH = 22 + 0xffff;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  localOffset: number;
}

/**
 * The first `max` entries of the central directory, or null when `buf` is not a readable ZIP.
 * `base` is where `buf` starts in the file: a large file is judged by its last part only (the
 * directory and end record sit at the end), so the directory's offsets are taken relative to it.
 */
export function zipEntries(buf: Buffer, max = 2000, base = 0): ZipEntry[] | null {
  if (buf.length < 22) return null;
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - EOCD_SEARCH); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16) - base;
  if (at < 0) return null;
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count && n < max; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) return null;
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    if (at + 46 + nameLen > buf.length) return null;
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLen), method, compressedSize, localOffset });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of a stored entry (at most `max`), or null if it is compressed or out of bounds. */
export function storedEntryContent(buf: Buffer, e: ZipEntry, max = 200): Buffer | null {
  if (e.method !== 0 || e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== LOCAL) return null;
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const stop = start + Math.min(e.compressedSize, max);
  return stop <= buf.length ? buf.subarray(start, stop) : null;
}
