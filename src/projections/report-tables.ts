import type { BalancesResult } from '../../projections/balances/balances.queries';
import { DISPLAY_UNITS, DisplayUnit, D, formatAmountVi, formatNumberVi } from '../money/money';

/**
 * The read models as text tables for people: amounts in Vietnamese notation in the unit asked for ("1.550,44" in
 * triệu đồng; exact, never rounded), rates as "17,22 %". JSON output keeps the exact decimal strings.
 */

type Align = 'left' | 'right';
export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** A plain text table: a header, a rule, rows; numbers right-aligned. */
export function textTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (columns[i].align === 'right' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: readonly string[]) => cells.map((t, i) => cell(t ?? '', i)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A rate fraction ("0.172215") as people read it: "17,22 %"; "–" when there is no base. */
export const percentVi = (fraction: string | null): string => (fraction === null ? '–' : `${formatNumberVi(new D(fraction).times(100), 2)} %`);

const amount = (value: string, unit: DisplayUnit) => formatAmountVi(value, unit, false);

/** GET /balances as a table: one row per group (or line), and the total. */
export function balancesTable(result: BalancesResult, unit: DisplayUnit): string {
  const groupBy = result.groupBy.length > 0 ? result.groupBy : ['label'];
  const money = [
    ['plan', 'Kế hoạch'],
    ['carriedIn', 'Chuyển nguồn sang'],
    ['allocated', 'Đã phân bổ'],
    ['unallocated', 'Chưa phân bổ'],
    ['disbursed', 'Đã giải ngân'],
    ['available', 'Chưa giải ngân'],
  ] as const;
  const columns: Column[] = [...groupBy.map((g) => ({ header: g })), ...money.map(([, h]) => ({ header: h, align: 'right' as const })), { header: 'Tỷ lệ GN/KH', align: 'right' }];
  const rows = result.rows.map((r) => [
    ...groupBy.map((g) => (g === 'label' ? (r.label ?? '') : String(r.group[g] ?? ''))),
    ...money.map(([k]) => amount(r[k], unit)),
    percentVi(r.disbursementRateOfPlan),
  ]);
  const t = result.total;
  rows.push([...groupBy.map((_, i) => (i === 0 ? 'Tổng cộng' : '')), ...money.map(([k]) => amount(t[k], unit)), percentVi(t.disbursementRateOfPlan)]);
  const when = [result.asOf ? `as of ${result.asOf}` : '', result.knownAt ? `as known at ${result.knownAt}` : '', result.units === 'today' ? "by today's units" : '']
    .filter((x) => x)
    .join(', ');
  return [
    `Số dư (${DISPLAY_UNITS[unit].name})${when ? `, ${when}` : ''}; read models at position ${result.position}; ${result.totalRows} rows${result.totalRows > result.rows.length ? `, page ${result.page}` : ''}`,
    textTable(columns, rows),
  ].join('\n');
}

interface ProgressComponent {
  readonly component: string;
  readonly money: { readonly plan: string; readonly disbursed: string; readonly disbursementRateOfPlan: string | null };
  readonly activities: number;
  readonly lifecycles: readonly { readonly activities: number; readonly started: number; readonly notStarted: number }[];
  readonly outputs: readonly { readonly indicator: string; readonly unit: string; readonly target: string | null; readonly achieved: string }[];
}

/** GET /progress as a table: per sub-project, money, activities, works started and outputs against targets. */
export function progressTable(result: { position: number; asOf: string | null; budgetYear: number | null; components: readonly ProgressComponent[] }, unit: DisplayUnit): string {
  const columns: Column[] = [
    { header: 'Dự án' },
    { header: 'Kế hoạch', align: 'right' },
    { header: 'Đã giải ngân', align: 'right' },
    { header: 'Tỷ lệ', align: 'right' },
    { header: 'Hoạt động', align: 'right' },
    { header: 'Công trình khởi công', align: 'right' },
    { header: 'Kết quả / mục tiêu' },
  ];
  const rows = result.components.map((c) => {
    const works = c.lifecycles.reduce((a, l) => ({ started: a.started + l.started, all: a.all + l.activities }), { started: 0, all: 0 });
    return [
      c.component,
      amount(c.money.plan, unit),
      amount(c.money.disbursed, unit),
      percentVi(c.money.disbursementRateOfPlan),
      String(c.activities),
      works.all > 0 ? `${works.started}/${works.all}` : '',
      c.outputs.map((o) => `${o.indicator} ${formatNumberVi(o.achieved)}${o.target !== null ? `/${formatNumberVi(o.target)}` : ''} ${o.unit}`).join('; '),
    ];
  });
  const when = [result.budgetYear !== null ? `năm ${result.budgetYear}` : '', result.asOf ? `as of ${result.asOf}` : ''].filter((x) => x).join(', ');
  return [`Tiến độ (${DISPLAY_UNITS[unit].name})${when ? `, ${when}` : ''}; read models at position ${result.position}`, textTable(columns, rows)].join('\n');
}

const STATUS_VI: Readonly<Record<string, string>> = {
  met: 'đạt',
  'not-met': 'không đạt',
  'on-track': 'đúng tiến độ',
  behind: 'chậm',
  'no-baseline': 'chưa có số liệu gốc',
  'no-measurement': 'chưa có số liệu',
};

interface ResultsUnit {
  readonly unit: string;
  readonly name: string;
  readonly targets: readonly {
    readonly targetId: string;
    readonly name: string;
    /** The indicator's unit: "%" (so a change is in percentage points), "hộ". */
    readonly unit: string;
    readonly kind: string;
    readonly direction?: string;
    readonly comparator: string;
    readonly value: string;
    readonly fromYear: number;
    readonly toYear: number;
    readonly progress: { readonly baseline: { year: number; value: string } | null; readonly latest: { year: number; value: string } | null; readonly achieved: string | null; readonly status: string };
  }[];
}

/** GET /results as a table: each unit's targets, what the reviews show, and the status. */
export function resultsTable(result: { position: number; units: readonly ResultsUnit[] }): string {
  const columns: Column[] = [{ header: 'Đơn vị' }, { header: 'Chỉ tiêu' }, { header: 'Mục tiêu' }, { header: 'Gốc', align: 'right' }, { header: 'Mới nhất', align: 'right' }, { header: 'Đạt được', align: 'right' }, { header: 'Đánh giá' }];
  const cmp: Readonly<Record<string, string>> = { 'at-least': 'từ', 'more-than': 'trên', 'at-most': 'đến', 'less-than': 'dưới' };
  const rows = result.units.flatMap((u) =>
    u.targets.map((t) => {
      const p = t.progress;
      const what =
        t.kind === 'average-annual-change'
          ? `${t.direction === 'decrease' ? 'giảm' : 'tăng'} bình quân ${cmp[t.comparator]} ${formatNumberVi(t.value)} ${t.unit}/năm, ${t.fromYear}-${t.toYear}`
          : `${cmp[t.comparator]} ${formatNumberVi(t.value)} ${t.unit} đến ${t.toYear}`;
      return [
        `${u.unit} ${u.name}`,
        t.name,
        what,
        p.baseline ? `${formatNumberVi(p.baseline.value)} (${p.baseline.year})` : '–',
        p.latest ? `${formatNumberVi(p.latest.value)} (${p.latest.year})` : '–',
        p.achieved !== null ? formatNumberVi(p.achieved) : '–',
        STATUS_VI[p.status] ?? p.status,
      ];
    }),
  );
  return [`Khung kết quả; read models at position ${result.position}`, textTable(columns, rows)].join('\n');
}
