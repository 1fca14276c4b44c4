import ExcelJS from 'exceljs';
import type { AmountUnit } from '../report-params';
import { CellStyle, Sheet, address } from '../sheets';

/** A cell as read back from a file: what a spreadsheet holds there. */
export interface ReadCell {
  readonly type: 'number' | 'text';
  readonly value: string;
}

/** A file's sheets as read back, cell by cell ("E12" → cell), merged areas counted once at their top-left cell. */
export type ReadWorkbook = ReadonlyMap<string, ReadonlyMap<string, ReadCell>>;

const FONT = 'Times New Roman';
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** Number formats: triệu đồng with 2 decimals (the exact value is in the trace sheet), whole đồng, a rate as a percentage. */
function numFmt(style: CellStyle, unit: AmountUnit): string | undefined {
  if (style === 'money' || style === 'moneyBold') return unit === 'trieu' ? '#,##0.00' : '#,##0';
  if (style === 'rate' || style === 'rateBold') return '0.00%';
  if (style === 'quantity') return '#,##0.####;-#,##0.####;0';
  return undefined;
}

function format(cell: ExcelJS.Cell, style: CellStyle, unit: AmountUnit): void {
  const bold = style === 'title' || style === 'header' || style === 'labelBold' || style === 'moneyBold' || style === 'rateBold';
  cell.font = { name: FONT, size: style === 'title' ? 14 : style === 'subtitle' || style === 'note' ? 11 : 12, bold, italic: style === 'note' || style === 'columnNumber' };
  const fmt = numFmt(style, unit);
  if (fmt) cell.numFmt = fmt;
  if (style === 'title' || style === 'header' || style === 'columnNumber') {
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  } else if (style === 'subtitle' || style === 'note') {
    cell.alignment = { horizontal: style === 'subtitle' ? 'center' : 'left', vertical: 'middle', wrapText: true };
  } else if (style === 'label' || style === 'labelBold' || style === 'text' || style === 'key') {
    cell.alignment = { vertical: 'middle', wrapText: true };
  } else {
    cell.alignment = { horizontal: 'right', vertical: 'middle' };
  }
  if (style === 'header') cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
  if (style !== 'title' && style !== 'subtitle' && style !== 'note') cell.border = BORDER;
}

/**
 * The sheets as an XLSX workbook (exceljs): Times New Roman as Vietnamese offices use it, merged header cells, bold
 * totals, number formats in triệu đồng or đồng, frozen headers, bordered tables.
 */
export async function writeXlsx(sheets: readonly Sheet[], unit: AmountUnit, meta: { title: string; created: Date }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'gnbv-ledger';
  wb.title = meta.title;
  wb.created = meta.created;
  wb.modified = meta.created;
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(sheet.name, {
      views: sheet.frozenRows ? [{ state: 'frozen', ySplit: sheet.frozenRows, xSplit: 0 }] : [],
      pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    sheet.columnWidths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
    // Bordered blanks inside a table, so that the grid shows whole.
    const styled = new Set<string>();
    for (const c of sheet.cells) {
      const cell = ws.getCell(c.row + 1, c.col + 1);
      cell.value = c.type === 'number' ? Number(c.value) : c.value;
      format(cell, c.style, unit);
      styled.add(address(c.row, c.col));
    }
    for (const [r1, c1, r2, c2] of sheet.merges) ws.mergeCells(r1 + 1, c1 + 1, r2 + 1, c2 + 1);
    const tableRows = new Set(sheet.cells.filter((c) => c.style !== 'title' && c.style !== 'subtitle' && c.style !== 'note').map((c) => c.row));
    for (const r of tableRows) {
      for (let col = 0; col < sheet.columnWidths.length; col++) {
        if (styled.has(address(r, col))) continue;
        const cell = ws.getCell(r + 1, col + 1);
        if (!cell.isMerged) cell.border = BORDER;
      }
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads every sheet's cells back: numbers as the shortest decimal text of the stored number, text as it is. */
export async function readXlsx(buffer: Buffer): Promise<ReadWorkbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const out = new Map<string, Map<string, ReadCell>>();
  wb.eachSheet((ws) => {
    const cells = new Map<string, ReadCell>();
    ws.eachRow({ includeEmpty: false }, (row) => {
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (cell.isMerged && cell.master.address !== cell.address) return;
        const v = cell.value;
        if (v === null || v === undefined || v === '') return;
        if (typeof v === 'number') cells.set(cell.address, { type: 'number', value: String(v) });
        else if (typeof v === 'string') cells.set(cell.address, { type: 'text', value: v });
        else if (typeof v === 'object' && 'result' in v && typeof v.result === 'number') cells.set(cell.address, { type: 'number', value: String(v.result) });
        else if (typeof v === 'object' && 'richText' in v) cells.set(cell.address, { type: 'text', value: v.richText.map((t) => t.text).join('') });
        else cells.set(cell.address, { type: 'text', value: cell.text });
      });
    });
    out.set(ws.name, cells);
  });
  return out;
}

/** The cells a sheet should hold, as a reader of the file would find them. */
export function expectedCells(sheet: Sheet): Map<string, ReadCell> {
  return new Map(sheet.cells.map((c) => [address(c.row, c.col), { type: c.type, value: c.type === 'number' ? String(Number(c.value)) : c.value }]));
}
