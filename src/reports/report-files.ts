import type { SignedTreeHead } from '../audit/verifier/formats';
import type { CellQuery } from './cells';
import { parseCsv, sheetRecords, writeCsv } from './formats/csv';
import { writeDocx } from './formats/docx';
import { expectedCells, readXlsx, writeXlsx } from './formats/xlsx';
import { parameterRows, periodLabel, Provenance, REPORT_FORMAT, resourcesSheet, resourcesWorkbook, ResourcesDocument, SHEET_NAMES } from './layout';
import type { ReportParams } from './report-params';
import { address } from './sheets';

export type ReportFormat = 'xlsx' | 'csv' | 'json' | 'docx';
export const REPORT_FORMATS: readonly ReportFormat[] = ['xlsx', 'csv', 'json', 'docx'];

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** bao-cao-nguon-luc-184-2024-den-2024-06-30-vt293.xlsx */
export function reportFileName(doc: ResourcesDocument, format: ReportFormat): string {
  const p = doc.report.params;
  return `bao-cao-nguon-luc-${p.unit}-${p.budgetYear}-den-${p.asOf}-vt${doc.provenance.position}.${format}`;
}

/** The report as JSON: parameters, provenance and every figure with its query; amounts as exact đồng strings. */
export function reportJson(doc: ResourcesDocument): Record<string, unknown> {
  const r = doc.report;
  return {
    format: REPORT_FORMAT,
    report: 'resources',
    title: `Kết quả phân bổ, sử dụng nguồn lực ${periodLabel(r.params.from, r.params.asOf)}`,
    parameters: r.params,
    provenance: doc.provenance,
    generatedAt: doc.generatedAt,
    unit: { code: r.params.unit, name: r.unitName, level: r.unitLevel },
    programmeName: r.programmeName,
    amounts: 'money figures are exact decimal strings of đồng; rates are fractions with 6 decimal places (0.172215 = 17,22 %)',
    originYears: r.originYears,
    estimateDates: r.estimateDates,
    columns: r.columns,
    rows: r.rows,
    outputColumns: r.outputColumns,
    outputs: r.outputs,
    beneficiaryColumns: r.beneficiaryColumns,
    beneficiaries: r.beneficiaries,
    unplacedEstimates: r.unplacedEstimates,
  };
}

/** CSV: the parameters, a blank record, then the resources table as its sheet lays it out. */
function reportCsv(doc: ResourcesDocument): string {
  return writeCsv([['Tham số', 'Giá trị', 'Ý nghĩa'], ...parameterRows(doc), [], ...sheetRecords(resourcesSheet(doc))]);
}

export async function renderReport(doc: ResourcesDocument, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'xlsx':
      return writeXlsx(resourcesWorkbook(doc), doc.report.params.amountUnit, {
        title: `Kết quả phân bổ, sử dụng nguồn lực ${doc.report.unitName} ${doc.report.params.budgetYear}`,
        created: new Date(doc.generatedAt),
      });
    case 'csv':
      return Buffer.from(reportCsv(doc), 'utf8');
    case 'json':
      return Buffer.from(`${JSON.stringify(reportJson(doc), null, 2)}\n`, 'utf8');
    case 'docx':
      return writeDocx(doc);
  }
}

/** A cell of a filed report that is not what the ledger computes at the report's position. */
export interface CellDifference {
  /** Where in the file: 'Nguồn lực'!K12, a CSV record and field, or a JSON path. */
  readonly where: string;
  /** What the cell is: its row and column headers. */
  readonly name?: string;
  /** As the file has it, and as the ledger computes it (null: no such cell). */
  readonly file: string | null;
  readonly ledger: string | null;
  readonly query?: CellQuery;
}

/** A report file read back: what it was computed for, and how to compare it with a recomputation. */
export interface FiledReport {
  readonly format: 'xlsx' | 'csv' | 'json';
  readonly params: ReportParams;
  readonly provenance: Provenance;
  readonly generatedAt: string;
  /** Every difference between the file and the document recomputed from the log; and how many cells were compared. */
  compare(recomputed: ResourcesDocument): { readonly differences: CellDifference[]; readonly cellsCompared: number };
}

/** The file is not a report this ledger produced, or not one that can be checked (HTTP 400). */
export class NotAReport extends Error {
  override readonly name = 'NotAReport';
}

const NEEDED = ['format', 'report', 'programme', 'unit', 'budgetYear', 'from', 'asOf', 'knownAt', 'position', 'amountUnit', 'treeSize', 'rootHash', 'treeHead.treeSize', 'treeHead.rootHash', 'treeHead.timestamp', 'treeHead.signature', 'generatedAt'];

function fromParameters(values: ReadonlyMap<string, string>): Pick<FiledReport, 'params' | 'provenance' | 'generatedAt'> {
  const missing = NEEDED.filter((k) => !values.has(k));
  if (missing.length > 0) throw new NotAReport(`not a report of this ledger: its parameters lack ${missing.join(', ')}`);
  if (values.get('format') !== REPORT_FORMAT) throw new NotAReport(`unknown report format "${values.get('format')}"; this ledger reads ${REPORT_FORMAT}`);
  if (values.get('report') !== 'resources') throw new NotAReport(`unknown report "${values.get('report')}"; this ledger checks "resources" reports`);
  const int = (k: string) => {
    const v = values.get(k) as string;
    if (!/^\d+$/.test(v)) throw new NotAReport(`the report's parameter ${k} is not a whole number: "${v}"`);
    return Number(v);
  };
  const amountUnit = values.get('amountUnit');
  if (amountUnit !== 'trieu' && amountUnit !== 'dong') throw new NotAReport(`the report's parameter amountUnit is "${amountUnit}", not trieu or dong`);
  const treeHead: SignedTreeHead = {
    treeSize: int('treeHead.treeSize'),
    rootHash: values.get('treeHead.rootHash') as string,
    timestamp: values.get('treeHead.timestamp') as string,
    signature: values.get('treeHead.signature') as string,
  };
  const position = int('position');
  return {
    params: {
      programme: values.get('programme') as string,
      unit: values.get('unit') as string,
      budgetYear: int('budgetYear'),
      from: values.get('from') as string,
      asOf: values.get('asOf') as string,
      knownAt: values.get('knownAt') || null,
      position,
      amountUnit,
    },
    provenance: { position, treeSize: int('treeSize'), rootHash: values.get('rootHash') as string, treeHead },
    generatedAt: values.get('generatedAt') as string,
  };
}

async function readXlsxReport(buffer: Buffer): Promise<FiledReport> {
  const book = await readXlsx(buffer);
  const parameters = book.get(SHEET_NAMES.parameters);
  if (!parameters) throw new NotAReport(`the workbook has no sheet "${SHEET_NAMES.parameters}": not a report of this ledger`);
  const values = new Map<string, string>();
  for (const [addr, cell] of parameters) {
    const m = /^A(\d+)$/.exec(addr);
    if (m && Number(m[1]) > 1) values.set(cell.value, parameters.get(`B${m[1]}`)?.value ?? '');
  }
  const base = fromParameters(values);
  return {
    format: 'xlsx',
    ...base,
    compare(recomputed) {
      const differences: CellDifference[] = [];
      let cellsCompared = 0;
      const sheets = resourcesWorkbook(recomputed);
      for (const name of book.keys()) {
        if (!sheets.some((s) => s.name === name)) differences.push({ where: `'${name}'`, file: 'a sheet', ledger: null, name: 'a sheet the report does not have' });
      }
      for (const sheet of sheets) {
        const found = book.get(sheet.name) ?? new Map();
        if (!book.has(sheet.name)) differences.push({ where: `'${sheet.name}'`, file: null, ledger: 'a sheet', name: 'a sheet of the report is missing' });
        const expected = expectedCells(sheet);
        const byAddress = new Map(sheet.cells.map((c) => [address(c.row, c.col), c]));
        for (const addr of new Set([...expected.keys(), ...found.keys()])) {
          cellsCompared += 1;
          const want = expected.get(addr);
          const got = found.get(addr);
          const same = want && got && want.type === got.type && (want.type === 'number' ? Number(want.value) === Number(got.value) : want.value === got.value);
          if (same) continue;
          const cell = byAddress.get(addr);
          differences.push({
            where: `'${sheet.name}'!${addr}`,
            ...(cell?.name ? { name: cell.name } : {}),
            file: got ? got.value : null,
            ledger: want ? want.value : null,
            ...(cell?.figure?.query ? { query: cell.figure.query } : {}),
          });
        }
      }
      return { differences, cellsCompared };
    },
  };
}

function readCsvReport(text: string): FiledReport {
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new NotAReport(`not a CSV report of this ledger: ${error instanceof Error ? error.message : String(error)}`);
  }
  const blank = records.findIndex((r) => r.every((f) => f === ''));
  if (blank < 0 || records[0]?.[0] !== 'Tham số') throw new NotAReport('not a CSV report of this ledger: it does not start with its parameters');
  const values = new Map(records.slice(1, blank).map((r) => [r[0], r[1] ?? '']));
  const base = fromParameters(values);
  return {
    format: 'csv',
    ...base,
    compare(recomputed) {
      const expected = parseCsv(reportCsv(recomputed));
      const sheet = resourcesSheet(recomputed);
      const offset = blank + 1;
      const byPlace = new Map(sheet.cells.map((c) => [`${c.row + offset}:${c.col}`, c]));
      const differences: CellDifference[] = [];
      let cellsCompared = 0;
      const rows = Math.max(expected.length, records.length);
      for (let r = 0; r < rows; r++) {
        const want = expected[r] ?? [];
        const got = records[r] ?? [];
        const fields = Math.max(want.length, got.length);
        for (let f = 0; f < fields; f++) {
          const w = want[f] ?? '';
          const g = got[f] ?? '';
          if (w === '' && g === '') continue;
          cellsCompared += 1;
          if (w === g) continue;
          const cell = byPlace.get(`${r}:${f}`);
          differences.push({
            where: `record ${r + 1}, field ${f + 1}`,
            ...(cell?.name ? { name: cell.name } : r < blank ? { name: `parameter ${got[0] ?? want[0] ?? ''}` } : {}),
            file: g === '' ? null : g,
            ledger: w === '' ? null : w,
            ...(cell?.figure?.query ? { query: cell.figure.query } : {}),
          });
        }
      }
      return { differences, cellsCompared };
    },
  };
}

/** A JSON report's parameters and provenance as the flat keys the other formats carry. */
function jsonParameters(json: Record<string, any>): Map<string, string> {
  const p = json.parameters ?? {};
  const v = json.provenance ?? {};
  const h = v.treeHead ?? {};
  const entries: [string, unknown][] = [
    ['format', json.format],
    ['report', json.report],
    ['programme', p.programme],
    ['unit', p.unit],
    ['budgetYear', p.budgetYear],
    ['from', p.from],
    ['asOf', p.asOf],
    ['knownAt', p.knownAt ?? ''],
    ['position', p.position],
    ['amountUnit', p.amountUnit],
    ['treeSize', v.treeSize],
    ['rootHash', v.rootHash],
    ['treeHead.treeSize', h.treeSize],
    ['treeHead.rootHash', h.rootHash],
    ['treeHead.timestamp', h.timestamp],
    ['treeHead.signature', h.signature],
    ['generatedAt', json.generatedAt],
  ];
  return new Map(entries.filter(([, value]) => value !== undefined && value !== null).map(([k, value]) => [k, String(value)]));
}

function readJsonReport(text: string): FiledReport {
  let json: Record<string, any>;
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch (error) {
    throw new NotAReport(`not a JSON report of this ledger: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new NotAReport('not a JSON report of this ledger: not an object');
  const base = fromParameters(jsonParameters(json));
  return {
    format: 'json',
    ...base,
    compare(recomputed) {
      const expected = JSON.parse(JSON.stringify(reportJson(recomputed))) as Record<string, unknown>;
      const differences: CellDifference[] = [];
      let cellsCompared = 0;
      const walk = (want: unknown, got: unknown, at: string, name?: string): void => {
        if (want !== null && typeof want === 'object' && got !== null && typeof got === 'object' && Array.isArray(want) === Array.isArray(got)) {
          const w = want as Record<string, unknown>;
          const g = got as Record<string, unknown>;
          const rowName = typeof w.label === 'string' ? w.label : name;
          for (const k of new Set([...Object.keys(w), ...Object.keys(g)])) walk(w[k], g[k], Array.isArray(want) ? `${at}[${k}]` : `${at}.${k}`, rowName);
          return;
        }
        cellsCompared += 1;
        if (JSON.stringify(want) === JSON.stringify(got)) return;
        differences.push({
          where: at.replace(/^\./, ''),
          ...(name ? { name } : {}),
          file: got === undefined ? null : typeof got === 'string' ? got : JSON.stringify(got),
          ledger: want === undefined ? null : typeof want === 'string' ? want : JSON.stringify(want),
        });
      };
      walk(expected, json, '');
      return { differences, cellsCompared };
    },
  };
}

/** Reads a filed report (XLSX, CSV or JSON, told apart by their first bytes). */
export async function readReportFile(buffer: Buffer): Promise<FiledReport> {
  if (buffer.length >= 4 && buffer.readUInt32LE(0) === 0x04034b50) {
    // A ZIP's entry names are stored as written: a Word document has word/document.xml.
    if (buffer.includes('word/document.xml')) {
      throw new NotAReport('a Word draft holds sentences, not cells: check the XLSX, CSV or JSON of the same report (the draft names its log position)');
    }
    try {
      return await readXlsxReport(buffer);
    } catch (error) {
      if (error instanceof NotAReport) throw error;
      throw new NotAReport(`not an XLSX report of this ledger: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const text = buffer.toString('utf8');
  return text.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? readJsonReport(text) : readCsvReport(text);
}

/** A difference as a person reads it: the cell, what it is, the file's value against the ledger's, the query. */
export function formatDifference(d: CellDifference): string {
  const lines = [`✗ ${d.where}${d.name ? `  ${d.name}` : ''}`, `    tệp (file): ${d.file ?? '(trống)'}   sổ cái (ledger): ${d.ledger ?? '(trống)'}`];
  if (d.query?.get?.length) lines.push(`    truy vấn: ${d.query.get.join(' ; ')}  →  ${d.query.expression}`);
  else if (d.query) lines.push(`    ${d.query.expression}`);
  return lines.join('\n');
}
