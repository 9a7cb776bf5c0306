/*
 * CSV for spreadsheet users (RFC 4180 quoting, CRLF). A cell that starts with = + - @ or a tab is
 * prefixed with an apostrophe: message text comes from citizens, and a spreadsheet would otherwise
 * run it as a formula.
 */

export function csvCell(value: unknown, sep: ',' | ';' = ','): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `sep: ';'` for the reports (Polish and Norwegian spreadsheets read a semicolon list, as the issue asks). */
export function toCsv(columns: string[], rows: Record<string, unknown>[], sep: ',' | ';' = ','): string {
  const lines = [columns.map((c) => csvCell(c, sep)).join(sep)];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c], sep)).join(sep));
  return lines.join('\r\n') + '\r\n';
}
