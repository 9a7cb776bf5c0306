import fs from 'node:fs';
import fsp from 'node:fs/promises';
import {
  checkDetected,
  checkName,
  judgeHead,
  plainTextBytes,
  startsUtf16,
  zipKind,
  type AttachmentType,
  type AttachmentVerdict,
  type Detected,
} from './attachment-types';

/*
 * The type check of attachment-types.ts for a file on disk (a web-form upload spooled to a
 * temporary file), reading only what it needs: the first 64 KiB for the signature, the last MiB
 * for a ZIP's central directory, and, to tell text from binary, the file once through in 64 KiB
 * pieces. So checking a 20 MB upload holds about a megabyte, not 20.
 */

const HEAD_BYTES = 64 * 1024;
/** Enough for the end record, its comment and a directory of the 2,000 entries zipEntries reads. */
const TAIL_BYTES = 1024 * 1024;

async function readAt(fh: fsp.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (!bytesRead) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** Whether every byte of the file is text, read in pieces (or a UTF-16 text of whole code units). */
async function textThroughout(path: string, head: Buffer, size: number): Promise<boolean> {
  if (startsUtf16(head)) return size % 2 === 0;
  for await (const piece of fs.createReadStream(path, { highWaterMark: HEAD_BYTES }) as AsyncIterable<Buffer>) if (!plainTextBytes(piece)) return false;
  return true;
}

/** What the file's content is, as detectContent would say of it in memory. */
export async function detectFile(path: string): Promise<Detected> {
  const fh = await fsp.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = await readAt(fh, 0, Math.min(size, HEAD_BYTES));
    const verdict = judgeHead(head);
    if (verdict.kind === 'known') return verdict.detected;
    if (verdict.kind === 'zip') {
      const endAt = Math.max(0, size - TAIL_BYTES);
      return zipKind(head, endAt === 0 && size <= head.length ? head : await readAt(fh, endAt, size - endAt), endAt);
    }
    return (await textThroughout(path, head, size)) ? { type: 'text' } : verdict.otherwise;
  } finally {
    await fh.close();
  }
}

/** checkAttachment for a file on disk: by name first (no reading at all), then by content. */
export async function checkAttachmentFile(file: { filename: string; path: string }, allowed: ReadonlySet<AttachmentType>): Promise<AttachmentVerdict> {
  const byName = checkName(file.filename, allowed);
  return byName.ok ? checkDetected(byName, await detectFile(file.path)) : byName;
}
