import { formatPercent, formatTrieu } from '../money/money';
import type { Cell } from './cells';
import { periodLabel } from './layout';
import { NSDP, ResourceRow, ResourcesReport, vnDate } from './resources';

/**
 * The figure sentences of the narrative monitoring report ("Kết quả giải ngân 6 tháng đầu năm: 17.015 triệu đồng =
 * 17,22% KH"), generated from the report's figures, for the programme, each source and capital type, and every
 * project, sub-project and content item. A pure function of the report: the same report, the same sentences.
 * Amounts are in triệu đồng, exact (never rounded); rates to two decimals.
 */
export interface NarrativeParagraph {
  /** heading: a section title; item: a project or sub-project's paragraph; line: a sentence under it. */
  readonly kind: 'heading' | 'item' | 'line';
  readonly text: string;
}

/** Ngân sách of the unit's own level, as documents name it beside the central budget. */
const OWN_BUDGET: Readonly<Record<string, { source: string; name: string }>> = {
  province: { source: 'NSDP-TINH', name: 'ngân sách tỉnh' },
  district: { source: 'NSDP-HUYEN', name: 'ngân sách huyện' },
  commune: { source: 'NSDP-XA', name: 'ngân sách xã' },
};

const SOURCE_NAME: Readonly<Record<string, string>> = {
  NSTW: 'vốn ngân sách Trung ương',
  [NSDP]: 'ngân sách địa phương',
  'NSDP-TINH': 'ngân sách tỉnh',
  'NSDP-HUYEN': 'ngân sách huyện',
  'NSDP-XA': 'ngân sách xã',
  'TD-CSXH': 'vốn tín dụng chính sách',
  'HUY-DONG': 'vốn huy động khác',
};
const SOURCE_TITLE: Readonly<Record<string, string>> = {
  NSTW: 'Ngân sách Trung ương',
  [NSDP]: 'Ngân sách địa phương',
  'NSDP-TINH': 'Ngân sách tỉnh',
  'NSDP-HUYEN': 'Ngân sách huyện',
  'NSDP-XA': 'Ngân sách xã',
  'TD-CSXH': 'Vốn tín dụng chính sách',
  'HUY-DONG': 'Huy động khác',
};
const CAPITAL_NAME: Readonly<Record<string, string>> = { DTPT: 'Vốn đầu tư phát triển', SN: 'Vốn sự nghiệp' };

const tr = (c: Cell | undefined) => `${formatTrieu(c?.value ?? '0')} triệu đồng`;
const pct = (c: Cell | undefined) => (c?.value == null ? 'chưa có kế hoạch' : `${formatPercent(c.value)}% KH`);

/** "Kế hoạch giao năm 2024: …; năm 2023 chuyển sang: …" when money was carried in. */
function planParts(r: ResourcesReport, row: ResourceRow): string {
  const carried = r.originYears.filter((y) => row.cells[`carriedIn:${y}`]?.value && row.cells[`carriedIn:${y}`].value !== '0');
  if (carried.length === 0) return '';
  return ` (kế hoạch giao năm ${r.params.budgetYear}: ${tr(row.cells.planAssigned)}; ${carried.map((y) => `năm ${y} chuyển sang: ${tr(row.cells[`carriedIn:${y}`])}`).join('; ')})`;
}

function disbursement(r: ResourcesReport, row: ResourceRow): string {
  const period = periodLabel(r.params.from, r.params.asOf);
  const inPeriod = row.cells.disbursedInPeriod;
  const cumulative = row.cells.disbursed;
  const tail = inPeriod.value !== cumulative.value ? ` (lũy kế đến ${vnDate(r.params.asOf)}: ${tr(cumulative)} = ${pct(row.cells.rate)})` : ` = ${pct(row.cells.rate)}`;
  return `Kết quả giải ngân ${period}: ${tr(inPeriod)}${tail}.`;
}

function allocation(row: ResourceRow): string {
  return `Kết quả phân bổ: đã phân bổ ${tr(row.cells.allocated)}, còn ${tr(row.cells.unallocated)} chưa phân bổ chi tiết.`;
}

/** The estimates a document stated for the row, said as stated. */
function estimates(r: ResourcesReport, row: ResourceRow): string {
  const parts: string[] = [];
  for (const d of r.estimateDates) {
    const amount = row.cells[`estimate:${d}:amount`];
    const rate = row.cells[`estimate:${d}:rate`];
    if (amount?.value == null && rate?.value == null) continue;
    const what = [amount?.value != null ? tr(amount) : null, rate?.value != null ? `${formatPercent(rate.value)}% KH` : null].filter(Boolean).join(' = ');
    parts.push(`đến ${vnDate(d)}: ${what}`);
  }
  return parts.length > 0 ? ` Ước thực hiện (theo số liệu văn bản đã nêu, không phải số sổ cái) ${parts.join('; ')}.` : '';
}

/** "(vốn ngân sách Trung ương: 4.649 triệu đồng, ngân sách huyện: 0 triệu đồng)": every source with money, and the unit's own budget. */
function sources(r: ResourcesReport, row: ResourceRow): string {
  const own = OWN_BUDGET[r.unitLevel];
  const listed = (row.bySource ?? []).map((s) => `${SOURCE_NAME[s.source] ?? s.source}: ${tr(s.planTotal)}`);
  if (own && !(row.bySource ?? []).some((s) => s.source === own.source)) listed.push(`${own.name}: 0 triệu đồng`);
  return listed.length > 0 ? ` (${listed.join(', ')})` : '';
}

export function narrative(r: ResourcesReport): NarrativeParagraph[] {
  const out: NarrativeParagraph[] = [];
  const period = periodLabel(r.params.from, r.params.asOf);
  out.push({ kind: 'heading', text: `Kết quả phân bổ, sử dụng nguồn lực thực hiện Chương trình ${period}` });
  const total = r.rows.find((x) => x.level === 'total');
  if (total) {
    out.push({ kind: 'item', text: `Tổng kinh phí: ${tr(total.cells.planTotal)}${sources(r, total)}${planParts(r, total)}. ${allocation(total)} ${disbursement(r, total)}${estimates(r, total)}` });
  }
  // The programme's sources, and their capital types, as the section on resources states them.
  let n = 0;
  let source: ResourceRow | null = null;
  for (const row of r.rows) {
    if (row.level !== 'source' && row.level !== 'capitalType') {
      if (row.level !== 'total') break;
      continue;
    }
    if (row.level === 'source' && row.scope.source !== null) {
      source = row;
      n += 1;
      out.push({
        kind: 'item',
        text: `${n}. ${SOURCE_TITLE[row.scope.source] ?? row.scope.source}: tổng kinh phí là ${tr(row.cells.planTotal)}${planParts(r, row)}. ${allocation(row)} ${disbursement(r, row)}${estimates(r, row)}`,
      });
    } else if (row.level === 'capitalType' && row.scope.capitalType !== null) {
      out.push({
        kind: 'line',
        text:
          `- ${CAPITAL_NAME[row.scope.capitalType] ?? row.scope.capitalType}${source ? ` (${SOURCE_NAME[row.scope.source ?? ''] ?? ''})` : ''} kế hoạch năm ${r.params.budgetYear} là ${tr(row.cells.planTotal)}, ` +
          `đã phân bổ ${tr(row.cells.allocated)}, còn ${tr(row.cells.unallocated)} chưa phân bổ chi tiết. ` +
          `Đã giải ngân đến ${vnDate(r.params.asOf)} được ${tr(row.cells.disbursed)}, đạt ${pct(row.cells.rate)}.${estimates(r, row)}`,
      });
    }
  }

  out.push({ kind: 'heading', text: 'Kết quả thực hiện các dự án, tiểu dự án thuộc Chương trình' });
  const outputsOf = new Map<string, ResourcesReport['outputs'][number][]>();
  for (const o of r.outputs) if (o.stt === '-') outputsOf.set(o.component, [...(outputsOf.get(o.component) ?? []), o]);
  for (const row of r.rows) {
    if (row.level !== 'project' && row.level !== 'subProject' && row.level !== 'content') continue;
    const results = (outputsOf.get(row.scope.node) ?? [])
      .map((o) => {
        const achieved = o.cells.achieved.value ?? '0';
        const target = o.cells.target.value;
        const unit = o.cells.unit.value ?? '';
        return `${o.label.toLowerCase()}: ${formatQuantity(achieved)}${target !== null ? `/${formatQuantity(target)}` : ''} ${unit}${o.cells.rate.value !== null ? ` (${formatPercent(o.cells.rate.value)}% mục tiêu)` : ''}`;
      })
      .join('; ');
    out.push({
      kind: row.level === 'content' ? 'line' : 'item',
      text:
        `${row.level === 'content' ? `- ${row.label}` : row.label}. Kinh phí: ${tr(row.cells.planTotal)}${sources(r, row)}${planParts(r, row)}. ` +
        `Đã phân bổ ${tr(row.cells.allocated)}, chưa phân bổ ${tr(row.cells.unallocated)}. ${disbursement(r, row)}${estimates(r, row)}` +
        `${results ? ` Kết quả thực hiện đến ${vnDate(r.params.asOf)}: ${results}.` : ''}`,
    });
  }
  return out;
}

function formatQuantity(q: string): string {
  const [int, frac] = q.split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}${frac ? `,${frac}` : ''}`;
}
