/*
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet: a cell that starts with a
 * character a spreadsheet reads as the start of a formula (= + - @, tab, carriage return) gets a
 * leading apostrophe, so "=HYPERLINK(…)" in a citizen's SMS stays text (OWASP's advice).
 *
 * The separator is a comma by default; reports use a semicolon, which is what spreadsheets in
 * locales with a decimal comma (Norway, Poland, Denmark) split on when a file is opened directly.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** A byte-order mark, so spreadsheets read Æ, Ø, Å and Ł as UTF-8. */
export const CSV_BOM = '\uFEFF';

export type CsvSeparator = ',' | ';';

export function csvCell(value: unknown, separator: CsvSeparator = ','): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  const needsQuotes = /["\r\n]/.test(s) || s.includes(separator) || s !== s.trim();
  return needsQuotes ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[], separator: CsvSeparator = ','): string {
  return values.map((v) => csvCell(v, separator)).join(separator) + '\r\n';
}
