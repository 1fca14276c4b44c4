import { D, toMoney } from '../money/money';
import type { Cell } from './cells';
import type { AmountUnit } from './report-params';

/**
 * A report laid out as an office files it: sheets of cells with merged headers. XLSX writes every sheet, CSV one;
 * `ledger report verify` lays the recomputed report out the same way and compares cell by cell.
 */
export type CellStyle = 'title' | 'subtitle' | 'note' | 'header' | 'columnNumber' | 'label' | 'labelBold' | 'text' | 'money' | 'moneyBold' | 'rate' | 'rateBold' | 'quantity' | 'key';

export interface SheetCell {
  /** 0-based row and column. */
  readonly row: number;
  readonly col: number;
  /** As the file holds it: a number written as an exact decimal string (in the sheet's amount unit), or text. */
  readonly type: 'number' | 'text';
  readonly value: string;
  readonly style: CellStyle;
  /** The figure behind a number, with its query. */
  readonly figure?: Cell;
  /** What the cell is, for a person reading a difference: its row and column headers. */
  readonly name?: string;
}

export interface Sheet {
  readonly name: string;
  readonly cells: readonly SheetCell[];
  /** Merged ranges, 0-based inclusive: [row1, col1, row2, col2]. */
  readonly merges: readonly (readonly [number, number, number, number])[];
  readonly columnWidths: readonly number[];
  /** Rows frozen at the top (the headers). */
  readonly frozenRows?: number;
}

/** A money figure in the sheet's unit, exactly: 17015740000 đồng is "17015.74" triệu. */
export function inUnit(dong: string, unit: AmountUnit): string {
  return unit === 'dong' ? dong : toMoney(new D(dong).div(1_000_000));
}

/** Spreadsheet column letters: 0 → A, 26 → AA. */
export function columnLetter(col: number): string {
  let n = col + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export const address = (row: number, col: number): string => `${columnLetter(col)}${row + 1}`;

/** Builds a sheet cell by cell. */
export class SheetBuilder {
  private readonly cells: SheetCell[] = [];
  private readonly merges: [number, number, number, number][] = [];

  constructor(
    private readonly name: string,
    private readonly widths: number[],
  ) {}

  text(row: number, col: number, value: string, style: CellStyle = 'text', name?: string): this {
    if (value !== '') this.cells.push({ row, col, type: 'text', value, style, ...(name ? { name } : {}) });
    return this;
  }

  /** A figure: money in the unit, a rate as its fraction, a quantity as it is; nothing when it has no value. */
  figure(row: number, col: number, figure: Cell, unit: AmountUnit, bold: boolean, name: string): this {
    if (figure.value === null) return this;
    if (figure.kind === 'text') return this.text(row, col, figure.value, 'text', name);
    const value = figure.kind === 'money' ? inUnit(figure.value, unit) : new D(figure.value).toFixed();
    const style: CellStyle = figure.kind === 'money' ? (bold ? 'moneyBold' : 'money') : figure.kind === 'rate' ? (bold ? 'rateBold' : 'rate') : 'quantity';
    this.cells.push({ row, col, type: 'number', value, style, figure, name });
    return this;
  }

  merge(row1: number, col1: number, row2: number, col2: number): this {
    if (row1 !== row2 || col1 !== col2) this.merges.push([row1, col1, row2, col2]);
    return this;
  }

  build(frozenRows?: number): Sheet {
    return { name: this.name, cells: this.cells, merges: this.merges, columnWidths: this.widths, ...(frozenRows !== undefined ? { frozenRows } : {}) };
  }
}
