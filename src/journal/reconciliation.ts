import Decimal from 'decimal.js';
import type {
  Actor,
  ActivityEvent,
  FigureScope,
  FigureStated,
  FindingExplained,
  FundLineEvent,
  FundLineKey,
  LegalBasis,
  RecordedEvent,
} from '../../events';
import { ACTIVITY_EVENT_TYPES, FUND_LINE_EVENT_TYPES, legalBasisOf } from '../../events';
import { ActivityState, evolveActivity, initialActivityState } from '../activity/activity.state';
import { outputKey } from '../activity/output-log';
import type { Catalogue } from '../catalogue/catalogue';
import { fundLineLabel, fundLineStream } from '../fund-line/fund-line.key';
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
import { FINDING_KINDS, FindingKind, findingId } from '../commands/explain-finding/finding-id';

export { FINDING_KINDS };
export type { FindingKind };

/**
 * Đối chiếu: what the documents state against what the ledger holds, and against themselves. A pure
 * function of the log: the same events give the same findings.
 *
 *  assertion-mismatch          a stated figure differs from the ledger's figure for the same scope and date
 *  total-not-sum-of-parts      a stated total is not the sum of the stated parts it is said to consist of
 *  part-exceeds-whole          a part ("trong đó", or the x of "x of y") is more than its whole
 *  fraction-total-mismatch     the y of "x of y" is not the total the document states elsewhere ("02/16" vs "18")
 *  rate-mismatch               a stated rate ("= 17,22% KH") is not the rate of its amounts
 *  conflicting-statements      two statements of the same figure (scope, measure, date) differ
 *  disbursed-beyond-allocation more disbursed than allocated (or planned): in the ledger or as stated
 *  money-on-not-implemented    the ledger holds money for a component the document says is not implemented
 *  unresolved-reference        a part, a whole, a total or a rate base names a figure the document does not state
 *
 * Severity "rounding": the difference is within the precision the figures were written with (a total
 * written in whole millions against parts written to 100.000 đ); "error" otherwise.
 *
 * A figure the ledger cannot compare is never a mismatch: a category the ledger does not divide money by
 * ("chuyển tiếp"), a source it holds no money of in the figure's scope, an indicator no activity there records.
 * It is listed under `notChecked` with the reason, and still checked against the document's own figures.
 *
 * Each finding has a stable `id`; an explanation recorded against it (FindingExplained) is attached to it, with
 * who recorded it and when. The finding stays listed.
 */
/** An explanation recorded against a finding: its words, its basis (a document or a correcting decision), who and when. */
export interface FindingExplanation {
  readonly explanation: string;
  readonly basis: LegalBasis;
  readonly recordedBy: Actor;
  readonly recordedAt: string;
  readonly position: number;
}

export interface Finding {
  /** Stable id (see src/commands/explain-finding/finding-id.ts): what an explanation names. */
  readonly id: string;
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
  /** True when an explanation was recorded against it; the explanations, oldest first. */
  readonly explained: boolean;
  readonly explanations?: readonly FindingExplanation[];
}

/** A stated figure the ledger cannot compare, and why. It is still checked against the document's own figures. */
export interface NotChecked {
  readonly document: { readonly id: string; readonly title: string };
  readonly section: string;
  readonly assertionId: string;
  readonly quote?: string;
  readonly measure: string;
  readonly scope: string;
  readonly asOf: string;
  readonly stated?: string;
  readonly reason: string;
}

export interface ReconciliationReport {
  /** Global position of the last event reconciled. */
  readonly position: number;
  readonly assertions: number;
  readonly checks: number;
  readonly holding: number;
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<FindingKind, number>>;
  /** Findings with an explanation recorded against them (counted among the findings). */
  readonly explained: number;
  /** Figures the ledger cannot compare, with the reason. Not counted among the checks. */
  readonly notChecked: readonly NotChecked[];
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
  const explanations = new Map<string, FindingExplanation[]>();
  for (const e of events) {
    if (e.type === 'FigureStated') {
      const f = (e as RecordedEvent<FigureStated>).data;
      stated.set(keyOf(f.document.id, f.assertionId), { figure: f, position: e.position });
    } else if (e.type === 'FindingExplained') {
      const x = (e as RecordedEvent<FindingExplained>).data;
      const list = explanations.get(x.findingId) ?? [];
      list.push({ explanation: x.explanation, basis: legalBasisOf(e.metadata), recordedBy: e.metadata.actor, recordedAt: e.metadata.recordedAt, position: e.position });
      explanations.set(x.findingId, list);
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
  const allLines = () => linesAsOf('9999-12-31');
  const allActivities = () => activitiesAsOf('9999-12-31');

  const findings: Finding[] = [];
  const notChecked: NotChecked[] = [];
  let checks = 0;
  const explainedOf = (id: string) => {
    const list = explanations.get(id);
    return list ? { explained: true, explanations: list } : { explained: false };
  };
  const check = (finding: Omit<Finding, 'explained' | 'explanations'> | null) => {
    checks += 1;
    if (finding) findings.push({ ...finding, ...explainedOf(finding.id) });
  };
  /** Where a figure is stated and what about: what findings and the figures not checked both show. */
  const statedAt = (s: Stated) => ({
    document: { id: s.figure.document.id, title: s.figure.document.title },
    section: s.figure.section,
    assertionId: s.figure.assertionId,
    ...(s.figure.quote ? { quote: s.figure.quote } : {}),
    measure: s.figure.measure,
    scope: scopeLabel(s.figure.scope, s.figure.category),
    asOf: s.figure.asOf,
  });
  const about = (s: Stated, kind: FindingKind, facet?: string) => ({
    id: findingId({ kind, unit: s.figure.scope.unit, document: s.figure.document.id, assertionId: s.figure.assertionId, ...(facet ? { facet } : {}) }),
    kind,
    ...statedAt(s),
  });
  const skip = (s: Stated, reason: string) =>
    notChecked.push({
      ...statedAt(s),
      ...(s.figure.amount !== undefined ? { stated: s.figure.amount } : s.figure.quantity !== undefined ? { stated: s.figure.quantity } : {}),
      reason,
    });
  const find = (s: Stated, id: string) => stated.get(keyOf(s.figure.document.id, id));
  const unitOf = (f: Figure) => (f.amount !== undefined ? 'đồng' : f.indicator ? (catalogue.indicators.get(f.indicator)?.unit ?? f.indicator) : '');
  const show = (d: D, f: Figure) => (f.amount !== undefined ? formatVnd(d) : `${fmtQuantity(d)} ${unitOf(f)}`);
  const unresolved = (s: Stated, facet: string, message: string) => check({ ...about(s, 'unresolved-reference', facet), severity: 'error', message });

  for (const s of checked) {
    const f = s.figure;
    const where = `${f.document.id} ${f.section}`;

    // 1. The figure against the ledger, when the ledger can compare it.
    if ((LEDGER_MEASURES as readonly string[]).includes(f.measure) && f.amount !== undefined) {
      const reason = moneyNotComparable(f, allLines(), catalogue);
      const ledger = reason === null ? ledgerFigure(linesAsOf(f.asOf), f.measure, f.scope, catalogue) : null;
      if (reason !== null) skip(s, reason);
      else if (ledger !== null) {
        const diff = new D(f.amount).minus(ledger);
        check(
          diff.isZero()
            ? null
            : {
                ...about(s, 'assertion-mismatch'),
                severity: diff.abs().lte(half(f.resolution)) ? 'rounding' : 'error',
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
      const reason = outputNotComparable(f, allActivities(), catalogue);
      if (reason !== null) skip(s, reason);
      else {
        const ledger = ledgerOutputs(activitiesAsOf(f.asOf), outputKeyOf(f, catalogue), f.scope, catalogue);
        const diff = new D(f.quantity).minus(ledger);
        check(
          diff.isZero()
            ? null
            : {
                ...about(s, 'assertion-mismatch'),
                severity: 'error',
                unit: unitOf(f),
                stated: f.quantity,
                ledger: ledger.toFixed(),
                difference: diff.toFixed(),
                message: `${where} states ${show(new D(f.quantity), f)} (${f.indicator}) for ${scopeLabel(f.scope)} as of ${f.asOf}; the ledger's activities record ${show(ledger, f)}`,
              },
        );
      }
    }
    if (f.measure === 'not-implemented') {
      const ledger = ledgerFigure(allLines(), 'plan', f.scope, catalogue) ?? ZERO;
      check(
        ledger.isZero()
          ? null
          : {
              ...about(s, 'money-on-not-implemented'),
              severity: 'error',
              unit: 'đồng',
              ledger: ledger.toFixed(),
              message: `${where} says unit ${f.scope.unit} does not implement ${f.scope.component ?? 'the programme'}; the ledger holds a plan of ${formatVnd(ledger)} for ${scopeLabel(f.scope)}`,
            },
      );
    }

    // 2. A stated total against its stated parts.
    const own = valueOf(f);
    (f.parts ?? []).forEach((list, index) => {
      const facet = `sumOf[${index}]`;
      const parts = list.map((id) => ({ id, s: find(s, id) }));
      const missing = parts.filter((p) => !p.s || !valueOf(p.s.figure));
      if (missing.length > 0 || !own) {
        unresolved(
          s,
          facet,
          own
            ? `${where} is said to be the sum of ${list.join(' + ')}, but ${missing.map((m) => m.id).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not a stated figure of ${f.document.id}`
            : `${where} is said to be a sum but states no figure`,
        );
        return;
      }
      const values = parts.map((p) => valueOf((p.s as Stated).figure) as NonNullable<ReturnType<typeof valueOf>>);
      const sum = values.reduce((t, v) => t.plus(v.value), ZERO);
      const tolerance = values.reduce((t, v) => t.plus(v.resolution), own.resolution).div(2);
      const diff = own.value.minus(sum);
      check(
        diff.isZero()
          ? null
          : {
              ...about(s, 'total-not-sum-of-parts', facet),
              severity: diff.abs().lte(tolerance) ? 'rounding' : 'error',
              unit: unitOf(f),
              stated: own.value.toFixed(),
              ledger: sum.toFixed(),
              difference: diff.toFixed(),
              parts: parts.map((p, i) => ({ assertionId: p.id, stated: values[i].value.toFixed() })),
              ...hintOf(own.money ? unitSlipHint(own.value, sum) ?? slippedPart(parts, values, own.value) : undefined),
              message: `${where} states ${show(own.value, f)}, but its parts ${list.join(' + ')} add up to ${show(sum, f)} (total − sum = ${own.money ? signed(diff) : fmtQuantity(diff)})`,
            },
      );
    });

    // 3. "Trong đó": a part is not more than each whole it is part of.
    (f.partOf ?? []).forEach((id, index) => {
      const facet = `partOf[${index}]`;
      const whole = find(s, id);
      const wholeValue = whole ? valueOf(whole.figure) : null;
      if (!own || !whole || !wholeValue) {
        unresolved(s, facet, `${where} is said to be part of ${id}, which is not a stated figure of ${f.document.id}`);
        return;
      }
      if (wholeValue.money !== own.money) {
        unresolved(s, facet, `${where} is said to be part of ${id}, but one is money and the other a quantity`);
        return;
      }
      const over = own.value.minus(wholeValue.value);
      const tolerance = own.resolution.plus(wholeValue.resolution).div(2);
      check(
        over.lte(0)
          ? null
          : {
              ...about(s, 'part-exceeds-whole', facet),
              severity: over.lte(tolerance) ? 'rounding' : 'error',
              unit: unitOf(f),
              stated: own.value.toFixed(),
              ledger: wholeValue.value.toFixed(),
              difference: over.toFixed(),
              related: [{ assertionId: id, section: (whole as Stated).figure.section, stated: wholeValue.value.toFixed() }],
              message: `${where} states ${show(own.value, f)} as part of ${id} (${(whole as Stated).figure.section}), which is only ${show(wholeValue.value, (whole as Stated).figure)}`,
            },
      );
    });

    // 4. "x of y": the count is not more than its total, and the total is the one the document states.
    if (f.outOf !== undefined && own) {
      const total = f.outOf.total !== undefined ? new D(f.outOf.total) : null;
      const base = f.outOf.of !== undefined ? find(s, f.outOf.of) : undefined;
      const baseValue = base ? valueOf(base.figure) : null;
      if (f.outOf.of !== undefined && (!base || !baseValue)) {
        unresolved(s, 'outOf', `${where} counts out of ${f.outOf.of}, which is not a stated figure of ${f.document.id}`);
      }
      const y = total ?? baseValue?.value ?? null;
      if (y !== null) {
        const over = own.value.minus(y);
        check(
          over.lte(0)
            ? null
            : {
                ...about(s, 'part-exceeds-whole', 'outOf'),
                severity: 'error',
                unit: unitOf(f),
                stated: own.value.toFixed(),
                ledger: y.toFixed(),
                difference: over.toFixed(),
                message: `${where} states ${fmtQuantity(own.value)}/${fmtQuantity(y)} ${unitOf(f)}: the count is more than its total`,
              },
        );
      }
      if (total !== null && base && baseValue) {
        const diff = total.minus(baseValue.value);
        check(
          diff.isZero()
            ? null
            : {
                ...about(s, 'fraction-total-mismatch', 'outOf'),
                severity: 'error',
                unit: unitOf(f),
                stated: total.toFixed(),
                ledger: baseValue.value.toFixed(),
                difference: diff.toFixed(),
                related: [{ assertionId: base.figure.assertionId, section: base.figure.section, stated: baseValue.value.toFixed() }],
                message: `${where} states ${fmtQuantity(own.value)}/${fmtQuantity(total)} ${unitOf(f)}, but the document states the total as ${show(baseValue.value, base.figure)} (${base.figure.assertionId}, ${base.figure.section})`,
              },
        );
      }
    }

    // 5. A stated rate against its amounts.
    if (f.rate?.of !== undefined && own) {
      const base = find(s, f.rate.of);
      const baseValue = base ? valueOf(base.figure) : null;
      if (!base || !baseValue) {
        unresolved(s, 'rate.of', `${where} states a rate of ${fmtPercent(f.rate.percent)} of ${f.rate.of}, which is not a stated figure of ${f.document.id}`);
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
            ...about(s, 'rate-mismatch'),
            severity: consistent ? 'rounding' : 'error',
            unit: '%',
            stated: statedRate.toFixed(f.rate.decimals),
            ledger: computed.toFixed(f.rate.decimals),
            difference: statedRate.minus(computed).toFixed(f.rate.decimals),
            message: `${where} states ${show(own.value, f)} = ${fmtPercent(statedRate.toFixed(f.rate.decimals))} of ${f.rate.of} (${show(baseValue.value, base.figure)}); that is ${fmtPercent(computed.toFixed(f.rate.decimals))} (${fmtPercent(exact.toDecimalPlaces(4).toFixed())})`,
          });
        }
      }
    }

    // 6. Stated disbursement beyond the stated allocation (or plan) of the same scope and date.
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
                ...about(s, 'disbursed-beyond-allocation'),
                severity: 'error',
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

  // 7. Statements of the same figure that differ.
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
      ...about(first, 'conflicting-statements'),
      severity: max.minus(min).lte(tolerance) ? 'rounding' : 'error',
      unit: unitOf(first.figure),
      difference: max.minus(min).toFixed(),
      related: group.map((g, i) => ({ assertionId: g.figure.assertionId, section: g.figure.section, stated: values[i].value.toFixed() })),
      message: `${first.figure.document.id} states ${first.figure.measure} for ${scopeLabel(first.figure.scope)} as of ${first.figure.asOf} ${group.length} times with different figures: ${group
        .map((g, i) => `${show(values[i].value, g.figure)} (${g.figure.assertionId}, ${g.figure.section})`)
        .join(' vs ')}`,
    });
  }

  // 8. The ledger itself: no activity has more disbursed than allocated, no line more than its funds.
  if (filter.document === undefined) {
    for (const line of allLines().values()) {
      const key = line.key as FundLineKey;
      if ((filter.unit !== undefined && !under(key.unit, filter.unit)) || !readable(key.unit)) continue;
      const stream = fundLineStream(key);
      for (const [activityId, a] of line.activities) {
        const over = a.disbursed.minus(a.allocated);
        check(
          over.lte(0)
            ? null
            : {
                id: findingId({ kind: 'disbursed-beyond-allocation', line: stream, activityId }),
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
              id: findingId({ kind: 'disbursed-beyond-allocation', line: stream }),
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
  return {
    position,
    assertions: checked.length,
    checks,
    holding: checks - findings.length,
    findings,
    counts,
    explained: findings.filter((x) => x.explained).length,
    notChecked,
  };
}

/**
 * Why the ledger cannot compare a money figure, or null when it can: the figure counts a category the ledger
 * does not divide money by, or the ledger holds no money at all of the figure's sources in its scope (a stated
 * zero is then consistent with the ledger, and is compared).
 */
export function moneyNotComparable(f: Figure, lines: ReadonlyMap<string, FundLineState>, catalogue: Catalogue): string | null {
  if (f.category !== undefined) {
    return `the ledger does not divide ${f.scope.component ?? 'the programme'}'s money by "${f.category}": the figure is checked only against the document's own figures`;
  }
  if (f.amount !== undefined && new D(f.amount).isZero()) return null;
  for (const line of lines.values()) {
    if (!line.key || !lineInScope(line.key, f.scope, catalogue)) continue;
    if (f.scope.activityId === undefined || line.activities.has(f.scope.activityId)) return null;
  }
  const { sources: _sources, ...rest } = f.scope;
  const what = f.scope.sources ? `${f.scope.sources.join(', ')} money` : 'money';
  return `the ledger holds no ${what} for ${scopeLabel(rest)}: nothing to compare the figure with`;
}

/**
 * The activities' output an output figure is about: its indicator, or its indicator for a beneficiary category
 * when the figure's category is one of the catalogue's and the indicator counts beneficiaries ("trainees/women").
 */
function outputKeyOf(f: Figure, catalogue: Catalogue): string {
  const lists = catalogue.lists(f.scope.programme);
  if (f.category !== undefined && lists.beneficiaryCategories.has(f.category) && lists.indicators.get(f.indicator as string)?.byCategory) {
    return outputKey(f.indicator as string, f.category);
  }
  return f.indicator as string;
}

/**
 * Why the ledger cannot compare an output figure, or null: a category that is not a beneficiary category the
 * activities count by, or no activity in scope records (or, for a total, targets) it.
 */
export function outputNotComparable(f: Figure, activities: ReadonlyMap<string, ActivityState>, catalogue: Catalogue): string | null {
  const key = outputKeyOf(f, catalogue);
  if (f.category !== undefined && key === f.indicator) {
    return `the ledger's activities do not record ${f.indicator} by "${f.category}": the figure is checked only against the document's own figures`;
  }
  for (const a of activities.values()) {
    if (!activityInScope(a, f.scope, catalogue)) continue;
    if (a.outputs[key] !== undefined || (key === f.indicator && a.targets.some((t) => t.indicator === f.indicator))) return null;
  }
  return `no activity of the ledger in ${scopeLabel(f.scope)} records${key === f.indicator ? ' or targets' : ''} ${key}: nothing to compare the figure with`;
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

function activityInScope(a: ActivityState, scope: FigureScope, catalogue: Catalogue): boolean {
  return (
    a.activityId !== null &&
    a.programme === scope.programme &&
    (scope.activityId === undefined || a.activityId === scope.activityId) &&
    matchesUnit(catalogue, a.unit, scope.unit) &&
    matchesComponent(catalogue, a.component, scope.component)
  );
}

/** The sum of one output (an indicator, or "indicator/category") over the activities in scope. */
function ledgerOutputs(activities: ReadonlyMap<string, ActivityState>, key: string, scope: FigureScope, catalogue: Catalogue): D {
  let total = ZERO;
  for (const a of activities.values()) if (activityInScope(a, scope, catalogue)) total = total.plus(a.outputs[key] ?? 0);
  return total;
}
