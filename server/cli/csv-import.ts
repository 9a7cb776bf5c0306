import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { parse } from 'csv-parse/sync';
import { CliError } from './accounts';

/*
 * The shape every CSV import on the command line shares: read the file (UTF-8, a BOM or not, ";"
 * or "," between fields, names in the header row), check each row, store the good ones one by one
 * with a progress bar, and report every rejected row by its line, so a file can be fixed and run
 * again: rows already stored are found and left as they are.
 */

/** Larger files are split first: the whole file is read into memory. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
export const MAX_ROWS = 1_000_000;

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** With a dry run: rows that passed every check and would be stored. */
  accepted: number;
  rejected: Array<{ line: number; reason: string }>;
}

export interface CsvRow {
  line: number;
  fields: Record<string, string>;
}

/** Header names folded to snake_case: "Case number", "caseNumber" and "case_number" are one column. */
export const columnKey = (header: string) =>
  header
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .replace(/^(e_mail|mail|epost|e_post)$/, 'email')
    .replace(/^(telephone|telefon|mobile|mobil)$/, 'phone');

export function readCsv(file: string): CsvRow[] {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new CliError(`Cannot read ${file}`);
  }
  if (size > MAX_FILE_BYTES) throw new CliError(`${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it`);
  const text = fs.readFileSync(file, 'utf8');
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map(columnKey),
      delimiter: [';', ','],
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      to: MAX_ROWS,
    }) as typeof records;
  } catch (e) {
    throw new CliError(`${file} is not readable CSV: ${(e as Error).message}`);
  }
  return records.map((r) => ({ line: r.info.lines, fields: r.record }));
}

/**
 * Runs `store` over the rows `check` accepted (or only checks them, for a dry run). `check` answers
 * the reason a row is refused, or the value to store; a `store` that throws refuses that row alone.
 */
export async function runImport<T>(
  rows: Array<{ line: number; value: T | { reject: string } }>,
  opts: { dryRun: boolean; progress?: Writable; store(value: T): Promise<Outcome> },
): Promise<ImportReport> {
  const report: ImportReport = { dryRun: opts.dryRun, rows: rows.length, created: 0, updated: 0, unchanged: 0, accepted: 0, rejected: [] };
  const bar = opts.progress ? new SingleBar({ stream: opts.progress, format: '{bar} {value}/{total} rows | {eta_formatted} left', hideCursor: true }) : null;
  bar?.start(rows.length, 0);
  for (const row of rows) {
    const v = row.value;
    if (typeof v === 'object' && v !== null && 'reject' in v) report.rejected.push({ line: row.line, reason: v.reject });
    else if (opts.dryRun) report.accepted++;
    else {
      try {
        report[await opts.store(v)]++;
        report.accepted++;
      } catch (e) {
        report.rejected.push({ line: row.line, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    bar?.increment();
  }
  bar?.stop();
  return report;
}

/** The rejected rows as a CSV a spreadsheet opens: line;reason. */
export function rejectsCsv(report: ImportReport): string {
  const cell = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
  return '\uFEFF' + ['line;reason', ...report.rejected.map((r) => `${r.line};${cell(r.reason)}`)].join('\r\n') + '\r\n';
}
