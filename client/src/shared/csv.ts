/*
 * CSV for spreadsheet users (RFC 4180 quoting, CRLF). A cell that starts with = + - @ or a tab is
 * prefixed with an apostrophe: message text comes from citizens, and a spreadsheet would otherwise
 * run it as a formula.
 */

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
