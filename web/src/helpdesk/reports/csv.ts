// CSV export of report tables: RFC 4180 quoting, and cells that a spreadsheet would run as a formula
// (=, +, -, @ at the start of text) prefixed with an apostrophe, so an exported name cannot run code.

export type Cell = string | number | null | undefined;

function quote(value: Cell): string {
  if (value == null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}

/** Offers the text as a file download named `name`. */
export function downloadCsv(name: string, header: string[], rows: Cell[][]) {
  const blob = new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
