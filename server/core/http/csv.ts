/*
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet: a cell that starts with a
 * character a spreadsheet reads as the start of a formula (= + - @, tab, carriage return) gets a
 * leading apostrophe, so "=HYPERLINK(…)" in a citizen's SMS stays text (OWASP's advice).
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
