import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { Request } from 'express';
import type { UploadedFile } from './submission';

export interface UploadLimits {
  /** One file; past it the file is dropped and the form says it is too large. */
  maxFileBytes: number;
  /** The whole request body, files and fields; past it the request is refused with 413. */
  maxRequestBytes: number;
  maxFieldBytes: number;
  maxFields: number;
  maxFiles: number;
}

/** A submission that cannot be read: 413 past a limit, 400 for a broken body. Nothing of it is kept. */
export class UploadRefused extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The folder uploads are streamed into while their request lasts: made by us under the system's
 * temporary directory (TMPDIR) or a configured one, readable by this process's user only, with
 * random file names, so nobody else on the machine can read a citizen's file or plant one.
 */
export class UploadDir {
  private constructor(readonly path: string) {}

  static create(base: string): UploadDir {
    const dir = fs.mkdtempSync(path.join(base, 'servicetorg-uploads-'));
    fs.chmodSync(dir, 0o700);
    return new UploadDir(dir);
  }

  newFile(): string {
    return path.join(this.path, randomBytes(16).toString('hex'));
  }

  async remove(): Promise<void> {
    await fsp.rm(this.path, { recursive: true, force: true });
  }
}

/** At most `max` uploads read at once in this process; the rest are told to come back. */
export class UploadGate {
  private active = 0;
  constructor(private readonly max: number) {}

  /** A release function, or null when every slot is taken. */
  tryEnter(): (() => void) | null {
    if (this.active >= this.max) return null;
    this.active++;
    let left = false;
    return () => {
      if (!left) this.active--;
      left = true;
    };
  }
}

export interface Upload {
  fields: Record<string, string>;
  files: UploadedFile[];
  /** Deletes every temporary file of this request; called whatever became of it. */
  cleanup(): Promise<void>;
}

/**
 * What a refused request may still send is read and dropped, so the client sees our answer
 * rather than a reset connection; past this many bytes the connection is closed instead.
 */
const DRAIN_CAP = 4 * 1024 * 1024;

/** Reads and drops the rest of a request we answer early, then closes its connection if it goes on too long. */
export function discardRest(req: Request): void {
  let seen = 0;
  req.unpipe();
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > DRAIN_CAP) req.socket.destroy();
  });
  req.resume();
}

/**
 * Streams a multipart/form-data submission to disk: each file part goes to its own temporary
 * file, hashed (SHA-256) and counted as it passes, so memory holds a few chunks whatever the
 * size. A file past `maxFileBytes` is dropped and flagged; the request past `maxRequestBytes`,
 * too many parts or a field too long refuse it all with 413 (400 for a broken body), and every
 * file written so far is deleted before the promise settles.
 */
export function readMultipart(req: Request, limits: UploadLimits, dir: UploadDir): Promise<Upload> {
  const written: string[] = [];
  const cleanup = async () => {
    await Promise.all(written.splice(0).map((p) => fsp.rm(p, { force: true })));
  };
  return new Promise<Upload>((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxRequestBytes) {
      discardRest(req);
      return reject(new UploadRefused(413, 'too_large', `The submission is larger than ${limits.maxRequestBytes} bytes`));
    }
    let bb: BusboyInstance;
    try {
      bb = Busboy({
        headers: req.headers as Parameters<typeof Busboy>[0]['headers'],
        limits: {
          fields: limits.maxFields,
          files: limits.maxFiles,
          parts: limits.maxFields + limits.maxFiles,
          fileSize: limits.maxFileBytes,
          fieldSize: limits.maxFieldBytes,
          fieldNameSize: 100,
          // A part needs two headers (disposition, type); the parser's default allows 2,000.
          headerPairs: 10,
        },
      });
    } catch (e) {
      return reject(new UploadRefused(400, 'bad_multipart', `The form data cannot be read: ${(e as Error).message}`));
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    const writing: Promise<void>[] = [];
    const streams = new Set<Readable>();
    let failed: UploadRefused | null = null;
    let received = 0;

    const fail = (e: UploadRefused) => {
      if (failed) return;
      failed = e;
      discardRest(req);
      for (const s of streams) s.destroy(e);
      // Every write stops (its stream destroyed), then every file goes.
      void Promise.allSettled(writing)
        .then(cleanup)
        .finally(() => reject(e));
    };

    req.on('data', (c: Buffer) => {
      received += c.length;
      if (received > limits.maxRequestBytes) fail(new UploadRefused(413, 'too_large', `The submission is larger than ${limits.maxRequestBytes} bytes`));
    });
    req.on('close', () => {
      if (!req.complete) fail(new UploadRefused(400, 'aborted', 'The upload was interrupted'));
    });

    bb.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (nameTruncated || valueTruncated) return fail(new UploadRefused(413, 'field_too_large', `A field is longer than ${limits.maxFieldBytes} bytes`));
      if (!(name in fields)) fields[name] = value;
    });

    bb.on('file', (field, stream, filename, _encoding, mimeType) => {
      if (failed) return stream.resume();
      const target = dir.newFile();
      written.push(target);
      streams.add(stream);
      const hash = createHash('sha256');
      let size = 0;
      let tooLarge = false;
      stream.on('limit', () => (tooLarge = true));
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      const write = pipeline(stream, count, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 })).then(
        async () => {
          streams.delete(stream);
          // A file cut off at the limit is of no use: only the flag is kept, for the form's message.
          if (tooLarge) await fsp.rm(target, { force: true });
          files.push({
            field,
            filename: filename || 'file',
            contentType: mimeType || 'application/octet-stream',
            size: tooLarge ? limits.maxFileBytes + 1 : size,
            sha256: hash.digest('hex'),
            tooLarge,
            path: tooLarge ? null : target,
          });
        },
        (e: unknown) => {
          streams.delete(stream);
          fail(e instanceof UploadRefused ? e : new UploadRefused(400, 'bad_multipart', 'A file could not be read'));
        },
      );
      writing.push(write);
    });

    const tooMany = () => fail(new UploadRefused(413, 'too_many_parts', `At most ${limits.maxFields} fields and ${limits.maxFiles} files`));
    bb.on('partsLimit', tooMany);
    bb.on('fieldsLimit', tooMany);
    bb.on('filesLimit', tooMany);
    bb.on('error', (e) => fail(new UploadRefused(400, 'bad_multipart', `The form data cannot be read: ${(e as Error).message ?? 'malformed'}`)));
    bb.on('finish', () => {
      void Promise.allSettled(writing).then(() => {
        if (failed) return;
        // Parts arrive in order, and so do their files.
        resolve({ fields, files, cleanup });
      });
    });
    req.pipe(bb);
  });
}
