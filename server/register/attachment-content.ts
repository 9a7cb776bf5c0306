import fs from 'node:fs';
import { Readable } from 'node:stream';

/**
 * What a channel hands over as a file's content: bytes it already holds (an e-mail part), a
 * stream, or the path of a file it wrote (a web-form upload spooled to disk). Only one chunk of
 * it is in memory at a time while it is stored.
 */
export type AttachmentContent = Buffer | Readable | { path: string };

/** The content in pieces of exactly `size` bytes (the last one shorter), in order. */
export async function* piecesOf(content: AttachmentContent, size: number): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(content)) {
    for (let at = 0; at < content.length; at += size) yield content.subarray(at, at + size);
    return;
  }
  const stream = content instanceof Readable ? content : fs.createReadStream(content.path, { highWaterMark: 64 * 1024 });
  let held: Buffer[] = [];
  let heldBytes = 0;
  try {
    for await (const part of stream as AsyncIterable<Buffer | string>) {
      let buf = typeof part === 'string' ? Buffer.from(part) : part;
      while (heldBytes + buf.length >= size) {
        const take = size - heldBytes;
        held.push(buf.subarray(0, take));
        yield Buffer.concat(held, size);
        buf = buf.subarray(take);
        held = [];
        heldBytes = 0;
      }
      if (buf.length) {
        held.push(buf);
        heldBytes += buf.length;
      }
    }
    if (heldBytes) yield Buffer.concat(held, heldBytes);
  } finally {
    // Stopped early (a failed write): let go of the file or socket behind the stream.
    stream.destroy();
  }
}
