import Decimal from 'decimal.js';
import type {
  ActivityEvent,
  FigureScope,
  FigureStated,
  FundLineEvent,
  FundLineKey,
  RecordedEvent,
} from '../../events';
import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES } from '../../events';
import { ActivityState, evolveActivity, initialActivityState } from '../activity/activity.state';
import type { Catalogue } from '../catalogue/catalogue';
import { fundLineLabel } from '../fund-line/fund-line.key';
import {
  FundLineState,
  available,
  evolveFundLine,
  funds,
  initialFundLineState,
  plan,
  unallocated,
} from '../fund-line/fund-line.state';
import { D, ZERO, formatVnd } from '../money/money';
import { stableStringify } from '../shared/stable-json';
import { LEDGER_MEASURES } from '../commands/state-figure/state-figure.decide';

/**
 * Đối chiếu: what the documents state against what the ledger holds, and against themselves. A pure
 * function of the log: the same events give the same findings.
 *
 *  assertion-mismatch          a stated figure differs from the ledger's figure for the same scope and date
 *  total-not-sum-of-parts      a stated total is not the sum of the stated parts it is said to consist of
 *  rate-mismatch               a stated rate ("= 17,22% KH") is not the rate of its amounts
 *  conflicting-statements      two statements of the same figure (scope, measure, date) differ
 *  disbursed-beyond-allocation more disbursed than allocated (or planned): in the ledger or as stated
 *  money-on-not-implemented    the ledger holds money for a component the document says is not implemented
 *  unresolved-reference        a part or rate base names a figure the document does not state
 *
 * Severity "rounding": the difference is within the precision the figures were written with (a total
 * written in whole millions against parts written to 100.000 đ); "error" otherwise.
 */
export type FindingKind =
  | 'assertion-mismatch'
  | 'total-not-sum-of-parts'
  | 'rate-mismatch'
  | 'conflicting-statements'
  | 'disbursed-beyond-allocation'
  | 'money-on-not-implemented'
  | 'unresolved-reference';

export const FINDING_KINDS: readonly FindingKind[] = [
  'assertion-mismatch',
  'total-not-sum-of-parts',
  'rate-mismatch',
  'conflicting-statements',
  'disbursed-beyond-allocation',
  'money-on-not-implemented',
  'unresolved-reference',
];

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: 'error' | 'rounding';
  readonly document?: { readonly id: string; readonly title: string };
  readonly section?: string;
  readonly assertionId?: string;
  readonly quote?: string;
  readonly measure?: string;
  /** The figure's scope, as a short label ("184 · DA3 · 2024 · NSTW"). */
  readonly scope?: string;
  readonly asOf?: string;
  /** Unit of stated / ledger / difference: "đồng", "%", or the indicator's unit. */
  readonly unit?: string;
  readonly stated?: string;
  readonly ledger?: string;
  /** stated − ledger (or stated − computed). */
  readonly difference?: string;
  readonly parts?: readonly { readonly assertionId: string; readonly stated: string | null }[];
  readonly related?: readonly { readonly assertionId: string; readonly section: string; readonly stated: string }[];
  /** A likely cause the check recognises, e.g. a figure written with the wrong unit. */
  readonly hint?: string;
  /** A fund line of the ledger, for findings about the ledger itself. */
  readonly line?: string;
  readonly message: string;
}

export interface ReconciliationReport {
  /** Global position of the last event reconciled. */
  readonly position: number;
  readonly assertions: number;
  readonly checks: number;
  readonly holding: number;
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<FindingKind, number>>;
}

export interface ReconcileFilter {
  readonly document?: string;
  readonly unit?: string;
  /** The reader's scopes: only figures and lines of units under them are checked and reported ('all' or absent: every one). */
  readonly scope?: 'all' | readonly string[];
}

type Figure = FigureStated['data'];
interface Stated {
  readonly figure: Figure;
  readonly position: number;
}

const FUND_LINE_TYPES = new Set<string>(FUND_LINE_EVENT_TYPES);
const ACTIVITY_TYPES = new Set<string>(ACTIVITY_EVENT_TYPES);

const keyOf = (document: string, assertionId: string) => `${document}\u0000${assertionId}`;
const half = (resolution: string | undefined) => new D(resolution ?? 0).div(2);
const fmtQuantity = (d: D) => {
  const [int, frac] = d.toFixed().split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}${frac ? `,${frac}` : ''}`;
};
const fmtPercent = (p: string) => `${p.replace('.', ',')} %`;
const signed = (d: D) => (d.isNegative() ? formatVnd(d) : `+${formatVnd(d)}`);

const UNIT_NAMES: readonly (readonly [string, string])[] = [
  ['1000', 'nghìn đồng'],
  ['1000000', 'triệu đồng'],
  ['1000000000', 'tỷ đồng'],
];

/**
 * A money figure that is off by a factor of 1.000, 1.000.000 or 1.000.000.000 (within the precision written
 * and 0,1 %) was most likely written with the wrong unit: "6.858.200.000 triệu đồng" for 6.858.200.000 đồng.
 */
export function unitSlipHint(stated: D, expected: D): string | undefined {
  if (stated.isZero() || expected.isZero()) return undefined;
  for (const [factor, name] of UNIT_NAMES) {
    const f = new D(factor);
    for (const [reading, from, to] of [
      [stated.div(f), name, 'đồng'],
      [stated.times(f), 'đồng', name],
    ] as const) {
      const off = reading.minus(expected).abs();
      if (off.lte(expected.abs().times('0.001'))) {
        return `off by a factor of ${formatVnd(f).replace(' đ', '')}: read in ${to} instead of ${from}, the figure would be ${formatVnd(reading)}, ${off.isZero() ? 'exactly the expected figure' : `${formatVnd(off)} from ${formatVnd(expected)}`}`;
      }
    }
  }
  return undefined;
}

/** The value a figure states: money when it has an amount, else its quantity. */
function valueOf(f: Figure): { value: D; resolution: D; money: boolean } | null {
  if (f.amount !== undefined) return { value: new D(f.amount), resolution: new D(f.resolution ?? 0), money: true };
  if (f.quantity !== undefined) return { value: new D(f.quantity), resolution: ZERO, money: false };
  return null;
}

export function scopeLabel(scope: FigureScope, category?: string): string {
  const parts = [
    scope.unit,
    scope.component ? `${scope.component}${scope.content ? `/${scope.content}` : ''}` : 'whole programme',
    scope.budgetYear !== undefined ? String(scope.budgetYear) : 'whole period',
    scope.originYear !== undefined && scope.originYear !== scope.budgetYear ? `from ${scope.originYear}` : null,
    scope.sources ? scope.sources.join('+') : 'all sources',
    scope.capitalType ?? null,
    scope.activityId ? `activity ${scope.activityId}` : null,
    category ? `"${category}"` : null,
  ];
  return parts.filter((p) => p !== null).join(' · ');
}

/** Reconciles the stated figures of the log with its fund lines and activities, and with each other. */
export function reconcile(events: readonly RecordedEvent[], catalogue: Catalogue, filter: ReconcileFilter = {}): ReconciliationReport {
  const stated = new Map<string, Stated>();
  const lineEvents: RecordedEvent<FundLineEvent>[] = [];
  const activityEvents: RecordedEvent<ActivityEvent>[] = [];
  for (const e of events) {
    if (e.type === 'FigureStated') {
      const f = (e as RecordedEvent<FigureStated>).data;
      stated.set(keyOf(f.document.id, f.assertionId), { figure: f, position: e.position });
    } else if (FUND_LINE_TYPES.has(e.type)) lineEvents.push(e as RecordedEvent<FundLineEvent>);
    else if (ACTIVITY_TYPES.has(e.type)) activityEvents.push(e as RecordedEvent<ActivityEvent>);
  }
  const position = events.length > 0 ? events[events.length - 1].position : 0;

  const under = (unit: string, code: string) => unit === code || catalogue.unitAncestors(unit).includes(code);
  const readable = (unit: string) => filter.scope === undefined || filter.scope === 'all' || filter.scope.some((code) => under(unit, code));
  const inScope = (s: Stated) =>
    (filter.document === undefined || s.figure.document.id === filter.document) &&
    (filter.unit === undefined || under(s.figure.scope.unit, filter.unit)) &&
    readable(s.figure.scope.unit);
  const checked = [...stated.values()].filter(inScope).sort((a, b) => a.position - b.position);

  // Fund lines and activities as of a date (valid time: effective date ≤ asOf), folded once per date.
  const linesAsOf = memo((asOf: string) => foldLines(lineEvents.filter((e) => e.metadata.effectiveDate <= asOf)));
  const activitiesAsOf = memo((asOf: string) => foldActivities(activityEvents.filter((e) => e.metadata.effectiveDate <= asOf)));

  const findings: Finding[] = [];
  let checks = 0;
  const check = (finding: Finding | null) => {
    checks += 1;
    if (finding) findings.push(finding);
  };
  const about = (s: Stated) => ({
    document: { id: s.figure.document.id, title: s.figure.document.title },
    section: s.figure.section,
    assertionId: s.figure.assertionId,
    ...(s.figure.quote ? { quote: s.figure.quote } : {}),
    measure: s.figure.measure,
    scope: scopeLabel(s.figure.scope, s.figure.category),
    asOf: s.figure.asOf,
  });
  const find = (s: Stated, id: string) => stated.get(keyOf(s.figure.document.id, id));
  const unitOf = (f: Figure) => (f.amount !== undefined ? 'đồng' : f.indicator ? (catalogue.indicators.get(f.indicator)?.unit ?? f.indicator) : '');
  const show = (d: D, f: Figure) => (f.amount !== undefined ? formatVnd(d) : `${fmtQuantity(d)} ${unitOf(f)}`);

  for (const s of checked) {
    const f = s.figure;
    const where = `${f.document.id} ${f.section}`;

    // 1. The figure against the ledger.
    if ((LEDGER_MEASURES as readonly string[]).includes(f.measure) && f.amount !== undefined) {
      const ledger = ledgerFigure(linesAsOf(f.asOf), f.measure, f.scope, catalogue);
      if (ledger !== null) {
        const diff = new D(f.amount).minus(ledger);
        check(
          diff.isZero()
            ? null
            : {
                kind: 'assertion-mismatch',
                severity: diff.abs().lte(half(f.resolution)) ? 'rounding' : 'error',
                ...about(s),
                unit: 'đồng',
                stated: f.amount,
                ledger: ledger.toFixed(),
                difference: diff.toFixed(),
                ...hintOf(unitSlipHint(new D(f.amount), ledger)),
                message: `${where} states ${f.measure} ${formatVnd(f.amount)} for ${scopeLabel(f.scope)} as of ${f.asOf}; the ledger has ${formatVnd(ledger)} (stated − ledger = ${signed(diff)})`,
              },
        );
      }
    }
    if (f.measure === 'output' && f.quantity !== undefined && f.indicator !== undefined) {
      const ledger = ledgerOutputs(activitiesAsOf(f.asOf), f.indicator, f.scope, catalogue);
      const diff = new D(f.quantity).minus(ledger);
      check(
        diff.isZero()
          ? null
          : {
              kind: 'assertion-mismatch',
              severity: 'error',
              ...about(s),
              unit: unitOf(f),
              stated: f.quantity,
              ledger: ledger.toFixed(),
              difference: diff.toFixed(),
              message: `${where} states ${show(new D(f.quantity), f)} (${f.indicator}) for ${scopeLabel(f.scope)} as of ${f.asOf}; the ledger's activities record ${show(ledger, f)}`,
            },
      );
    }
    if (f.measure === 'not-implemented') {
      const ledger = ledgerFigure(linesAsOf('9999-12-31'), 'plan', f.scope, catalogue) ?? ZERO;
      check(
        ledger.isZero()
          ? null
          : {
              kind: 'money-on-not-implemented',
              severity: 'error',
              ...about(s),
              unit: 'đồng',
              ledger: ledger.toFixed(),
              message: `${where} says unit ${f.scope.unit} does not implement ${f.scope.component ?? 'the programme'}; the ledger holds a plan of ${formatVnd(ledger)} for ${scopeLabel(f.scope)}`,
            },
      );
    }

    // 2. A stated total against its stated parts.
    const own = valueOf(f);
    for (const list of f.parts ?? []) {
      const parts = list.map((id) => ({ id, s: find(s, id) }));
      const missing = parts.filter((p) => !p.s || !valueOf(p.s.figure));
      if (missing.length > 0 || !own) {
        check({
          kind: 'unresolved-reference',
          severity: 'error',
          ...about(s),
          message: own
            ? `${where} is said to be the sum of ${list.join(' + ')}, but ${missing.map((m) => m.id).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not a stated figure of ${f.document.id}`
            : `${where} is said to be a sum but states no figure`,
        });
        continue;
      }
      const values = parts.map((p) => valueOf((p.s as Stated).figure) as NonNullable<ReturnType<typeof valueOf>>);
      const sum = values.reduce((t, v) => t.plus(v.value), ZERO);
      const tolerance = values.reduce((t, v) => t.plus(v.resolution), own.resolution).div(2);
      const diff = own.value.minus(sum);
      check(
        diff.isZero()
          ? null
          : {
              kind: 'total-not-sum-of-parts',
              severity: diff.abs().lte(tolerance) ? 'rounding' : 'error',
              ...about(s),
              unit: unitOf(f),
              stated: own.value.toFixed(),
              ledger: sum.toFixed(),
              difference: diff.toFixed(),
              parts: parts.map((p, i) => ({ assertionId: p.id, stated: values[i].value.toFixed() })),
              ...hintOf(own.money ? unitSlipHint(own.value, sum) ?? slippedPart(parts, values, own.value) : undefined),
              message: `${where} states ${show(own.value, f)}, but its parts ${list.join(' + ')} add up to ${show(sum, f)} (total − sum = ${own.money ? signed(diff) : fmtQuantity(diff)})`,
            },
      );
    }

    // 3. A stated rate against its amounts.
    if (f.rate?.of !== undefined && own) {
      const base = find(s, f.rate.of);
      const baseValue = base ? valueOf(base.figure) : null;
      if (!base || !baseValue) {
        check({
          kind: 'unresolved-reference',
          severity: 'error',
          ...about(s),
          message: `${where} states a rate of ${fmtPercent(f.rate.percent)} of ${f.rate.of}, which is not a stated figure of ${f.document.id}`,
        });
      } else if (!baseValue.value.isZero()) {
        const exact = own.value.times(100).div(baseValue.value);
        const computed = exact.toDecimalPlaces(f.rate.decimals, Decimal.ROUND_HALF_UP);
        const statedRate = new D(f.rate.percent);
        if (computed.eq(statedRate)) check(null);
        else {
          // Could amounts that round to the written ones give the written rate?
          const lo = own.value.minus(own.resolution.div(2)).times(100).div(baseValue.value.plus(baseValue.resolution.div(2)));
          const hi = own.value.plus(own.resolution.div(2)).times(100).div(baseValue.value.minus(baseValue.resolution.div(2)));
          const halfStep = new D(10).pow(-f.rate.decimals).div(2);
          const consistent = statedRate.plus(halfStep).gte(lo) && statedRate.minus(halfStep).lte(hi);
          check({
            kind: 'rate-mismatch',
            severity: consistent ? 'rounding' : 'error',
            ...about(s),
            unit: '%',
            stated: statedRate.toFixed(f.rate.decimals),
            ledger: computed.toFixed(f.rate.decimals),
            difference: statedRate.minus(computed).toFixed(f.rate.decimals),
            message: `${where} states ${show(own.value, f)} = ${fmtPercent(statedRate.toFixed(f.rate.decimals))} of ${f.rate.of} (${show(baseValue.value, base.figure)}); that is ${fmtPercent(computed.toFixed(f.rate.decimals))} (${exact.toDecimalPlaces(4).toFixed()} %)`,
          });
        }
      }
    }

    // 4. Stated disbursement beyond the stated allocation (or plan) of the same scope and date.
    if (f.measure === 'disbursed' && f.amount !== undefined) {
      const same = checked.filter(
        (o) =>
          o.figure.document.id === f.document.id &&
          o.figure.asOf === f.asOf &&
          o.figure.amount !== undefined &&
          stableStringify(o.figure.scope) === stableStringify(f.scope) &&
          o.figure.category === f.category,
      );
      const ceiling = same.find((o) => o.figure.measure === 'allocated') ?? same.find((o) => o.figure.measure === 'plan');
      if (ceiling) {
        const over = new D(f.amount).minus(ceiling.figure.amount as string);
        check(
          over.lte(half(f.resolution).plus(half(ceiling.figure.resolution)))
            ? null
            : {
                kind: 'disbursed-beyond-allocation',
                severity: 'error',
                ...about(s),
                unit: 'đồng',
                stated: f.amount,
                ledger: ceiling.figure.amount,
                difference: over.toFixed(),
                message: `${where} states ${formatVnd(f.amount)} disbursed, more than the ${formatVnd(ceiling.figure.amount as string)} it states as ${ceiling.figure.measure} (${ceiling.figure.section})`,
              },
        );
      }
    }
  }

  // 5. Statements of the same figure that differ.
  const groups = new Map<string, Stated[]>();
  for (const s of checked) {
    if (!valueOf(s.figure) || s.figure.measure === 'not-implemented') continue;
    const k = stableStringify({
      scope: s.figure.scope,
      category: s.figure.category ?? null,
      measure: s.figure.measure,
      asOf: s.figure.asOf,
      indicator: s.figure.indicator ?? null,
    });
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const values = group.map((g) => valueOf(g.figure) as NonNullable<ReturnType<typeof valueOf>>);
    const distinct = new Set(values.map((v) => v.value.toFixed()));
    if (distinct.size < 2) {
      check(null);
      continue;
    }
    const max = values.reduce((m, v) => (v.value.gt(m) ? v.value : m), values[0].value);
    const min = values.reduce((m, v) => (v.value.lt(m) ? v.value : m), values[0].value);
    const tolerance = values.reduce((t, v) => t.plus(v.resolution), ZERO).div(2);
    const first = group[0];
    check({
      kind: 'conflicting-statements',
      severity: max.minus(min).lte(tolerance) ? 'rounding' : 'error',
      ...about(first),
      unit: unitOf(first.figure),
      difference: max.minus(min).toFixed(),
      related: group.map((g, i) => ({ assertionId: g.figure.assertionId, section: g.figure.section, stated: values[i].value.toFixed() })),
      message: `${first.figure.document.id} states ${first.figure.measure} for ${scopeLabel(first.figure.scope)} as of ${first.figure.asOf} ${group.length} times with different figures: ${group
        .map((g, i) => `${show(values[i].value, g.figure)} (${g.figure.assertionId}, ${g.figure.section})`)
        .join(' vs ')}`,
    });
  }

  // 6. The ledger itself: no activity has more disbursed than allocated, no line more than its funds.
  if (filter.document === undefined) {
    for (const line of foldLines(lineEvents).values()) {
      const key = line.key as FundLineKey;
      if ((filter.unit !== undefined && !under(key.unit, filter.unit)) || !readable(key.unit)) continue;
      for (const [activityId, a] of line.activities) {
        const over = a.disbursed.minus(a.allocated);
        check(
          over.lte(0)
            ? null
            : {
                kind: 'disbursed-beyond-allocation',
                severity: 'error',
                line: fundLineLabel(key),
                unit: 'đồng',
                stated: a.disbursed.toFixed(),
                ledger: a.allocated.toFixed(),
                difference: over.toFixed(),
                message: `line ${fundLineLabel(key)}: activity ${activityId} has ${formatVnd(a.disbursed)} disbursed against ${formatVnd(a.allocated)} allocated`,
              },
        );
      }
      const over = line.disbursed.minus(funds(line));
      check(
        over.lte(0)
          ? null
          : {
              kind: 'disbursed-beyond-allocation',
              severity: 'error',
              line: fundLineLabel(key),
              unit: 'đồng',
              stated: line.disbursed.toFixed(),
              ledger: funds(line).toFixed(),
              difference: over.toFixed(),
              message: `line ${fundLineLabel(key)} has ${formatVnd(line.disbursed)} disbursed against ${formatVnd(funds(line))} of funds`,
            },
      );
    }
  }

  const counts = Object.fromEntries(FINDING_KINDS.map((k) => [k, findings.filter((x) => x.kind === k).length])) as Record<FindingKind, number>;
  return { position, assertions: checked.length, checks, holding: checks - findings.length, findings, counts };
}

const hintOf = (hint: string | undefined) => (hint ? { hint } : {});

/** A part whose unit slipped: the sum holds when that one part is read in another unit. */
function slippedPart(
  parts: readonly { id: string }[],
  values: readonly { value: D }[],
  total: D,
): string | undefined {
  const sum = values.reduce((t, v) => t.plus(v.value), ZERO);
  for (let i = 0; i < parts.length; i++) {
    const others = sum.minus(values[i].value);
    const hint = unitSlipHint(values[i].value, total.minus(others));
    if (hint) return `part ${parts[i].id} is ${hint}`;
  }
  return undefined;
}

function memo<T>(compute: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, compute(key));
    return cache.get(key) as T;
  };
}

function foldLines(events: readonly RecordedEvent<FundLineEvent>[]): Map<string, FundLineState> {
  const lines = new Map<string, FundLineState>();
  for (const e of events) lines.set(e.stream, evolveFundLine(lines.get(e.stream) ?? initialFundLineState(), e as unknown as FundLineEvent));
  return lines;
}

function foldActivities(events: readonly RecordedEvent<ActivityEvent>[]): Map<string, ActivityState> {
  const activities = new Map<string, ActivityState>();
  for (const e of events) activities.set(e.stream, evolveActivity(activities.get(e.stream) ?? initialActivityState(), e as unknown as ActivityEvent));
  return activities;
}

function matchesUnit(catalogue: Catalogue, unit: string, scopeUnit: string): boolean {
  return unit === scopeUnit || catalogue.unitAncestors(unit).includes(scopeUnit);
}

function matchesComponent(catalogue: Catalogue, component: string, scopeComponent: string | undefined): boolean {
  return scopeComponent === undefined || component === scopeComponent || catalogue.componentAncestors(component).includes(scopeComponent);
}

export function lineInScope(key: FundLineKey, scope: FigureScope, catalogue: Catalogue): boolean {
  return (
    key.programme === scope.programme &&
    matchesUnit(catalogue, key.unit, scope.unit) &&
    matchesComponent(catalogue, key.component, scope.component) &&
    (scope.content === undefined || key.content === scope.content) &&
    (scope.budgetYear === undefined || key.budgetYear === scope.budgetYear) &&
    (scope.originYear === undefined || key.originYear === scope.originYear) &&
    (scope.sources === undefined || scope.sources.includes(key.source)) &&
    (scope.capitalType === undefined || key.capitalType === scope.capitalType)
  );
}

/** The ledger's figure for a measure over every line in scope, or null when the measure has no ledger figure there. */
export function ledgerFigure(lines: ReadonlyMap<string, FundLineState>, measure: string, scope: FigureScope, catalogue: Catalogue): D | null {
  let total = ZERO;
  for (const line of lines.values()) {
    if (!line.key || !lineInScope(line.key, scope, catalogue)) continue;
    if (scope.activityId !== undefined) {
      const a = line.activities.get(scope.activityId);
      if (measure === 'allocated') total = total.plus(a?.allocated ?? ZERO);
      else if (measure === 'disbursed') total = total.plus(a?.disbursed ?? ZERO);
      else return null;
      continue;
    }
    const value: Record<string, (s: FundLineState) => D> = {
      plan,
      funds,
      allocated: (s) => s.allocated,
      unallocated,
      disbursed: (s) => s.disbursed,
      available,
      carriedIn: (s) => s.carriedIn,
      carriedOut: (s) => s.carriedOut,
      returned: (s) => s.returned,
    };
    const of = value[measure];
    if (!of) return null;
    total = total.plus(of(line));
  }
  return total;
}

function ledgerOutputs(activities: ReadonlyMap<string, ActivityState>, indicator: string, scope: FigureScope, catalogue: Catalogue): D {
  let total = ZERO;
  for (const a of activities.values()) {
    if (a.activityId === null || a.programme !== scope.programme) continue;
    if (scope.activityId !== undefined && a.activityId !== scope.activityId) continue;
    if (!matchesUnit(catalogue, a.unit, scope.unit) || !matchesComponent(catalogue, a.component, scope.component)) continue;
    total = total.plus(a.outputs[indicator] ?? 0);
  }
  return total;
}
