import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';

/**
 * What goes inside the encrypted file: one JSON line naming the backup and carrying the checksum
 * salt, then the engine's own data (a SQLite database file as its online backup wrote it, or
 * MariaDB's tables as JSON lines). The salt travels only here, under age's encryption.
 */
export const payloadHeaderSchema = z.object({
  format: z.literal('servicetorg-backup'),
  version: z.literal(1),
  id: z.string().max(100),
  dialect: z.enum(['sqlite', 'mysql']),
  createdAt: z.string().max(40),
  salt: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PayloadHeader = z.infer<typeof payloadHeaderSchema>;

const MAX_HEADER_BYTES = 4096;

export async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(line + '\n')) await once(out, 'drain');
}

/**
 * Reads the header line off a decrypted stream and hands back the rest as a stream of its own, so
 * the engine's reader starts at its first byte.
 */
export async function readHeader(input: Readable): Promise<{ header: PayloadHeader; rest: AsyncIterable<Buffer> }> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buffered = Buffer.alloc(0);
  for (;;) {
    const newline = buffered.indexOf(0x0a);
    if (newline >= 0) {
      const parsed = payloadHeaderSchema.safeParse(JSON.parse(buffered.subarray(0, newline).toString('utf8')));
      if (!parsed.success) throw new Error('the decrypted file is not a Servicetorg backup (bad header)');
      const first = buffered.subarray(newline + 1);
      async function* rest() {
        if (first.length) yield first;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      }
      return { header: parsed.data, rest: rest() };
    }
    if (buffered.length > MAX_HEADER_BYTES) throw new Error('the decrypted file is not a Servicetorg backup (no header)');
    const next = await iterator.next();
    if (next.done) throw new Error('the decrypted file is empty or truncated');
    buffered = Buffer.concat([buffered, next.value]);
  }
}

/** Splits a byte stream into lines, for the MariaDB reader. */
export async function* lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  // A chunk may end inside a multi-byte character; the decoder keeps its first bytes for the next.
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + decoder.write(chunk);
    const parts = text.split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) yield p;
  }
  carry += decoder.end();
  if (carry) yield carry;
}
