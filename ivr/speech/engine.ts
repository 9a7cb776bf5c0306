import type { Lang } from '../languages';

/** One text-to-speech engine. Every engine answers with 8 kHz mono μ-law WAV, what Twilio plays best. */
export interface SpeechEngine {
  readonly name: string;
  synthesize(text: string, lang: Lang): Promise<Buffer>;
}

/** The facts of a WAV file's header that matter to a phone line. */
export function wavInfo(buf: Buffer): { format: number; channels: number; sampleRate: number; bitsPerSample: number; dataBytes: number } | null {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') return null;
  let off = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number } | null = null;
  // Walk the chunks: sox and Google may put others (LIST, fact) before "data". Bounded by the buffer.
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ')
      fmt = {
        format: buf.readUInt16LE(off + 8),
        channels: buf.readUInt16LE(off + 10),
        sampleRate: buf.readUInt32LE(off + 12),
        bitsPerSample: buf.readUInt16LE(off + 22),
      };
    if (id === 'data') return fmt ? { ...fmt, dataBytes: Math.min(size, buf.length - off - 8) } : null;
    off += 8 + size + (size % 2);
  }
  return null;
}

/** μ-law is WAVE format 7. */
export const MULAW = 7;

/** Wraps raw 8 kHz μ-law samples in a WAV header (for engines that answer headerless audio). */
export function mulawWav(samples: Buffer): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + samples.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(MULAW, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(8000, 28);
  h.writeUInt16LE(1, 32);
  h.writeUInt16LE(8, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(samples.length, 40);
  return Buffer.concat([h, samples]);
}
