import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { ProjectionContext } from '../../projections/shared/context';
import type { Catalogue } from '../catalogue/catalogue';
import { D, toMoney } from '../money/money';
import type { ReadQueries } from '../projections/read-queries';
import { MAX_PAGE_SIZE } from '../projections/read-model-queries';
import type { Provenance } from './layout';
import type { ReportParams } from './report-params';

/**
 * IATI 2.03 activity XML of a unit's programme activities (https://iatistandard.org/en/iati-standard/203/): one
 * iati-activity per component the unit has money on in the budget year — its budget from the plans (and money
 * carried in), outgoing commitments from allocations to activities, disbursements from treasury payments (reversals
 * and moves as negative values), results from the outputs recorded against the activities' targets. Computed at
 * one log position like every report, which it carries in an element of its own namespace.
 */
export const IATI_VERSION = '2.03';
export const LEDGER_NS = 'urn:gnbv-ledger:report';

/**
 * The unit's official code (the statistics office's list of administrative units, "danh mục đơn vị hành chính")
 * under the prefix VN-DVHC: no IATI organisation identifier is registered for Vietnamese local governments.
 */
export const orgRef = (unit: string) => `VN-DVHC-${unit}`;

/** IATI codes used: transaction types 2 (outgoing commitment) and 3 (disbursement); organisation type 10 (government); result type 1 (output). */
const COMMITMENT = '2';
const DISBURSEMENT = '3';

interface Transaction {
  readonly type: string;
  readonly date: string;
  readonly value: D;
  readonly description: string;
  readonly reference: string;
}

interface ComponentActivity {
  readonly component: string;
  budget: D;
  readonly transactions: Transaction[];
  firstDate: string | null;
}

/** What an entry of a line's history did to the money IATI reports: the change of allocated and of disbursed. */
function transactionsOf(entry: { type: string; effectiveDate: string; position: number; activityId?: string; change: Record<string, string>; basis: unknown }): Transaction[] {
  const out: Transaction[] = [];
  const basis = entry.basis as { number?: string; title?: string } | null;
  const cited = basis?.number ?? basis?.title ?? '';
  const what = `${entry.type}${entry.activityId ? ` · ${entry.activityId}` : ''}${cited ? ` · ${cited}` : ''} · log position ${entry.position}`;
  if (entry.change.allocated !== undefined && !new D(entry.change.allocated).isZero()) {
    out.push({ type: COMMITMENT, date: entry.effectiveDate, value: new D(entry.change.allocated), description: `Phân bổ chi tiết: ${what}`, reference: `position-${entry.position}-commitment` });
  }
  if (entry.change.disbursed !== undefined && !new D(entry.change.disbursed).isZero()) {
    out.push({ type: DISBURSEMENT, date: entry.effectiveDate, value: new D(entry.change.disbursed), description: `Giải ngân: ${what}`, reference: `position-${entry.position}-disbursement` });
  }
  return out;
}

export class IatiExporter {
  constructor(
    private readonly queries: ReadQueries,
    private readonly catalogue: Catalogue,
    private readonly ctx: ProjectionContext,
  ) {}

  /** The XML text, UTF-8, for the parameters' unit, year, date and position. */
  async export(params: ReportParams, provenance: Provenance, generatedAt: string): Promise<string> {
    const { programme, unit, budgetYear, asOf, knownAt, position } = params;
    const slice = { asOf, ...(knownAt !== null ? { knownAt } : {}), upToPosition: position };
    const lists = this.catalogue.lists(programme);
    const unitName = this.catalogue.requireUnit('unit', unit, budgetYear).nameVi;

    // The unit's lines of the year, each with its events as of the date, up to the position.
    const byComponent = new Map<string, ComponentActivity>();
    for (let page = 1; ; page++) {
      const lines = await this.queries.balances({ programme, unit, budgetYear, ...slice, page, pageSize: MAX_PAGE_SIZE });
      for (const line of lines.rows) {
        const component = String(line.group.component);
        const a = byComponent.get(component) ?? { component, budget: new D(0), transactions: [], firstDate: null };
        byComponent.set(component, a);
        a.budget = a.budget.plus(line.plan).plus(line.carriedIn);
        for (let p = 1; ; p++) {
          const h = await this.queries.history(line.stream as string, { ...slice, page: p, pageSize: MAX_PAGE_SIZE });
          for (const e of h.entries) {
            a.transactions.push(...transactionsOf(e));
            if (a.firstDate === null || e.effectiveDate < a.firstDate) a.firstDate = e.effectiveDate;
          }
          if (p * MAX_PAGE_SIZE >= h.totalEntries) break;
        }
      }
      if (page * MAX_PAGE_SIZE >= lines.totalRows) break;
    }
    const progress = await this.queries.progress({ programme, unit, ...slice });
    const outputs = new Map(progress.components.map((c) => [c.component, c.outputs]));

    const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-activities', { version: IATI_VERSION, 'generated-datetime': generatedAt, 'xmlns:gnbv': LEDGER_NS });
    const order = [...lists.components.keys()];
    const components = [...byComponent.values()].sort((x, y) => order.indexOf(x.component) - order.indexOf(y.component));
    for (const c of components) {
      const entry = lists.components.get(c.component);
      const project = this.ctx.componentPlace(c.component, programme).project;
      const name = entry?.nameVi ?? c.component;
      const act = root.ele('iati-activity', { 'xml:lang': 'vi', 'default-currency': 'VND', 'last-updated-datetime': generatedAt, hierarchy: '2' });
      act.ele('iati-identifier').txt(`${orgRef(unit)}-${programme}-${budgetYear}-${c.component}`);
      narrative(act.ele('reporting-org', { ref: orgRef(unit), type: '10' }), `UBND ${unitName}`);
      narrative(act.ele('title'), `${name} (${c.component}), ${unitName}, năm ${budgetYear}`);
      narrative(
        act.ele('description', { type: '1' }),
        `${lists.components.get(project)?.nameVi ?? project} — ${this.catalogue.programmes.get(programme)?.nameVi ?? programme}. ` +
          `Số liệu từ sổ cái tại vị trí ${position}, có hiệu lực đến ${asOf}${knownAt ? `, ghi sổ đến ${knownAt}` : ''}.`,
      );
      narrative(act.ele('participating-org', { role: '1', type: '10' }), 'Ngân sách nhà nước (trung ương và địa phương)');
      narrative(act.ele('participating-org', { role: '4', type: '10', ref: orgRef(unit) }), `UBND ${unitName}`);
      act.ele('activity-status', { code: '2' });
      act.ele('activity-date', { type: '1', 'iso-date': `${budgetYear}-01-01` });
      if (c.firstDate) act.ele('activity-date', { type: '2', 'iso-date': c.firstDate });
      act.ele('activity-date', { type: '3', 'iso-date': `${budgetYear}-12-31` });
      act.ele('recipient-country', { code: 'VN', percentage: '100' });
      const budget = act.ele('budget', { type: '1', status: '2' });
      budget.ele('period-start', { 'iso-date': `${budgetYear}-01-01` });
      budget.ele('period-end', { 'iso-date': `${budgetYear}-12-31` });
      budget.ele('value', { 'value-date': `${budgetYear}-01-01` }).txt(toMoney(c.budget));
      for (const t of c.transactions) {
        const tx = act.ele('transaction', { ref: t.reference });
        tx.ele('transaction-type', { code: t.type });
        tx.ele('transaction-date', { 'iso-date': t.date });
        tx.ele('value', { 'value-date': t.date }).txt(toMoney(t.value));
        narrative(tx.ele('description'), t.description);
      }
      const results = outputs.get(c.component) ?? [];
      if (results.length > 0) {
        const result = act.ele('result', { type: '1' });
        narrative(result.ele('title'), `Kết quả đầu ra: ${name}`);
        for (const o of results) {
          const indicator = result.ele('indicator', { measure: '1' });
          narrative(indicator.ele('title'), `${lists.indicators.get(o.indicator)?.nameVi ?? o.indicator} (${o.unit})`);
          const period = indicator.ele('period');
          period.ele('period-start', { 'iso-date': `${budgetYear}-01-01` });
          period.ele('period-end', { 'iso-date': asOf });
          if (o.target !== null) period.ele('target', { value: o.target });
          period.ele('actual', { value: o.achieved });
        }
      }
    }
    root.ele(LEDGER_NS, 'gnbv:provenance', {
      position: String(provenance.position),
      'tree-size': String(provenance.treeSize),
      'root-hash': provenance.rootHash,
      'tree-head-size': String(provenance.treeHead.treeSize),
      'tree-head-timestamp': provenance.treeHead.timestamp,
      'tree-head-signature': provenance.treeHead.signature,
      unit,
      'budget-year': String(budgetYear),
      'as-of': asOf,
      ...(knownAt ? { 'known-at': knownAt } : {}),
    });
    return root.end({ prettyPrint: true });
  }
}

function narrative(parent: XMLBuilder, text: string): void {
  parent.ele('narrative').txt(text);
}
