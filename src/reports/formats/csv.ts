import { Sheet } from '../sheets';

/**
 * CSV as RFC 4180 writes it (fields with a comma, quote or line break quoted, quotes doubled, CRLF between records),
 * UTF-8 with a byte-order mark so that a spreadsheet opens Vietnamese text as such.
 */
const BOM = '\uFEFF';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function writeCsv(records: readonly (readonly string[])[]): string {
  return BOM + records.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Parses CSV text (a BOM, CRLF or LF, quoted fields with commas, quotes and line breaks). Refuses an unclosed quote. */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith(BOM) ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < s.length) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += ch === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('the CSV ends inside a quoted field');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** A sheet as CSV records: each cell at its row and column, a merged area's text in its first cell. */
export function sheetRecords(sheet: Sheet): string[][] {
  const rows = Math.max(0, ...sheet.cells.map((c) => c.row + 1));
  const cols = Math.max(sheet.columnWidths.length, ...sheet.cells.map((c) => c.col + 1));
  const out = Array.from({ length: rows }, () => Array.from({ length: cols }, () => ''));
  for (const c of sheet.cells) out[c.row][c.col] = c.value;
  return out;
}
