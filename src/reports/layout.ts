import type { SignedTreeHead } from '../audit/verifier/formats';
import type { Cell } from './cells';
import { ReportColumn, ResourcesReport, vnDate } from './resources';
import { Sheet, SheetBuilder, address } from './sheets';

export const REPORT_FORMAT = 'gnbv-ledger/report/v1';

/** Where in the log a report was computed: the position, the tree of the events up to it, a signed head covering it. */
export interface Provenance {
  readonly position: number;
  /** Size and root hash of the Merkle tree of the events at or before `position`. */
  readonly treeSize: number;
  readonly rootHash: string;
  /** The latest signed tree head covering that tree when the report was made. */
  readonly treeHead: SignedTreeHead;
}

export interface ResourcesDocument {
  readonly report: ResourcesReport;
  readonly provenance: Provenance;
  /** When the file was produced (not a figure: the same report made twice differs only here). */
  readonly generatedAt: string;
}

export const SHEET_NAMES = {
  resources: 'Nguồn lực',
  outputs: 'Kết quả thực hiện',
  beneficiaries: 'Đối tượng thụ hưởng',
  trace: 'Truy nguyên',
  parameters: 'Tham số',
} as const;

const UNIT_LABEL = { trieu: 'triệu đồng', dong: 'đồng' } as const;

/** "6 tháng đầu năm 2024", "năm 2024", "9 tháng đầu năm 2024", or the dates. */
export function periodLabel(from: string, asOf: string): string {
  const year = from.slice(0, 4);
  if (from.slice(5) === '01-01' && asOf.slice(0, 4) === year) {
    if (asOf.slice(5) === '12-31') return `năm ${year}`;
    const months = { '03-31': 3, '06-30': 6, '09-30': 9 }[asOf.slice(5)];
    if (months) return `${months} tháng đầu năm ${year}`;
  }
  return `từ ${vnDate(from)} đến ${vnDate(asOf)}`;
}

/** The lines that say what a report is and where in the log it was computed, for the top of each table. */
export function headerLines(doc: ResourcesDocument): string[] {
  const { params } = doc.report;
  const p = doc.provenance;
  return [
    `Chương trình: ${doc.report.programmeName} (${params.programme}) · Đơn vị: ${doc.report.unitName} (${params.unit}) và các đơn vị trực thuộc · Kỳ báo cáo: ${periodLabel(params.from, params.asOf)} (${vnDate(params.from)} - ${vnDate(params.asOf)})`,
    `Số liệu có hiệu lực đến ${vnDate(params.asOf)}${params.knownAt ? `, ghi sổ đến ${params.knownAt}` : ''}; tính tại vị trí ${p.position} của sổ cái (cây Merkle ${p.treeSize} sự kiện, gốc ${p.rootHash}; đầu cây đã ký ${p.treeHead.treeSize} sự kiện, ${p.treeHead.timestamp}). Đơn vị tính: ${UNIT_LABEL[params.amountUnit]}.`,
  ];
}

/** Two header rows: groups merged across their columns, lone columns merged down both rows; then a row of column numbers. */
function headers(s: SheetBuilder, row: number, firstCol: number, fixed: readonly string[], columns: readonly ReportColumn[]): void {
  fixed.forEach((h, i) => s.text(row, i, h, 'header').merge(row, i, row + 1, i));
  let c = firstCol;
  while (c - firstCol < columns.length) {
    const col = columns[c - firstCol];
    if (!col.group) {
      s.text(row, c, col.header, 'header').merge(row, c, row + 1, c);
      c += 1;
      continue;
    }
    let end = c;
    while (end + 1 - firstCol < columns.length && columns[end + 1 - firstCol].group === col.group) end += 1;
    s.text(row, c, col.group, 'header').merge(row, c, row, end);
    for (let k = c; k <= end; k++) s.text(row + 1, k, columns[k - firstCol].header, 'header');
    c = end + 1;
  }
  for (let k = 0; k < firstCol + columns.length; k++) s.text(row + 2, k, `(${k + 1})`, 'columnNumber');
}

const TITLE_ROWS = 4;

function titled(s: SheetBuilder, title: string, doc: ResourcesDocument, lastCol: number): void {
  s.text(0, 0, title, 'title').merge(0, 0, 0, lastCol);
  headerLines(doc).forEach((line, i) => s.text(1 + i, 0, line, 'subtitle').merge(1 + i, 0, 1 + i, lastCol));
}

/** Bảng Kết quả phân bổ, sử dụng nguồn lực. */
export function resourcesSheet(doc: ResourcesDocument): Sheet {
  const r = doc.report;
  const unit = r.params.amountUnit;
  const fixed = ['STT', 'Nội dung', 'Nguồn vốn', 'Loại vốn'];
  const widths = [7, 58, 14, 9, ...r.columns.map((c) => (c.kind === 'rate' ? 11 : 16))];
  const s = new SheetBuilder(SHEET_NAMES.resources, widths);
  const last = fixed.length + r.columns.length - 1;
  titled(s, `KẾT QUẢ PHÂN BỔ, SỬ DỤNG NGUỒN LỰC THỰC HIỆN CHƯƠNG TRÌNH ${periodLabel(r.params.from, r.params.asOf).toUpperCase()}`, doc, last);
  headers(s, TITLE_ROWS, fixed.length, fixed, r.columns);
  let row = TITLE_ROWS + 3;
  for (const line of r.rows) {
    const bold = line.level === 'total' || line.level === 'project';
    s.text(row, 0, line.stt, 'label').text(row, 1, line.label, bold ? 'labelBold' : 'label').text(row, 2, line.sourceLabel, 'label').text(row, 3, line.capitalTypeLabel, 'label');
    r.columns.forEach((c, i) => s.figure(row, fixed.length + i, line.cells[c.id], unit, bold, `${line.label} · ${line.sourceLabel || 'mọi nguồn'}${line.capitalTypeLabel ? ` ${line.capitalTypeLabel}` : ''} · ${c.group ? `${c.group}: ` : ''}${c.header}`));
    row += 1;
  }
  row += 1;
  s.text(row, 0, 'Ghi chú: cột "Ước thực hiện" là số liệu do văn bản nêu (số liệu nêu trong văn bản, đã ghi vào sổ), không phải số sổ cái; các cột khác do sổ cái tính. Tỷ lệ giải ngân = lũy kế giải ngân / tổng kế hoạch vốn.', 'note').merge(row, 0, row, last);
  s.text(row + 1, 0, `Mỗi số liệu và truy vấn tạo ra nó: trang "${SHEET_NAMES.trace}"; kiểm tra lại với sổ cái: ledger report verify <tệp>.`, 'note').merge(row + 1, 0, row + 1, last);
  for (const e of r.unplacedEstimates) {
    row += 1;
    s.text(row + 1, 0, `Ước thực hiện không đặt được vào bảng: ${e.assertionId} (${e.document} ${e.section}): ${e.reason}.`, 'note').merge(row + 1, 0, row + 1, last);
  }
  return s.build(TITLE_ROWS + 3);
}

function progressSheet(doc: ResourcesDocument, name: string, title: string, columns: readonly ReportColumn[], rows: ResourcesReport['outputs']): Sheet {
  const unit = doc.report.params.amountUnit;
  const fixed = ['STT', 'Dự án, tiểu dự án / chỉ tiêu'];
  const s = new SheetBuilder(name, [7, 60, ...columns.map((c) => (c.kind === 'text' ? 18 : 14))]);
  const last = fixed.length + columns.length - 1;
  titled(s, title, doc, last);
  headers(s, TITLE_ROWS, fixed.length, fixed, columns);
  let row = TITLE_ROWS + 3;
  for (const line of rows) {
    const bold = line.stt !== '-';
    s.text(row, 0, line.stt, 'label').text(row, 1, line.label, bold ? 'labelBold' : 'label');
    columns.forEach((c, i) => s.figure(row, fixed.length + i, line.cells[c.id], unit, false, `${line.label} · ${c.header}`));
    row += 1;
  }
  return s.build(TITLE_ROWS + 3);
}

/** Every figure of the tables, its exact value and the query behind it. */
function traceSheet(tables: readonly Sheet[]): Sheet {
  const s = new SheetBuilder(SHEET_NAMES.trace, [26, 70, 20, 90, 60]);
  ['Ô', 'Số liệu', 'Giá trị chính xác (đồng; tỷ lệ: phân số)', 'Truy vấn (GET, trả lời của API đọc)', 'Cách tính'].forEach((h, i) => s.text(0, i, h, 'header'));
  let row = 1;
  for (const t of tables) {
    for (const c of t.cells) {
      if (!c.figure) continue;
      const f: Cell = c.figure;
      s.text(row, 0, `'${t.name}'!${address(c.row, c.col)}`, 'key')
        .text(row, 1, c.name ?? '', 'text')
        .text(row, 2, f.value ?? '', 'text')
        .text(row, 3, (f.query?.get ?? []).join('\n'), 'text')
        .text(row, 4, f.query?.expression ?? '', 'text');
      row += 1;
    }
  }
  return s.build(1);
}

/** The parameters and provenance, one per row, as `ledger report verify` reads them back. */
export function parameterRows(doc: ResourcesDocument): [string, string, string][] {
  const { params } = doc.report;
  const p = doc.provenance;
  return [
    ['format', REPORT_FORMAT, 'định dạng tệp báo cáo'],
    ['report', 'resources', 'loại báo cáo: kết quả phân bổ, sử dụng nguồn lực'],
    ['programme', params.programme, 'chương trình'],
    ['unit', params.unit, 'đơn vị (và các đơn vị trực thuộc)'],
    ['budgetYear', String(params.budgetYear), 'năm kế hoạch'],
    ['from', params.from, 'ngày đầu kỳ báo cáo'],
    ['asOf', params.asOf, 'số liệu có hiệu lực đến ngày (cuối kỳ)'],
    ['knownAt', params.knownAt ?? '', 'ghi sổ đến thời điểm (trống: mọi sự kiện đến vị trí)'],
    ['position', String(p.position), 'vị trí sổ cái: các sự kiện đến vị trí này'],
    ['amountUnit', params.amountUnit, 'đơn vị tiền: trieu (triệu đồng) hoặc dong'],
    ['treeSize', String(p.treeSize), 'cây Merkle của các sự kiện đến vị trí: số lá'],
    ['rootHash', p.rootHash, 'cây Merkle của các sự kiện đến vị trí: gốc'],
    ['treeHead.treeSize', String(p.treeHead.treeSize), 'đầu cây đã ký bao trùm vị trí: số lá'],
    ['treeHead.rootHash', p.treeHead.rootHash, 'đầu cây đã ký: gốc'],
    ['treeHead.timestamp', p.treeHead.timestamp, 'đầu cây đã ký: thời điểm'],
    ['treeHead.signature', p.treeHead.signature, 'đầu cây đã ký: chữ ký Ed25519 (GET /audit/public-key)'],
    ['generatedAt', doc.generatedAt, 'thời điểm lập tệp'],
  ];
}

function parametersSheet(doc: ResourcesDocument): Sheet {
  const s = new SheetBuilder(SHEET_NAMES.parameters, [22, 70, 60]);
  ['Tham số', 'Giá trị', 'Ý nghĩa'].forEach((h, i) => s.text(0, i, h, 'header'));
  parameterRows(doc).forEach(([k, v, meaning], i) => s.text(i + 1, 0, k, 'key').text(i + 1, 1, v, 'text').text(i + 1, 2, meaning, 'note'));
  return s.build(1);
}

/** The workbook: the three tables, the trace of every figure, the parameters. */
export function resourcesWorkbook(doc: ResourcesDocument): Sheet[] {
  const r = doc.report;
  const tables = [
    resourcesSheet(doc),
    progressSheet(doc, SHEET_NAMES.outputs, 'KẾT QUẢ THỰC HIỆN: SẢN PHẨM, CHỈ TIÊU SO VỚI MỤC TIÊU', r.outputColumns, r.outputs),
    progressSheet(doc, SHEET_NAMES.beneficiaries, 'ĐỐI TƯỢNG THỤ HƯỞNG THEO NHÓM', r.beneficiaryColumns, r.beneficiaries),
  ];
  return [...tables, traceSheet(tables), parametersSheet(doc)];
}
