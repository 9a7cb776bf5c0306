import busboy from 'busboy';
import type { Request } from 'express';
import type { UploadedFile } from './submission';

export class BodyTooLarge extends Error {}

/**
 * Reads a multipart/form-data submission with hard limits: a file past `maxFileBytes` is cut off
 * and flagged (the form then says it is too large), and too many parts or fields end the request.
 */
export function readMultipart(
  req: Request,
  limits: { maxFileBytes: number; maxFieldBytes: number; maxFiles: number },
): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fields: 60, parts: 70, files: limits.maxFiles, fileSize: limits.maxFileBytes + 1, fieldSize: limits.maxFieldBytes },
      });
    } catch (e) {
      return reject(e);
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let tooMuch = false;
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) tooMuch = true;
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      const file: UploadedFile = { field: name, filename: info.filename ?? 'file', contentType: info.mimeType, content: Buffer.alloc(0), truncated: false };
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => (file.truncated = true));
      stream.on('close', () => {
        // Nothing past the limit is kept: a truncated file is only a marker for the error message.
        file.content = file.truncated ? Buffer.alloc(1) : Buffer.concat(chunks);
        files.push(file);
      });
    });
    bb.on('partsLimit', () => (tooMuch = true));
    bb.on('fieldsLimit', () => (tooMuch = true));
    bb.on('filesLimit', () => (tooMuch = true));
    bb.on('error', reject);
    bb.on('close', () => (tooMuch ? reject(new BodyTooLarge()) : resolve({ fields, files })));
    req.pipe(bb);
  });
}
