// CSV as spreadsheets read it (RFC 4180: CRLF lines, quotes doubled), shared by every export.
// A cell a spreadsheet would run as a formula (a leading = or @, or + - not starting a number such
// as a phone number) is neutralised with a leading apostrophe.

export function csvCell(value: string): string {
  const safe = /^[=@]|^[+-][^0-9]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line, with its CRLF. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map(csvLine).join("");
}
