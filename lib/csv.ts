/**
 * CSV for exports (RFC 4180): fields separated by commas, records by CRLF. Every field is wrapped in double
 * quotes and its double quotes are doubled, so a spreadsheet that splits at `;` (German or Norwegian Excel)
 * still sees one field.
 *
 * Formula injection (CWE-1236, OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-`, `@`, tab or carriage return as a formula. Such a character at the start of a field, or right after a `,`
 * or `;` inside it (where a spreadsheet splitting at that character would start a new cell), gets an apostrophe
 * before it, so `=HYPERLINK(…)` becomes the text `'=HYPERLINK(…)`. Every cell is guarded, headers included.
 *
 * No byte-order mark is added; serve the result as `text/csv; charset=utf-8`.
 */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + (rows.length ? "\r\n" : "");
}

const FORMULA_AT_CELL_START = /(^|[,;])([=+\-@\t\r])/g;

/** One field: guarded against formula injection, then quoted (see toCsv). */
export function csvField(value: string): string {
  return `"${value.replace(FORMULA_AT_CELL_START, "$1'$2").replaceAll('"', '""')}"`;
}
