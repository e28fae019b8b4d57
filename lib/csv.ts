/**
 * CSV for exports (RFC 4180): fields separated by commas, records by CRLF. A field is wrapped in double
 * quotes when it holds a comma, a double quote, CR or LF, and its double quotes are doubled.
 *
 * Formula injection (CWE-1236, OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-`, `@`, tab or carriage return as a formula. Such cells get a leading apostrophe, so `=HYPERLINK(…)`
 * becomes the text `'=HYPERLINK(…)`. Every cell is guarded, headers included; the guard runs before quoting.
 *
 * No byte-order mark is added; serve the result as `text/csv; charset=utf-8`.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + (rows.length ? "\r\n" : "");
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: guarded against formula injection, then quoted when needed (see toCsv). */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}
