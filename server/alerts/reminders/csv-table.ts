import { badRequest } from '../../core/errors';
import { decode, eachRow, separatorOf } from '../address-register-csv';
import { fold } from '../../core/search-fold';

/*
 * The reminder modules' CSV files (a waste schedule, a finance list): read as the address
 * register's are (UTF-8 or Windows-1250, a BOM either way, ";" or ","), the header matched by
 * folded names in the languages the files come in, and every bad line collected, so one answer
 * names them all and nothing is stored from a file that has any.
 */

/** Lines per file: a city's schedule for a year by street is well under this. */
export const MAX_ROWS = 200_000;
const ERRORS_SHOWN = 100;

export interface Column {
  /** Header names it may have, in any case and with or without diacritics. */
  names: string[];
  required: boolean;
}

export interface LineError {
  line: number;
  message: string;
}

/** Collects line errors; `fail()` throws the 400 naming the first hundred, when there are any. */
export class LineErrors {
  readonly list: LineError[] = [];
  count = 0;
  add(line: number, message: string): void {
    this.count++;
    if (this.list.length < ERRORS_SHOWN) this.list.push({ line, message });
  }
  fail(what: string): void {
    if (!this.count) return;
    const first = this.list[0];
    throw badRequest(`${what}: ${this.count} line(s) cannot be used, nothing was stored; the first: line ${first.line}, ${first.message}`, {
      lines: this.list,
    });
  }
}

/**
 * The rows of a CSV file by column role. `refuse` looks at every header cell first and may name
 * why the file must not be read at all (a column of amounts or names the module must never hold).
 */
export async function readTable<R extends string>(
  bytes: Buffer,
  columns: Record<R, Column>,
  opts: { refuse?: (folded: string, raw: string) => string | null } = {},
): Promise<{ line: number; cells: Record<R, string> }[]> {
  const { text } = decode(bytes);
  const roles = Object.keys(columns) as R[];
  const rows: { line: number; cells: Record<R, string> }[] = [];
  let at: Record<R, number> | null = null;
  await eachRow(text, separatorOf(text), (cells, line) => {
    if (!at) {
      at = headerOf(cells, columns, roles, opts.refuse);
      return;
    }
    if (rows.length >= MAX_ROWS) throw badRequest(`The file has more than ${MAX_ROWS} rows; split it and import each part`);
    const picked = {} as Record<R, string>;
    for (const r of roles) picked[r] = at[r] < 0 ? '' : cells[at[r]].trim().replace(/\s+/g, ' ');
    rows.push({ line, cells: picked });
  });
  if (!at) throw badRequest('The file has no header row');
  if (!rows.length) throw badRequest('The file has a header but no rows');
  return rows;
}

function headerOf<R extends string>(
  header: string[],
  columns: Record<R, Column>,
  roles: R[],
  refuse?: (folded: string, raw: string) => string | null,
): Record<R, number> {
  const folded = header.map((h) => fold(h.slice(0, 100)));
  const at = {} as Record<R, number>;
  const used = new Set<number>();
  for (const r of roles) {
    const names = columns[r].names.map(fold);
    const i = folded.findIndex((h) => names.includes(h));
    at[r] = i;
    if (i >= 0) used.add(i);
    else if (columns[r].required)
      throw badRequest(`The file has no ${r} column (a header named ${columns[r].names.join(', ')}); its columns are ${folded.slice(0, 20).join(', ')}`, {
        found: folded.slice(0, 20),
      });
  }
  for (const [i, h] of folded.entries()) {
    if (used.has(i)) continue;
    const why = refuse?.(h, header[i].slice(0, 64));
    if (why) throw badRequest(why, { column: header[i].slice(0, 64) });
    if (h) throw badRequest(`The file has a column this import does not read: "${header[i].slice(0, 64)}"; remove it`, { column: header[i].slice(0, 64) });
  }
  return at;
}
