import ExcelJS from 'exceljs';
import { formatPercent, formatTrieu } from '../../src/money/money';
import { parseCsv, writeCsv } from '../../src/reports/formats/csv';
import { OFFICER, READER, startTestLedger, TestLedger } from '../support/app';
import { docxParagraphs } from '../support/zip';

const VQ_2024_H1 = '/reports/resources?unit=184&budgetYear=2024&from=2024-01-01&asOf=2024-06-30';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface JsonRow {
  level: string;
  label: string;
  scope: { node: string; source: string | null; capitalType: string | null };
  cells: Record<string, { kind: string; value: string | null; query?: { get?: string[]; expression: string } }>;
}

/**
 * The Văn Quan report (the demo journal transcribes the district's document, shared/seeds/van-quan-2024-report-2025-plan.txt)
 * computed by the ledger, filed as XLSX, CSV, JSON and a Word draft, and checked back against the log.
 */
describe('reports: Kết quả phân bổ, sử dụng nguồn lực', () => {
  let ledger: TestLedger;
  let report: { parameters: Record<string, unknown>; provenance: Record<string, any>; rows: JsonRow[]; outputs: any[]; beneficiaries: any[] };
  let head: number;

  const download = async (path: string) => {
    const res = await fetch(`${ledger.url}${path}`, { headers: await ledger.as('viewer') });
    return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), body: Buffer.from(await res.arrayBuffer()) };
  };
  const verify = (body: Buffer | string, type: string) => ledger.request('POST', '/reports/verify', { body, headers: { ...READER, 'content-type': type } });
  const row = (node: string, source: string | null = null, capitalType: string | null = null): JsonRow => {
    const found = report.rows.find((r) => r.scope.node === node && r.scope.source === source && r.scope.capitalType === capitalType);
    if (!found) throw new Error(`no row ${node}/${source}/${capitalType}`);
    return found;
  };
  const trieu = (node: string, column: string, source: string | null = null, capitalType: string | null = null) => formatTrieu(row(node, source, capitalType).cells[column].value as string);
  const percent = (node: string, decimals: number, source: string | null = null, capitalType: string | null = null) => formatPercent(row(node, source, capitalType).cells.rate.value as string, decimals);
  const output = (component: string, indicator: string) => report.outputs.find((o) => o.component === component && o.cells.indicator.value === indicator).cells;

  beforeAll(async () => {
    ledger = await startTestLedger({ demo: true });
    head = await ledger.store.headPosition();
    const res = await ledger.get(VQ_2024_H1);
    expect(res.status).toBe(200);
    report = res.body;
  });
  afterAll(() => ledger.close());

  it('carries the log position it was computed at, the Merkle tree of the events up to it and a signed tree head covering it', async () => {
    expect(report.parameters).toEqual({ programme: 'GNBV-2021-2025', unit: '184', budgetYear: 2024, from: '2024-01-01', asOf: '2024-06-30', knownAt: null, position: head, amountUnit: 'trieu' });
    const proof = (await ledger.get(`/audit/proofs/consistency?first=${report.provenance.treeSize}&second=${report.provenance.treeHead.treeSize}`)).body;
    expect(report.provenance).toMatchObject({ position: head, treeSize: head, rootHash: proof.firstRootHash });
    expect(report.provenance.treeHead).toMatchObject({ rootHash: proof.secondRootHash, signature: expect.any(String) });
  });

  describe('the Văn Quan document’s figures (6 tháng đầu năm 2024)', () => {
    // [section, what the document says, what the report computes] — where the document is consistent, they are equal.
    const reproduced: [string, string, () => string][] = [
      ['A.II.1', 'Ngân sách Trung ương: tổng kinh phí là 98.801 triệu đồng', () => trieu('', 'planTotal', 'NSTW')],
      ['A.II.1', '= 17,22% KH (the rate of the disbursement)', () => percent('', 2, 'NSTW')],
      ['A.II.1 (1)', 'Vốn đầu tư kế hoạch giao năm 2024 là 74.143 triệu đồng', () => trieu('', 'planTotal', 'NSTW', 'DTPT')],
      ['A.II.1 (1)', 'KH vốn đã phân bổ 65.143 triệu đồng', () => trieu('', 'allocated', 'NSTW', 'DTPT')],
      ['A.II.1 (1)', 'còn 9.000 triệu đồng chưa phân bổ chi tiết', () => trieu('', 'unallocated', 'NSTW', 'DTPT')],
      ['A.II.1 (1)', 'Đã giải ngân đến 30/6/2024 được 16.320 triệu đồng', () => trieu('', 'disbursed', 'NSTW', 'DTPT')],
      ['A.II.1 (1)', 'đạt 22,01%/KH', () => percent('', 2, 'NSTW', 'DTPT')],
      ['A.II.1 (2)', 'kế hoạch giao năm 2024 là 24.658 triệu đồng (written "Vốn đầu tư"; it is the recurrent money)', () => trieu('', 'planTotal', 'NSTW', 'SN')],
      ['A.II.1 (2)', 'đạt 2,82% kế hoạch giao', () => percent('', 2, 'NSTW', 'SN')],
      ['A.IV.1.a', 'Kinh phí: 65.536 triệu đồng', () => trieu('DA1.TDA1', 'planTotal')],
      ['A.IV.1.a', 'kinh phí là 59.864 triệu đồng (đầu tư CSHT)', () => trieu('DA1.TDA1.HT', 'planTotal')],
      ['A.IV.1.a', 'Đã giải ngân đến 30/6/2024 được 14.090 triệu đồng', () => trieu('DA1.TDA1.HT', 'disbursed')],
      ['A.IV.1.a', 'đạt 23,54%/KH', () => percent('DA1.TDA1.HT', 2)],
      ['A.IV.1.a', 'Kinh phí 5.672 triệu đồng (duy tu, bảo dưỡng)', () => trieu('DA1.TDA1.DTBD', 'planTotal')],
      ['A.IV.1.a', 'đang thực hiện, chưa giải ngân', () => trieu('DA1.TDA1.DTBD', 'disbursed')],
      ['A.IV.1.b', 'Kinh phí: 15.707 triệu đồng', () => trieu('DA1.TDA2', 'planTotal')],
      ['A.IV.1.b', 'Kinh phí: 14.279 triệu đồng (đầu tư CSHT)', () => trieu('DA1.TDA2.HT', 'planTotal')],
      ['A.IV.1.b', 'đã giải ngân 2.230 triệu đồng', () => trieu('DA1.TDA2.HT', 'disbursed')],
      ['A.IV.1.b', 'kinh phí 9.000 triệu đồng chưa phân bổ', () => trieu('DA1.TDA2.HT', 'unallocated')],
      ['A.IV.1.b', 'Kinh phí 1.428 triệu đồng (duy tu, bảo dưỡng)', () => trieu('DA1.TDA2.DTBD', 'planTotal')],
      ['A.IV.2', 'Kinh phí 4.649 triệu đồng', () => trieu('DA2', 'planTotal')],
      ['A.IV.3', 'Kinh phí 3.008 triệu đồng (the second of the two figures the paragraph gives)', () => trieu('DA3', 'planTotal')],
      ['A.IV.3.a', 'Vốn thực hiện Tiểu dự án 1 là: 2.483 triệu đồng', () => trieu('DA3.TDA1', 'planTotal')],
      ['A.IV.3.b', 'tổng vốn thực hiện Tiểu dự án 2 là: 525 triệu đồng', () => trieu('DA3.TDA2', 'planTotal')],
      ['A.IV.3.b', 'Đã giải ngân 59 triệu đồng', () => trieu('DA3.TDA2', 'disbursed')],
      ['A.IV.4', 'Nguồn vốn: 537 triệu đồng', () => trieu('DA4.TDA1', 'planTotal')],
      ['A.IV.5', 'Vốn và nguồn vốn: 8.036 triệu đồng', () => trieu('DA5', 'planTotal')],
      ['A.IV.5', 'đã phân bổ kinh phí là cho các xã, thị trấn 7.700 triệu đồng', () => trieu('DA5', 'allocated')],
      ['A.IV.5', 'chưa phân bổ chi tiết 336 triệu đồng', () => trieu('DA5', 'unallocated')],
      ['A.IV.5', 'kinh phí giải ngân là 620 triệu đồng', () => trieu('DA5', 'disbursed')],
      ['A.IV.5', '= 7,7% KH (one decimal written)', () => percent('DA5', 1)],
      ['A.IV.5', 'sửa chữa nhà cho 19 hộ', () => output('DA5', 'houses-repaired').achieved.value],
      ['A.IV.5', 'và xây mới 06 hộ', () => output('DA5', 'houses-new').achieved.value],
      ['A.IV.5', 'số căn hộ được xây dựng mới: 101 căn', () => output('DA5', 'houses-new').target.value],
      ['A.IV.5', 'số căn hộ được cải tạo lại: 177 căn', () => output('DA5', 'houses-repaired').target.value],
      ['A.IV.1.a', '24 dự án, trong đó 02 dự án hoàn thành', () => `${output('DA1.TDA1', 'projects').achieved.value}/${output('DA1.TDA1', 'projects').target.value}`],
      ['A.IV.6', 'Kinh phí 673 triệu đồng', () => trieu('DA6', 'planTotal')],
      ['A.IV.6', 'giải ngân được 16,74 triệu đồng', () => trieu('DA6', 'disbursed')],
      ['A.IV.6.a', 'Vốn và nguồn vốn: 505 triệu đồng', () => trieu('DA6.TDA1', 'planTotal')],
      ['A.IV.6.b', 'Vốn và nguồn vốn: 168 triệu đồng', () => trieu('DA6.TDA2', 'planTotal')],
      ['A.IV.7', 'Kinh phí 655 triệu đồng', () => trieu('DA7', 'planTotal')],
      ['A.IV.7.a', 'Vốn và nguồn vốn: 393 triệu đồng', () => trieu('DA7.TDA1', 'planTotal')],
      ['A.IV.7.b', 'Vốn và nguồn vốn: 262 triệu đồng', () => trieu('DA7.TDA2', 'planTotal')],
    ];
    const expected = (quote: string) => {
      const m = /(\d+(?:\.\d{3})*(?:,\d+)?)(?: triệu|%| hộ| căn| dự án|\/KH| KH)/.exec(quote.replace(/^0(\d)/, '$1'));
      return m ? m[1] : '';
    };
    it.each(reproduced)('%s «%s»: reproduced', (_section, quote, computed) => {
      const want = quote.startsWith('24 dự án') ? '2/24' : quote === 'đang thực hiện, chưa giải ngân' ? '0' : expected(quote).replace(/^0+(\d)/, '$1');
      expect(computed()).toBe(want);
    });

    // Where the document contradicts itself, the report gives the ledger's figure, built from the components the document details.
    const contradicted: [string, string, string, string, () => string][] = [
      ['A.II.1', 'Kết quả giải ngân 6 tháng đầu năm: 17.015 triệu đồng', '17.015', 'the components’ disbursements (14.090 + 2.230 + 59 + 620 + 16,74) add up to 17.015,74', () => trieu('', 'disbursed', 'NSTW')],
      ['A.II.1', 'đã phân bổ 89.801 triệu đồng', '89.801', 'Dự án 5 says 7.700 allocated and 336 not', () => trieu('', 'allocated', 'NSTW')],
      ['A.II.1', 'còn 9.000 triệu đồng chưa phân bổ chi tiết', '9.000', 'the 9.000 of Tiểu dự án 1.2 and the 336 of Dự án 5', () => trieu('', 'unallocated', 'NSTW')],
      ['A.II.1 (2)', 'giải ngân đến ngày 30/6/2024 là 695,4 triệu đồng', '695,4', 'the recurrent components add up to 59 + 620 + 16,74 = 695,74', () => trieu('', 'disbursed', 'NSTW', 'SN')],
      ['A.II.2', 'Ngân sách địa phương: tổng kinh phí là 2.964 triệu đồng', '2.964', 'no component paragraph gives it a home (each says the district budget is 0 or not arranged)', () => trieu('', 'planTotal', 'NSDP')],
      ['A.IV.3', 'Kinh phí 2.997 triệu đồng', '2.997', '2.483 + 525 = 3.008, the paragraph’s own second figure', () => trieu('DA3', 'planTotal')],
      ['A.IV.3.b', '59 triệu đồng = 11,23% KH', '11,23', '59 / 525 = 11,238 %', () => percent('DA3.TDA2', 2)],
      ['A.IV.6', '16,74 triệu đồng, đạt 2,52% KHV', '2,52', '16,74 / 673 = 2,487 % (and / 168 = 9,96 %)', () => percent('DA6', 2)],
    ];
    it.each(contradicted)('%s «%s»: the document says %s; the report gives the ledger’s figure: %s', (_section, _quote, stated, _why, computed) => {
      expect(computed()).not.toBe(stated);
    });

    it('gives, for those, exactly the figures the components add up to', () => {
      expect(contradicted.map(([, , , , computed]) => computed())).toEqual(['17.015,74', '89.465', '9.336', '695,74', '0', '3.008', '11,24', '2,49']);
    });

    it('keeps the estimates the document states apart from the ledger’s figures, in columns of their own, labelled as stated', () => {
      const nstw = row('', 'NSTW');
      expect(nstw.cells['estimate:2024-09-30:amount'].value).toBe('44460000000');
      expect(nstw.cells['estimate:2024-09-30:rate'].value).toBe('0.45');
      expect(nstw.cells['estimate:2024-12-31:amount'].value).toBe('98801000000');
      expect(nstw.cells['estimate:2024-12-31:amount'].query?.expression).toMatch(/^stated, not computed: the amount of FigureStated a-nstw-estimate-year at log position \d+, document VQ-KH-GNBV-2025, section A\.II\.1/);
      // The local budget's estimate has a row although the ledger holds no local money: 0 from the ledger, 2.964 as stated.
      expect(row('', 'NSDP').cells['estimate:2024-12-31:amount'].value).toBe('2964000000');
      expect(row('', 'NSDP').cells.planTotal.value).toBe('0');
      // Nothing a document estimated is added to a ledger column.
      expect(row('', 'NSTW').cells.disbursed.value).toBe('17015740000');
    });
  });

  it('answers each ledger figure’s own query with the same figure', async () => {
    let checked = 0;
    for (const r of report.rows) {
      for (const [column, cell] of Object.entries(r.cells)) {
        const get = cell.query?.get;
        const m = /^total\.(\w+)$/.exec(cell.query?.expression ?? '');
        if (!get || get.length !== 1 || !m) continue;
        const answer = (await ledger.get(get[0])).body;
        expect({ row: r.label, column, value: answer.total[m[1]] }).toEqual({ row: r.label, column, value: cell.value });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  describe('as an XLSX workbook', () => {
    let file: Awaited<ReturnType<typeof download>>;
    let wb: ExcelJS.Workbook;
    const find = (ws: ExcelJS.Worksheet, label: RegExp, header: RegExp): ExcelJS.Cell => {
      let rowNumber = 0;
      let colNumber = 0;
      ws.getColumn(2).eachCell((c, n) => {
        if (!rowNumber && typeof c.value === 'string' && label.test(c.value)) rowNumber = n;
      });
      for (const headerRow of [5, 6]) {
        ws.getRow(headerRow).eachCell((c, n) => {
          if (!colNumber && typeof c.value === 'string' && header.test(c.value) && !(headerRow === 5 && ws.getCell(6, n).value && ws.getCell(6, n).master.address === ws.getCell(6, n).address)) colNumber = n;
        });
      }
      if (!rowNumber || !colNumber) throw new Error(`no cell for ${label} × ${header}`);
      return ws.getCell(rowNumber, colNumber);
    };

    beforeAll(async () => {
      file = await download(`${VQ_2024_H1}&format=xlsx`);
      wb = new ExcelJS.Workbook();
      await wb.xlsx.load(file.body as unknown as ExcelJS.Buffer);
    });

    it('opens and reads back as an office lays it out: Vietnamese headers, merged header cells, totals, number formats in triệu đồng', () => {
      expect(file.status).toBe(200);
      expect(file.type).toBe(XLSX);
      expect(file.disposition).toBe(`attachment; filename="bao-cao-nguon-luc-184-2024-den-2024-06-30-vt${head}.xlsx"`);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Nguồn lực', 'Kết quả thực hiện', 'Đối tượng thụ hưởng', 'Truy nguyên', 'Tham số']);
      const ws = wb.getWorksheet('Nguồn lực') as ExcelJS.Worksheet;
      expect(ws.getCell('A1').value).toBe('KẾT QUẢ PHÂN BỔ, SỬ DỤNG NGUỒN LỰC THỰC HIỆN CHƯƠNG TRÌNH 6 THÁNG ĐẦU NĂM 2024');
      expect(ws.getCell('E5').value).toBe('Kế hoạch vốn năm 2024');
      expect(ws.getCell('F5').isMerged && ws.getCell('F5').master.address).toBe('E5');
      expect([ws.getCell('E6').value, ws.getCell('F6').value]).toEqual(['Tổng số', 'Giao năm 2024']);
      expect(ws.getCell('B6').master.address).toBe('B5');
      expect(ws.getCell('B8').value).toBe('TỔNG SỐ');
      expect(ws.getCell('B8').font.bold).toBe(true);
      const total = ws.getCell('E8');
      expect(total.value).toBe(98801);
      expect(total.numFmt).toBe('#,##0.00');
      const da5 = find(ws, /^Dự án 5:/, /^Lũy kế đến 30\/06\/2024$/);
      expect(da5.value).toBe(620);
      expect(find(ws, /^- Ngân sách trung ương$/, /^Lũy kế/).value).toBe(17015.74);
      const rate = find(ws, /^Dự án 5:/, /^Tỷ lệ so với KH/);
      expect(rate.value).toBe(0.077153);
      expect(rate.numFmt).toBe('0.00%');
      expect(find(ws, /^- Ngân sách trung ương$/, /^Đến 30\/09\/2024: số tiền$/).value).toBe(44460);
    });

    it('traces every figure to its query, and lists the parameters it was computed with', () => {
      const trace = wb.getWorksheet('Truy nguyên') as ExcelJS.Worksheet;
      const rows: string[][] = [];
      trace.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map(String)));
      const da5 = rows.find((r) => /^Dự án 5:.*Lũy kế/.test(r[1]));
      expect(da5?.[2]).toBe('620000000');
      expect(da5?.[3]).toBe(`/balances?programme=GNBV-2021-2025&unit=184&budgetYear=2024&component=DA5&asOf=2024-06-30&upToPosition=${head}`);
      expect(da5?.[4]).toBe('total.disbursed');
      const params = wb.getWorksheet('Tham số') as ExcelJS.Worksheet;
      expect(params.getCell('A10').value).toBe('position');
      expect(params.getCell('B10').value).toBe(String(head));
    });

    it('verifies against the log, cell by cell', async () => {
      const res = await verify(file.body, XLSX);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, format: 'xlsx', differences: [], tree: { matches: true }, treeHead: { signed: true, rootMatches: true, coversPosition: true } });
      expect(res.body.cellsCompared).toBeGreaterThan(1000);
    });

    it('names a cell edited in Excel, with the ledger’s figure and the query behind it', async () => {
      const edited = new ExcelJS.Workbook();
      await edited.xlsx.load(file.body as unknown as ExcelJS.Buffer);
      const ws = edited.getWorksheet('Nguồn lực') as ExcelJS.Worksheet;
      const cell = find(ws, /^Dự án 5:/, /^Lũy kế đến/);
      cell.value = 720;
      const res = await verify(Buffer.from(await edited.xlsx.writeBuffer()), XLSX);
      expect(res.body.ok).toBe(false);
      expect(res.body.differences).toEqual([
        {
          where: `'Nguồn lực'!${cell.address}`,
          name: expect.stringMatching(/^Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo · NSTW SN · Giải ngân: Lũy kế đến 30\/06\/2024$/),
          file: '720',
          ledger: '620',
          query: { get: [`/balances?programme=GNBV-2021-2025&unit=184&budgetYear=2024&component=DA5&asOf=2024-06-30&upToPosition=${head}`], expression: 'total.disbursed' },
        },
      ]);
    });

    it('names an edited label and an edited parameter too', async () => {
      const edited = new ExcelJS.Workbook();
      await edited.xlsx.load(file.body as unknown as ExcelJS.Buffer);
      (edited.getWorksheet('Nguồn lực') as ExcelJS.Worksheet).getCell('B8').value = 'TỔNG CỘNG';
      (edited.getWorksheet('Tham số') as ExcelJS.Worksheet).getCell('B12').value = '0000';
      const res = await verify(Buffer.from(await edited.xlsx.writeBuffer()), XLSX);
      expect(res.body.ok).toBe(false);
      expect(res.body.differences.map((d: { where: string }) => d.where)).toEqual(["'Nguồn lực'!B8", "'Tham số'!B12"]);
      expect(res.body.tree.matches).toBe(false);
    });

    it('fails a file whose tree head signature was replaced', async () => {
      const edited = new ExcelJS.Workbook();
      await edited.xlsx.load(file.body as unknown as ExcelJS.Buffer);
      const params = edited.getWorksheet('Tham số') as ExcelJS.Worksheet;
      const signature = String(params.getCell('B17').value);
      params.getCell('B17').value = `${signature.slice(0, -4)}AAA=`;
      const res = await verify(Buffer.from(await edited.xlsx.writeBuffer()), XLSX);
      expect(res.body).toMatchObject({ ok: false, differences: [], treeHead: { signed: false, rootMatches: true } });
    });
  });

  describe('as CSV', () => {
    let csv: string;
    beforeAll(async () => {
      const file = await download(`${VQ_2024_H1}&format=csv`);
      expect(file.type).toBe('text/csv; charset=utf-8');
      csv = file.body.toString('utf8');
    });

    it('holds the parameters, then the table with exact figures', () => {
      const records = parseCsv(csv);
      expect(records[0]).toEqual(['Tham số', 'Giá trị', 'Ý nghĩa']);
      expect(records.find((r) => r[0] === 'position')?.[1]).toBe(String(head));
      const da5 = records.find((r) => r[1]?.startsWith('Dự án 5:'));
      expect(da5?.slice(2, 12)).toEqual(['NSTW', 'SN', '8036', '8036', '0', '7700', '336', '620', '620', '0.077153']);
    });

    it('verifies, and names an edited figure', async () => {
      expect((await verify(csv, 'text/csv')).body).toMatchObject({ ok: true, format: 'csv', differences: [] });
      const records = parseCsv(csv);
      const r = records.findIndex((x) => x[1]?.startsWith('Dự án 6:'));
      records[r][10] = '16.75';
      const res = await verify(writeCsv(records), 'text/csv');
      expect(res.body.ok).toBe(false);
      expect(res.body.differences).toEqual([
        expect.objectContaining({ where: `record ${r + 1}, field 11`, file: '16.75', ledger: '16.74', name: expect.stringMatching(/^Dự án 6: .*Lũy kế đến 30\/06\/2024$/) }),
      ]);
    });
  });

  describe('as JSON', () => {
    it('verifies, and names an edited figure by its path', async () => {
      const text = JSON.stringify(report);
      expect((await verify(text, 'application/json')).body).toMatchObject({ ok: true, format: 'json', differences: [] });
      const edited = JSON.parse(text);
      const i = edited.rows.findIndex((r: JsonRow) => r.scope.node === 'DA5' && r.scope.source === null);
      edited.rows[i].cells.allocated.value = '7800000000';
      const res = await verify(JSON.stringify(edited), 'application/json');
      expect(res.body.differences).toEqual([
        { where: `rows[${i}].cells.allocated.value`, name: 'Dự án 5: Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo', file: '7800000000', ledger: '7700000000' },
      ]);
    });
  });

  describe('reproducible from the log', () => {
    it('gives the same figures at the same position after the log has grown, and still verifies an earlier file', async () => {
      const before = await download(`${VQ_2024_H1}&format=xlsx`);
      const line = { programme: 'GNBV-2021-2025', component: 'DA5', budgetYear: 2024, originYear: 2024, source: 'NSTW', capitalType: 'SN', unit: '184' };
      const posted = await ledger.post('/commands/disburse', {
        line,
        activityId: 'VQ24-DA5-NHA-O',
        amount: '100000000',
        voucher: { number: 'UNC-0901', date: '2024-06-28', treasury: 'KBNN Văn Quan' },
      }, OFFICER);
      expect(posted.status).toBe(201);
      const later = (await ledger.get(`${VQ_2024_H1}&position=${posted.body.position}`)).body;
      expect(later.rows.find((r: JsonRow) => r.scope.node === 'DA5').cells.disbursed.value).toBe('720000000');
      const again = (await ledger.get(`${VQ_2024_H1}&position=${head}`)).body;
      expect(again.rows).toEqual(report.rows);
      expect((await verify(before.body, XLSX)).body).toMatchObject({ ok: true, differences: [] });
    });
  });

  describe('as a Word draft of the figure sentences', () => {
    it('writes, for the programme, each source and capital type and every component, the sentences the document types by hand', async () => {
      const file = await download(`${VQ_2024_H1}&format=docx&position=${head}`);
      expect(file.type).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      const paragraphs = docxParagraphs(file.body);
      expect(paragraphs).toContain(
        '1. Ngân sách Trung ương: tổng kinh phí là 98.801 triệu đồng. Kết quả phân bổ: đã phân bổ 89.465 triệu đồng, còn 9.336 triệu đồng chưa phân bổ chi tiết. ' +
          'Kết quả giải ngân 6 tháng đầu năm 2024: 17.015,74 triệu đồng = 17,22% KH. ' +
          'Ước thực hiện (theo số liệu văn bản đã nêu, không phải số sổ cái) đến 30/09/2024: 44.460 triệu đồng = 45% KH; đến 31/12/2024: 98.801 triệu đồng = 100% KH.',
      );
      expect(paragraphs).toContain(
        'Dự án 2: Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo. Kinh phí: 4.649 triệu đồng (vốn ngân sách Trung ương: 4.649 triệu đồng, ngân sách huyện: 0 triệu đồng). ' +
          'Đã phân bổ 4.649 triệu đồng, chưa phân bổ 0 triệu đồng. Kết quả giải ngân 6 tháng đầu năm 2024: 0 triệu đồng = 0% KH. Kết quả thực hiện đến 30/06/2024: mô hình: 0/12 mô hình (0% mục tiêu).',
      );
      expect(paragraphs.find((p) => p.startsWith('Dự án 5:'))).toContain('Kết quả giải ngân 6 tháng đầu năm 2024: 620 triệu đồng = 7,72% KH. Kết quả thực hiện đến 30/06/2024: nhà ở xây mới: 6/101 căn (5,94% mục tiêu); nhà ở sửa chữa: 19/177 căn (10,73% mục tiêu).');
      expect(paragraphs.filter((p) => /^(Dự án|Tiểu dự án) \d/.test(p))).toHaveLength(16);
      expect(paragraphs.some((p) => p.includes(`tính tại vị trí ${head} của sổ cái`))).toBe(true);
    });
  });

  describe('refusals', () => {
    it('names every bad parameter at once', async () => {
      const res = await ledger.get('/reports/resources?budgetYear=twenty&asOf=2024-02-30&amountUnit=tỷ');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('INVALID_REQUEST');
      expect(res.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['amountUnit', 'asOf', 'budgetYear', 'unit']);
    });

    it('refuses an unknown parameter, an unknown unit, a position not in the log, and an unknown format', async () => {
      expect((await ledger.get(`${VQ_2024_H1}&ward=1`)).body).toMatchObject({ error: 'INVALID_REQUEST' });
      const unit = await ledger.get('/reports/resources?unit=99999&budgetYear=2024');
      expect(unit.body).toMatchObject({ error: 'INVALID_REQUEST', problems: [{ field: 'unit' }] });
      const position = await ledger.get(`${VQ_2024_H1}&position=999999`);
      expect(position.status).toBe(400);
      expect(position.body.problems).toEqual([{ field: 'position', problem: expect.stringMatching(/^the log has \d+ events: position 999999 is not in it yet$/) }]);
      expect((await ledger.get(`${VQ_2024_H1}&format=pdf`)).body).toMatchObject({ error: 'INVALID_REQUEST', problems: [{ field: 'format' }] });
    });

    it('refuses to verify a file that is not a report, and records nothing either way', async () => {
      const digest = ledger.logDigest();
      const res = await verify('STT,Nội dung\n1,x\n', 'text/csv');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'NOT_A_REPORT', message: 'not a CSV report of this ledger: it does not start with its parameters' });
      expect((await verify('', 'text/csv')).body).toMatchObject({ error: 'INVALID_REQUEST', problems: [{ field: 'body' }] });
      const draft = await download(`${VQ_2024_H1}&format=docx`);
      expect((await verify(draft.body, 'application/octet-stream')).body).toMatchObject({ error: 'NOT_A_REPORT', message: expect.stringMatching(/^a Word draft holds sentences, not cells/) });
      expect(ledger.logDigest()).toBe(digest);
    });
  });
});
