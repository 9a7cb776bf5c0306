import { parse, type CsvError } from 'csv-parse';
import iconv from 'iconv-lite';
import { AppError, badRequest } from '../core/errors';

/*
 * Reading a register file: the raw body (bounded), its encoding (UTF-8, else Windows-1250 as GUS
 * also publishes TERYT; a BOM either way), its separator, and its rows, parsed a slice at a time
 * with a pause between slices, so a whole country's file never holds the event loop for long.
 */

/** A whole country's ULIC is about 30 MB; a larger national address file is imported per region. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** No register line is anywhere near this long; a longer one means the body is not a register. */
const MAX_RECORD_BYTES = 16 * 1024;
/** How much text csv-parse gets at once before the loop lets other requests in. */
const SLICE_CHARS = 64 * 1024;

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The body of a request, refused (413) beyond `max` bytes before all of it is held. */
export async function readBody(stream: AsyncIterable<Buffer | string> & { headers?: Record<string, unknown> }, max = MAX_IMPORT_BYTES): Promise<Buffer> {
  const declared = Number(stream.headers?.['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > max) throw tooLarge(max);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (max: number) =>
  new AppError(413, 'too_large', `The file is larger than ${Math.round(max / 1024 / 1024)} MB; split it by region and import each part`, undefined, {
    connection: 'close',
  });

export type Encoding = 'utf-8' | 'windows-1250';

/** The text of a register file: UTF-8 when it is valid UTF-8, else Windows-1250; a BOM is dropped. */
export function decode(bytes: Buffer): { text: string; encoding: Encoding } {
  if (!bytes.length) throw badRequest('The file is empty');
  if (bytes.includes(0)) throw badRequest('The file is not CSV text (it holds NUL bytes; UTF-16 and binary files are not read)');
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(body, 'win1250'), encoding: 'windows-1250' };
  }
}

/** ";" or ",", whichever the header line holds more of outside quotes (TERYT and most European exports use ";"). */
export function separatorOf(text: string): ';' | ',' {
  const end = text.search(/\r?\n/);
  const header = (end < 0 ? text : text.slice(0, end)).replace(/"[^"]*"/g, '');
  const count = (c: string) => header.split(c).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

/** A header cell as matched against the expected names: trimmed, upper case. */
export const headerName = (cell: string) => cell.trim().toUpperCase();

/**
 * Each row of the text in turn, the header first, through `onRow` (1-based line numbers). The
 * parser takes a slice, the rows it yields are handed on, and the loop gets a turn before the next.
 * A row with the wrong number of fields or broken quoting stops the import: the file is not what it says.
 */
export async function eachRow(text: string, delimiter: string, onRow: (cells: string[], line: number) => void): Promise<void> {
  const parser = parse({ delimiter, relax_quotes: false, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES, info: true });
  let failure: Error | null = null;
  parser.on('data', (r: { record: string[]; info: { lines: number } }) => {
    if (failure) return;
    try {
      onRow(r.record, r.info.lines);
    } catch (e) {
      failure = e as Error;
    }
  });
  const ended = new Promise<void>((resolve) => {
    parser.once('end', resolve);
    parser.once('error', (e: Error) => {
      failure = failure ?? e;
      resolve();
    });
  });
  for (let at = 0; at < text.length && !failure; at += SLICE_CHARS) {
    parser.write(text.slice(at, at + SLICE_CHARS));
    // Rows reach 'data' on the next ticks; setImmediate runs after them, and lets waiting requests in.
    await nextTurn();
  }
  parser.end();
  await ended;
  if (failure) throw asBadRequest(failure);
}

function asBadRequest(e: Error): Error {
  if (e instanceof AppError) return e;
  const err = e as CsvError & { lines?: number };
  if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
    const line = err.lines ? ` (line ${err.lines})` : '';
    return badRequest(`The file is not valid CSV${line}: ${csvReason(err.code)}`, { reason: err.code });
  }
  return e;
}

function csvReason(code: string): string {
  if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') return 'a row has a different number of fields than the header';
  if (code === 'CSV_MAX_RECORD_SIZE') return 'a row is far too long';
  if (code.includes('QUOTE')) return 'a quoted field is not closed or is followed by other text';
  return 'it could not be read';
}
